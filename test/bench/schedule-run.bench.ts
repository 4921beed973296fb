/**
 * Schedule generation end to end: a generated event of BENCH_PARTICIPANTS
 * (default 5,000) participants and ~10 accepted requests each (~50,000
 * meetings) is seeded into a fresh database; the run goes through the HTTP
 * API, the BullMQ queue, the worker (in-process here), the engine thread and
 * the atomic version write.
 *
 *   npm run bench:schedule-run
 *   BENCH_PARTICIPANTS=2000 BENCH_BUDGET_MS=3000 npm run bench:schedule-run
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { benchDatabase } from './bench-database';
import { DataSource } from 'typeorm';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 5000);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 3000);

async function main(): Promise<void> {
  const database = await benchDatabase();
  Object.assign(process.env, { DATABASE_URL: database.url, REDIS_PREFIX: `bench:${database.name}`, PUBLIC_RATE_LIMIT: '0', WORKER_IN_PROCESS: 'true' });
  // imported after the environment is set: the modules read it when they load
  const { AppModule } = await import('../../src/app.module');
  const { configureApp } = await import('../../src/app.setup');
  const { OrganisersService } = await import('../../src/organisers/organisers.service');
  const { createDemoEvent } = await import('../../src/demo/demo-event');
  const app = configureApp(await NestFactory.create(AppModule, { logger: ['error', 'warn'], bodyParser: false }));
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const { organiser, apiKey } = await app.get(OrganisersService).create('bench');
    let started = Date.now();
    const demo = await createDemoEvent(app, organiser, { participants: PARTICIPANTS, requestsPerParticipant: 10 });
    console.log(`Seeded ${demo.participants} participants, ${demo.meetings} accepted requests (40 slots, 2 days) in ${Date.now() - started} ms`);
    const headers = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
    started = Date.now();
    const accepted = await fetch(`${base}/api/events/${demo.eventId}/schedule-runs`, { method: 'POST', headers, body: JSON.stringify({ timeBudgetMs: BUDGET_MS }) });
    const { id } = (await accepted.json()) as { id: string };
    let run: { status: string; progress: number; result: Record<string, number | unknown[]>; startedAt: string; finishedAt: string };
    let lastProgress = -1;
    for (;;) {
      run = (await (await fetch(`${base}/api/events/${demo.eventId}/schedule-runs/${id}`, { headers })).json()) as typeof run;
      if (run.progress !== lastProgress && run.status === 'running') console.log(`  ${run.status} ${run.progress} %`), (lastProgress = run.progress);
      if (run.status === 'done' || run.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const wall = Date.now() - started;
    if (run.status !== 'done') throw new Error(`run failed: ${JSON.stringify(run)}`);
    const result = run.result as Record<string, number> & { unscheduled: unknown[] };
    const [{ rows }] = await app.get(DataSource).query(`SELECT count(*)::int AS rows FROM schedule_attendance WHERE event_id = $1`, [demo.eventId]);
    console.log(
      `Run: POST → done in ${wall} ms (engine ${result.runTimeMs} ms with a ${BUDGET_MS} ms budget; ` +
        `worker start → finish ${new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()} ms)\n` +
        `     scheduled ${result.scheduled} of ${result.requested} requested, upper bound ${result.upperBound} ` +
        `(${((100 * result.scheduled) / result.upperBound).toFixed(2)} %), breaks ${result.breaks}, spread ${result.breakSpread}, ` +
        `unscheduled ${result.unscheduled.length}, attendance rows ${rows}`,
    );
  } finally {
    await app.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
