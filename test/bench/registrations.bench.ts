/**
 * Registration throughput for one popular event, over HTTP, next to the raw
 * ceiling of the same Postgres for the same critical section (pgbench: lock
 * the event's capacity row + insert a registration, in one transaction).
 *
 *   npm run bench:registrations            (defaults: 20 s, 8 concurrent clients)
 *   BENCH_SECONDS=10 BENCH_CONCURRENCY=64 npm run bench:registrations
 *
 * Needs Postgres (trust auth as postgres) and Redis on localhost, and pgbench.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { benchDatabase } from './bench-database';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
async function sql(url: string, text: string, params: unknown[] = []) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function createOrganiserAndEvent(url: string, slug: string): Promise<string> {
  const [organiser] = await sql(url, `INSERT INTO organisers (name, api_key_hash) VALUES ('bench', md5(random()::text)) RETURNING id`);
  const [event] = await sql(
    url,
    `INSERT INTO events (organiser_id, slug, title, timezone, starts_at, ends_at, registration_opens_at, registration_closes_at,
       meeting_requests_close_at, cancellation_closes_at, capacity, waitlist, participant_types, meeting_minutes, tables)
     VALUES ($1, $2, 'Bench', 'Europe/Berlin', now() + interval '30 days', now() + interval '31 days', now() - interval '1 day',
       now() + interval '20 days', now() + interval '25 days', now() + interval '25 days', NULL, true, '{company,research}', 20, 50)
     RETURNING id`,
    [organiser.id, slug],
  );
  return event.id;
}

function pgbenchCeiling(url: string, eventId: string): { tps: number; latencyMs: number } {
  const script = join(tmpdir(), `bench-registrations-${process.pid}.sql`);
  writeFileSync(
    script,
    `\\set n random(1, 2000000000)
BEGIN;
SELECT id, capacity, waitlist, confirmed_count FROM events WHERE id = '${eventId}' FOR UPDATE;
INSERT INTO registrations (event_id, email, name, organisation, participant_type, country, profile, topics, status, token_hash, confirmed_at)
  VALUES ('${eventId}', 'p' || :n || '-' || :client_id || '@example.org', 'Name', 'Org', 'company', 'DE', 'Profile', '{sensors}', 'confirmed', md5(:n::text || random()::text), now());
COMMIT;
`,
  );
  const output = execFileSync('pgbench', ['-n', '-M', 'prepared', '-c', String(CONCURRENCY), '-j', '2', '-T', String(SECONDS), '-f', script, url], {
    encoding: 'utf8',
  });
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
  return { tps, latencyMs };
}

async function httpLoad(port: number, slug: string): Promise<{ rps: number; p50: number; p99: number; errors: number; total: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: `/api/public/events/${slug}/registrations`, method: 'POST', agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const worker = async () => {
    while (Date.now() < deadline) {
      counter += 1;
      const body = JSON.stringify({
        email: `bench${counter}-${Math.random().toString(36).slice(2)}@example.org`, name: `Bench ${counter}`, organisation: 'Bench GmbH',
        participantType: 'company', country: 'DE', profile: 'Profile', topics: ['sensors'],
      });
      const started = process.hrtime.bigint();
      const status = await post(body).catch(() => 0);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 201) errors += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, total: latencies.length };
}

async function waitForHealth(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('API did not become healthy');
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  const url = database.url;
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const api = spawn(process.execPath, [...profile, '-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), PUBLIC_RATE_LIMIT: '0', LOG_LEVEL: 'warn', REDIS_PREFIX: `bench:${database.name}`, DATABASE_POOL_SIZE: '20',
      // the API alone, as in production: confirmation emails are sent by worker processes
      WORKER_IN_PROCESS: 'false' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitForHealth(port); // the API applies the migrations on start
    const ceilingEvent = await createOrganiserAndEvent(url, 'bench-ceiling');
    const apiEvent = await createOrganiserAndEvent(url, 'bench-api');
    console.log(`Registration benchmark: ${SECONDS} s each, ${CONCURRENCY} concurrent clients, one event, Postgres + API on this machine\n`);
    const ceiling = pgbenchCeiling(url, ceilingEvent);
    console.log(`pgbench ceiling (lock event row + insert registration): ${ceiling.tps.toFixed(0)} tx/s, avg latency ${ceiling.latencyMs.toFixed(2)} ms`);
    await httpLoad(port, 'bench-api').then(() => undefined); // warm-up run is discarded
    await sql(url, `DELETE FROM registrations WHERE event_id = $1`, [apiEvent]);
    const load = await httpLoad(port, 'bench-api');
    console.log(
      `HTTP POST /api/public/events/:slug/registrations: ${load.rps.toFixed(0)} req/s, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms, ` +
        `${load.total} requests, ${load.errors} errors`,
    );
    console.log(`API / ceiling: ${((100 * load.rps) / ceiling.tps).toFixed(1)} % (aim: >= 60 % with p99 < 50 ms)`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
