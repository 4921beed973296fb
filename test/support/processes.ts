import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { DataSource } from 'typeorm';

/** Starts `npm run start:worker`'s code (via ts-node) as a separate OS process against the test database and Redis. */
export function startWorker(env: Record<string, string> = {}): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/worker.ts'], {
    env: { ...process.env, MIGRATIONS_RUN: 'false', LOG_FORMAT: 'json', JOB_LOCK_MS: '2000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  return child;
}

/** Starts the API (src/main.ts via ts-node) as its own OS process on a free port. */
export async function startApi(env: Record<string, string> = {}): Promise<ChildProcess & { output: string[]; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    env: { ...process.env, MIGRATIONS_RUN: 'false', LOG_FORMAT: 'json', LOG_LEVEL: 'warn', WORKER_IN_PROCESS: 'false', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[]; url: string };
  child.output = [];
  child.url = `http://127.0.0.1:${port}`;
  child.stdout!.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  for (let attempt = 0; ; attempt += 1) {
    if (await fetch(`${child.url}/health`).then((response) => response.ok, () => false)) return child;
    if (attempt > 300 || child.exitCode !== null) throw new Error(`API did not start: ${child.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForOutput(child: ChildProcess & { output: string[] }, text: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!child.output.join('').includes(text)) {
    if (Date.now() > deadline) throw new Error(`process did not print "${text}": ${child.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * Fills an event with confirmed participants and active meetings straight in
 * SQL (the API path is covered elsewhere; here we need volume quickly).
 */
export async function seedMeetings(dataSource: DataSource, eventId: string, participants: number, meetingsPerParticipant: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO registrations (event_id, email, name, organisation, participant_type, country, status, token_hash, confirmed_at)
     SELECT $1::uuid, 'seed' || i || '@example.org', 'Seed ' || i, 'Seed Org ' || i, 'company', 'DE', 'confirmed', md5($1::text || i), now()
     FROM generate_series(1, $2) AS i`,
    [eventId, participants],
  );
  await dataSource.query(
    `WITH people AS (SELECT id, row_number() OVER (ORDER BY email) AS n FROM registrations WHERE event_id = $1),
     pairs AS (
       SELECT DISTINCT least(a.id, b.id) AS x, greatest(a.id, b.id) AS y
       FROM people a
       CROSS JOIN generate_series(1, $3) AS k
       JOIN people b ON b.n = 1 + ((a.n + k * 7 + (a.n * k) % 13) % $2)
       WHERE a.id <> b.id)
     INSERT INTO meetings (event_id, participant_a, participant_b, priority, source, created_at)
     SELECT $1, x, y, 1, 'organiser', now() FROM pairs`,
    [eventId, participants, Math.ceil(meetingsPerParticipant / 2)],
  );
}
