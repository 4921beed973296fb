import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { servePglite } from './pglite-server';

/**
 * Zero-configuration start: with no DATABASE_URL the service runs on an
 * embedded PostgreSQL (PGlite, Postgres compiled to WebAssembly) served over
 * the wire protocol (pglite-server.ts), so TypeORM, `pg`, the migrations and every SQL statement
 * run unchanged; with no REDIS_URL and nothing on localhost:6379 it starts a
 * private redis-server. Meant for one `npm start` on a laptop, not production.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export class DevServiceError extends Error {}

/** dataDir undefined: in memory (tests). */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = await servePglite(db);
  return {
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    stop: async () => {
      await server.close();
      await db.close();
    },
  };
}

export interface PrivateRedis {
  url: string;
  stop(): void;
}

export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new DevServiceError(
      'No Redis: set REDIS_URL, or install redis-server (apt-get install redis-server / brew install redis), or run `docker compose up -d redis`.',
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '60 1', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new DevServiceError(`redis-server did not start on port ${port}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

export function answers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface DevServices {
  /** What was started or reused, one line each, for the log. */
  notes: string[];
  stop(): Promise<void>;
}

interface SharedServices {
  pid: number;
  DATABASE_URL?: string;
  REDIS_URL?: string;
}

/**
 * Fills in DATABASE_URL and REDIS_URL in `env` when they are unset. The
 * process that starts the services records their URLs in data/dev-services.json,
 * so `npm run cli`, `npm run demo` and `npm run start:worker` started while
 * `npm start` runs use the same ones (PGlite's data directory can be opened by
 * one process only).
 */
export async function startDevServices(env: NodeJS.ProcessEnv = process.env, dataDir = resolve('data')): Promise<DevServices> {
  const notes: string[] = [];
  const stops: (() => Promise<void> | void)[] = [];
  const needDatabase = !env.DATABASE_URL;
  const needRedis = !env.REDIS_URL && !(await answers(6379));
  if (!needDatabase && !needRedis) return { notes, stop: async () => undefined };

  const sharedFile = resolve(dataDir, 'dev-services.json');
  const shared = readShared(sharedFile);
  const started: SharedServices = { pid: process.pid };
  if (needDatabase) {
    if (shared?.DATABASE_URL) {
      env.DATABASE_URL = shared.DATABASE_URL;
      notes.push(`Using the embedded PostgreSQL of process ${shared.pid} at ${shared.DATABASE_URL}`);
    } else {
      const postgres = await startEmbeddedPostgres(resolve(dataDir, 'pglite'));
      env.DATABASE_URL = started.DATABASE_URL = postgres.url;
      stops.push(postgres.stop);
      notes.push(`No DATABASE_URL: started embedded PostgreSQL (PGlite) at ${postgres.url}, data in ${resolve(dataDir, 'pglite')}`);
    }
  }
  if (needRedis) {
    if (shared?.REDIS_URL) {
      env.REDIS_URL = shared.REDIS_URL;
      notes.push(`Using the private Redis of process ${shared.pid} at ${shared.REDIS_URL}`);
    } else {
      const redis = await startPrivateRedis(resolve(dataDir, 'redis'));
      env.REDIS_URL = started.REDIS_URL = redis.url;
      stops.push(redis.stop);
      process.once('exit', redis.stop);
      notes.push(`No REDIS_URL and nothing on localhost:6379: started redis-server at ${redis.url}, data in ${resolve(dataDir, 'redis')}`);
    }
  }
  if (stops.length) writeFileSync(sharedFile, JSON.stringify(started));
  return {
    notes,
    stop: async () => {
      if (stops.length && readShared(sharedFile)?.pid === process.pid) rmSync(sharedFile, { force: true });
      for (const stop of stops.reverse()) await stop();
    },
  };
}

function readShared(file: string): SharedServices | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const shared = JSON.parse(readFileSync(file, 'utf8')) as SharedServices;
    process.kill(shared.pid, 0);
    return shared;
  } catch {
    // A stale file of a process that is gone.
    return undefined;
  }
}
