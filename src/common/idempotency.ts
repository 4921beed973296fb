import { createHash } from 'node:crypto';
import { HttpStatus, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError } from './api-error';

export interface StoredResponse<T> {
  statusCode: number;
  body: T;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` support: the first response to a key is stored in the same
 * transaction as the change it reports, so a retry returns it instead of
 * changing anything again. Reusing a key for a different request is an error.
 */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private purger?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stored responses hold participant tokens: keep them only as long as a client may retry (24 h). */
  onApplicationBootstrap(): void {
    this.purger = setInterval(() => void this.purgeExpired().catch(() => undefined), 60 * 60 * 1000);
    this.purger.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purger);
  }

  async purgeExpired(): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
    return count;
  }

  static validateKey(key: string | undefined): string | undefined {
    if (key === undefined) return undefined;
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_idempotency_key', 'Idempotency-Key must be 1-200 visible ASCII characters');
    }
    return key;
  }

  static hashRequest(request: unknown): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  /** Serialises requests that share a key, until the transaction ends. */
  async lock(manager: EntityManager, scope: string, key: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${scope}:${key}`]);
  }

  async find<T>(manager: EntityManager, scope: string, key: string, requestHash: string): Promise<StoredResponse<T> | null> {
    const [row] = await manager.query(`SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    if (!row) return null;
    if (row.request_hash !== requestHash) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request');
    }
    return { statusCode: row.status_code, body: row.response };
  }

  async save<T>(manager: EntityManager, scope: string, key: string, requestHash: string, response: StoredResponse<T>): Promise<void> {
    await manager.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5)`,
      [scope, key, requestHash, response.statusCode, JSON.stringify(response.body)],
    );
  }
}
