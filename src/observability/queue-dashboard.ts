import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Env } from '../config/env';
import { JobQueue } from '../queue/job-queue.service';

const PATH = '/admin/queues';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The operators' queue dashboard (bull-board) at /admin/queues, only when
 * ADMIN_TOKEN is set, and only for requests that carry it: as a bearer token,
 * or as the password of HTTP basic auth so a browser can open it.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const env = app.get(Env);
  if (!env.ADMIN_TOKEN) return;
  const jobs = app.get(JobQueue);
  const serverAdapter = new ExpressAdapter().setBasePath(PATH);
  createBullBoard({ queues: [new BullMQAdapter(jobs.queue('scheduling')), new BullMQAdapter(jobs.queue('notifications'))], serverAdapter });
  const requireToken = (request: Request, response: Response, next: NextFunction) => {
    const header = request.header('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
    const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const given = bearer ?? password;
    if (given && sameSecret(given, env.ADMIN_TOKEN!)) return next();
    response.setHeader('WWW-Authenticate', 'Basic realm="brokerage admin"');
    response.status(401).json({ statusCode: 401, code: 'unauthorized', message: 'The admin token is required' });
  };
  app.use(PATH, requireToken, serverAdapter.getRouter());
}
