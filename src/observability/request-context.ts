import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const storage = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives every request an id (the caller's X-Request-Id if sane, else a new
 * one), echoes it in the response and makes it visible to every log line
 * written while the request is handled.
 */
export function requestContext(request: Request, response: Response, next: NextFunction): void {
  const given = request.header('x-request-id');
  const requestId = given && ACCEPTED_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', requestId);
  storage.run({ requestId }, next);
}
