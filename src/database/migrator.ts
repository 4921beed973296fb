import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';

export const MIGRATIONS_DIR = resolve(__dirname, '..', '..', 'migrations');

export interface MigrationFile {
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * Applies the SQL files in migrations/ in name order, each in its own
 * transaction. An advisory lock lets several processes start at once: one
 * migrates, the others wait and then find nothing to do.
 */
export async function runMigrations(dataSource: DataSource, files = readMigrations()): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext('brokerage:migrations'))`);
    await runner.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Set<string>((await runner.query(`SELECT name FROM schema_migrations`)).map((row: { name: string }) => row.name));
    const done: string[] = [];
    for (const file of files.filter((migration) => !applied.has(migration.name))) {
      await runner.startTransaction();
      try {
        await runner.query(file.sql);
        await runner.query(`INSERT INTO schema_migrations (name) VALUES ($1)`, [file.name]);
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction();
        throw new Error(`Migration ${file.name} failed: ${(error as Error).message}`);
      }
      done.push(file.name);
    }
    return done;
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(hashtext('brokerage:migrations'))`).catch(() => undefined);
    await runner.release();
  }
}

/** Names of committed migrations not yet applied (for /ready). */
export async function pendingMigrations(dataSource: DataSource, files = readMigrations()): Promise<string[]> {
  const rows: { name: string }[] = await dataSource
    .query(`SELECT name FROM schema_migrations`)
    .catch(() => []);
  const applied = new Set(rows.map((row) => row.name));
  return files.map((file) => file.name).filter((name) => !applied.has(name));
}
