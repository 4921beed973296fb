import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/queue/job-queue.service';
import { bootApp, createEvent, TestApp } from '../support/app';
import { seedMeetings, startWorker, stop, waitForOutput } from '../support/processes';
import { doubleBookings, waitForRun } from '../support/schedule';

/** Separate worker processes against the same Postgres and Redis; the API here runs no worker itself. */
describe('schedule runs across worker processes', () => {
  let t: TestApp;
  let dataSource: DataSource;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp({ WORKER_IN_PROCESS: 'false' });
    dataSource = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  async function bigEvent(participants: number) {
    const event = await createEvent(t, {
      capacity: null, tables: Math.ceil(participants / 3), meetingMinutes: 20, changeoverMinutes: 0,
      endsAt: '2027-02-16T18:00:00+01:00',
      sessions: [
        { startsAt: '2027-02-15T09:00:00+01:00', endsAt: '2027-02-15T17:00:00+01:00' },
        { startsAt: '2027-02-16T09:00:00+01:00', endsAt: '2027-02-16T17:00:00+01:00' },
      ],
    });
    await seedMeetings(dataSource, event.id, participants, 8);
    return event;
  }

  const versionsOf = async (eventId: string) =>
    (await dataSource.query(`SELECT version, run_id FROM schedule_versions WHERE event_id = $1`, [eventId])) as { version: number; run_id: string }[];

  it('two workers and the same run enqueued twice: one schedule version, nobody double-booked', async () => {
    const workers = [startWorker(), startWorker()];
    try {
      await Promise.all(workers.map((worker) => waitForOutput(worker, 'Worker started')));
      const event = await bigEvent(300);
      const run = (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 1500 })).body;
      // a second job for the same run, under another job id, so the queue's own dedupe cannot help
      await t.app.get(JobQueue).add('scheduling', `${run.id}-duplicate`, { runId: run.id });
      await t.app.get(JobQueue).add('scheduling', run.id, { runId: run.id });
      const done = await waitForRun(t, event.id, run.id);
      expect(done.status).toBe('done');
      // let the duplicate finish too before counting
      const queue = t.app.get(JobQueue).queue('scheduling');
      for (let i = 0; i < 100 && (await queue.getJobCounts('active', 'waiting')).active + (await queue.getJobCounts('waiting')).waiting > 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await versionsOf(event.id)).toEqual([{ version: 1, run_id: run.id }]);
      expect(await doubleBookings(dataSource, event.id)).toEqual([]);
      expect(done.result.scheduled).toBeGreaterThan(0);
    } finally {
      await Promise.all(workers.map((worker) => stop(worker)));
    }
  });

  it('a worker killed mid-run: the job is retried elsewhere and completes; nothing half-written is visible', async () => {
    const event = await bigEvent(600);
    const first = startWorker();
    await waitForOutput(first, 'Worker started');
    const run = (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 4000 })).body;
    for (let status = ''; status !== 'running'; ) {
      status = (await t.http.get(`/api/events/${event.id}/schedule-runs/${run.id}`).set(organiser())).body.status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stop(first, 'SIGKILL');
    expect((await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body).toMatchObject({ version: null, meetings: [] });
    expect(await versionsOf(event.id)).toEqual([]);

    const second = startWorker();
    try {
      const done = await waitForRun(t, event.id, run.id, 90000);
      expect(done).toMatchObject({ status: 'done', version: 1 });
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      expect(await versionsOf(event.id)).toEqual([{ version: 1, run_id: run.id }]);
      expect(await doubleBookings(dataSource, event.id)).toEqual([]);
    } finally {
      await stop(second);
    }
  });
});
