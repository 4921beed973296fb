import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '../database/migrator';
import { REDIS } from '../redis/redis.module';

type Check = 'up' | 'down';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Reports the database and Redis; 503 when either is down. */
  @Get('health')
  async health(@Res({ passthrough: true }) response: Response) {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const ok = database === 'up' && redis === 'up';
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'degraded', database, redis };
  }

  /** Ready to take traffic: dependencies up and every committed migration applied. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const pending = database === 'up' ? await pendingMigrations(this.dataSource) : [];
    const ok = database === 'up' && redis === 'up' && pending.length === 0;
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ready' : 'not_ready', database, redis, pendingMigrations: pending };
  }

  private async checkDatabase(): Promise<Check> {
    return this.dataSource.query('SELECT 1').then(() => 'up' as const, () => 'down' as const);
  }

  private async checkRedis(): Promise<Check> {
    const timeout = new Promise<Check>((resolve) => setTimeout(() => resolve('down'), 1000).unref());
    return Promise.race([this.redis.ping().then(() => 'up' as const, () => 'down' as const), timeout]);
  }
}
