/**
 * Publishing a schedule for BENCH_PARTICIPANTS (default 2,000) participants:
 * from the publish request until every agenda email (text + HTML + one
 * calendar invite per meeting) has been rendered and accepted by an SMTP
 * server on loopback. Prints emails/s.
 *
 *   npm run bench:emails
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { benchDatabase } from './bench-database';
import { SMTPServer } from 'smtp-server';
import { AddressInfo } from 'node:net';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 2000);

async function main(): Promise<void> {
  let received = 0;
  let bytes = 0;
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = ((smtp as unknown as { server: { address(): AddressInfo } }).server.address()).port;

  const database = await benchDatabase();
  Object.assign(process.env, {
    DATABASE_URL: database.url, REDIS_PREFIX: `bench:${database.name}`, PUBLIC_RATE_LIMIT: '0', WORKER_IN_PROCESS: 'true',
    SMTP_URL: `smtp://127.0.0.1:${port}`, OUTBOX_POLL_MS: '200',
  });
  const { AppModule } = await import('../../src/app.module');
  const { OrganisersService } = await import('../../src/organisers/organisers.service');
  const { createDemoEvent } = await import('../../src/demo/demo-event');
  const { ScheduleRunsService } = await import('../../src/scheduling/schedule-runs.service');
  const { ScheduleService } = await import('../../src/scheduling/schedule.service');
  const { EventsService } = await import('../../src/events/events.service');
  const { DataSource } = await import('typeorm');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const { organiser } = await app.get(OrganisersService).create('bench');
    const demo = await createDemoEvent(app, organiser, { participants: PARTICIPANTS, requestsPerParticipant: 5 });
    const dataSource = app.get(DataSource);
    // registration confirmations are not what this measures
    await dataSource.query(`UPDATE email_outbox SET status = 'sent' WHERE event_id = $1`, [demo.eventId]);
    const event = await app.get(EventsService).getById(demo.eventId);
    const run = await app.get(ScheduleRunsService).request(event, { timeBudgetMs: 1000 });
    while ((await app.get(ScheduleRunsService).get(event.id, run.id)).status !== 'done') await new Promise((resolve) => setTimeout(resolve, 200));
    received = 0;
    const started = Date.now();
    await app.get(ScheduleService).publish(event);
    const [{ expected }] = await dataSource.query(`SELECT count(*)::int AS expected FROM email_outbox WHERE event_id = $1 AND cause = 'schedule_published'`, [event.id]);
    while (received < expected) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (Date.now() - started > 600_000) throw new Error(`only ${received} of ${expected} after 10 minutes`);
    }
    const seconds = (Date.now() - started) / 1000;
    const [{ failed }] = await dataSource.query(`SELECT count(*)::int AS failed FROM email_outbox WHERE event_id = $1 AND status = 'failed'`, [event.id]);
    console.log(
      `Published a schedule for ${demo.participants} participants (${demo.meetings} meetings): ${expected} agenda emails ` +
        `rendered and accepted by SMTP in ${seconds.toFixed(1)} s = ${(expected / seconds).toFixed(0)} emails/s ` +
        `(${(bytes / expected / 1024).toFixed(1)} KiB each on average, ${failed} failed, EMAIL_CONCURRENCY ${process.env.EMAIL_CONCURRENCY ?? 8})`,
    );
  } finally {
    await app.close();
    smtp.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
