import request from 'supertest';
import { DataSource } from 'typeorm';
import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';
import { seedMeetings, startApi, startWorker, stop, waitForOutput } from '../support/processes';
import { doubleBookings } from '../support/schedule';

/** Two API processes and two worker processes on one Postgres and one Redis: the queue is the only coordination. */
describe('several API and worker processes together', () => {
  let t: TestApp;
  let apis: Awaited<ReturnType<typeof startApi>>[] = [];
  let workers: ReturnType<typeof startWorker>[] = [];
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp({ WORKER_IN_PROCESS: 'false' }); // migrates the database and hands out an organiser key
    apis = await Promise.all([startApi(), startApi()]);
    workers = [startWorker(), startWorker()];
    await Promise.all(workers.map((worker) => waitForOutput(worker, 'Worker started')));
  });
  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((child) => stop(child)));
    await t.close();
  });

  it('200 registrations spread over two APIs for 20 seats: 20 confirmed, 180 waitlisted at positions 1..180', async () => {
    const event = await createEvent(t, {
      capacity: 20, waitlist: true, registrationOpensAt: '2026-01-01T00:00:00+01:00', registrationClosesAt: '2027-02-09T23:59:59+01:00',
    });
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        request(apis[index % 2].url).post(`/api/public/events/${event.slug}/registrations`).send(registrationBody())),
    );
    expect(responses.filter((response) => response.status !== 201).map((response) => response.body)).toEqual([]);
    expect(responses.filter((response) => response.body.status === 'confirmed')).toHaveLength(20);
    const positions = responses.filter((response) => response.body.status === 'waitlisted').map((response) => response.body.waitlistPosition);
    expect(positions.sort((a, b) => a - b)).toEqual(Array.from({ length: 180 }, (_, index) => index + 1));
  });

  it('a schedule run requested on one API, picked up by one of two workers, read on the other API', async () => {
    const event = await createEvent(t, { capacity: null, tables: 100 });
    await seedMeetings(t.app.get(DataSource), event.id, 200, 6);
    const run = await request(apis[0].url).post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 1000 });
    expect(run.status).toBe(202);
    let status = '';
    for (let i = 0; i < 600 && status !== 'done'; i += 1) {
      status = (await request(apis[1].url).get(`/api/events/${event.id}/schedule-runs/${run.body.id}`).set(organiser())).body.status;
      if (status === 'failed') throw new Error('run failed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('done');
    const schedule = await request(apis[1].url).get(`/api/events/${event.id}/schedule`).set(organiser());
    expect(schedule.body.version).toBe(1);
    expect(schedule.body.meetings.length).toBeGreaterThan(0);
    expect(await doubleBookings(t.app.get(DataSource), event.id)).toEqual([]);
  });
});
