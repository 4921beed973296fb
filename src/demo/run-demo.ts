import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { startup } from '../bootstrap';
import { answers } from '../dev-services/dev-services';
import { EventsService } from '../events/events.service';
import { Mailer } from '../notifications/mailer';
import { OrganisersService } from '../organisers/organisers.service';
import { WorkersService } from '../queue/workers.service';
import { ScheduleRunsService } from '../scheduling/schedule-runs.service';
import { ScheduleService } from '../scheduling/schedule.service';
import { createDemoEvent } from './demo-event';

const PARTICIPANTS = 150;
const REQUESTS = 1000;
const TIMEOUT_MS = 60_000;

interface RunFigures {
  requested: number;
  scheduled: number;
  upperBound: number;
  breaks: number;
}

/**
 * npm run demo: a realistic event, scheduled through the real queue and
 * published, so the agenda emails land in the mailbox. Uses the embedded
 * services of a running `npm start` (or starts its own) when DATABASE_URL is unset.
 */
async function main(): Promise<void> {
  process.env.LOG_FORMAT ??= 'pretty';
  process.env.LOG_LEVEL ??= 'warn';
  const { env, logger, devServices } = await startup();
  for (const note of devServices.notes) console.log(note);
  WorkersService.forceStart = true;
  const app = await NestFactory.createApplicationContext(AppModule, { logger });
  try {
    const started = Date.now();
    const { organiser, apiKey } = await app.get(OrganisersService).create('MedTech Cluster Alliance (demo)');
    const demo = await createDemoEvent(app, organiser, { participants: PARTICIPANTS, requestsPerParticipant: REQUESTS / PARTICIPANTS });
    console.log(`Created "${demo.slug}": ${demo.participants} participants, ${demo.meetings} accepted meeting requests`);

    const event = await app.get(EventsService).getById(demo.eventId);
    const runs = app.get(ScheduleRunsService);
    let run = await runs.request(event, { timeBudgetMs: 5000 });
    console.log(`Schedule run ${run.id} queued; waiting for the worker`);
    const deadline = Date.now() + TIMEOUT_MS;
    while (run.status !== 'done') {
      if (run.status === 'failed') throw new Error(`schedule run failed: ${run.error}`);
      if (Date.now() > deadline) throw new Error(`schedule run still ${run.status} after ${TIMEOUT_MS} ms`);
      await sleep(250);
      run = await runs.get(event.id, run.id);
    }
    const figures = run.result as RunFigures;
    const { publishedVersion } = await app.get(ScheduleService).publish(event);

    const dataSource = app.get(DataSource);
    let emails = { sent: 0, pending: 1 };
    while (emails.pending > 0 && Date.now() < deadline) {
      await sleep(500);
      [emails] = await dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'pending')::int AS pending
         FROM email_outbox WHERE event_id = $1 AND cause = 'schedule_published'`,
        [event.id],
      );
    }
    if (emails.pending > 0) throw new Error(`${emails.pending} agenda emails still pending after ${TIMEOUT_MS} ms`);

    const base = `http://localhost:${env.PORT}`;
    const mailbox = app.get(Mailer).mailboxDir;
    const apiRunning = await answers(env.PORT);
    console.log(
      [
        `Published version ${publishedVersion}: ${figures.scheduled} of ${figures.requested} meetings placed (upper bound ${figures.upperBound}), ${figures.breaks} breaks`,
        `Agenda emails written: ${emails.sent}${mailbox ? ` (as .eml files in ${mailbox})` : ' (via SMTP)'}`,
        `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        '',
        `Organiser API key:  ${apiKey}`,
        `Participant token:  ${demo.sampleTokens[0].token}  (${demo.sampleTokens[0].name})`,
        '',
        apiRunning ? 'Where to look:' : 'Where to look (after `npm start`):',
        `  schedule   curl -H "Authorization: Bearer ${apiKey}" ${base}/api/events/${event.id}/schedule?view=grid`,
        `  agenda     curl -H "Authorization: Bearer ${demo.sampleTokens[0].token}" ${base}/api/me/agenda`,
        `  docs       ${base}/docs`,
        mailbox ? `  mailbox    ${base}/mailbox` : '',
      ].filter((line, index, lines) => line || lines[index - 1]).join('\n'),
    );
  } finally {
    await app.close();
    await devServices.stop();
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`Demo failed: ${error.message}\n`);
    process.exit(1);
  },
);
