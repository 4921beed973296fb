import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './metrics';

const logger = new Logger('HTTP');

/** One access-log line and one histogram sample per request, labelled by route pattern (not raw path). */
export function httpLog(request: Request, response: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  response.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = (request.route?.path as string | undefined) ?? 'unmatched';
    httpRequestDuration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
    logger.log({ message: 'request', method: request.method, path: request.originalUrl, status: response.statusCode, ms: Math.round(seconds * 1000) });
  });
  next();
}
