import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import Redis from 'ioredis';
import { Env } from '../config/env';
import { REDIS } from '../redis/redis.module';
import { ApiError } from './api-error';

const WINDOW_SECONDS = 60;

/**
 * Per-IP limit on public endpoints: PUBLIC_RATE_LIMIT requests per minute
 * (fixed window in Redis, so every API process shares the count).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Env,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.env.PUBLIC_RATE_LIMIT;
    if (limit === 0) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const window = Math.floor(nowSeconds / WINDOW_SECONDS);
    const key = `${this.env.REDIS_PREFIX}:ratelimit:${request.ip}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS * 2).exec()) as [[null, number]];
    if (count <= limit) return true;
    const retryAfter = (window + 1) * WINDOW_SECONDS - nowSeconds;
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', `Too many requests; try again in ${retryAfter} s`);
  }
}
