import { DataSource } from 'typeorm';
import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';
import { startPgliteServer } from '../support/pglite-server';
import { doubleBookings, waitForRun } from '../support/schedule';

/**
 * The core flows on the embedded database of the zero-configuration start
 * (PGlite behind src/dev-services/pglite-server.ts, no Postgres). PGlite is
 * one session: a connection owns it for a whole transaction, so code that
 * opens a transaction and then waits for a query on another connection hangs
 * here, and concurrent requests must still get their own answers.
 */
describe('core flows on embedded PostgreSQL (PGlite)', () => {
  let postgres: Awaited<ReturnType<typeof startPgliteServer>>;
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });
  const register = (slug: string, body = registrationBody()) => t.http.post(`/api/public/events/${slug}/registrations`).send(body);

  beforeAll(async () => {
    postgres = await startPgliteServer();
    t = await bootApp({ DATABASE_URL: postgres.url, REDIS_PREFIX: `${process.env.REDIS_PREFIX}:pglite` });
    t.clock.set('2027-01-20T12:00:00Z');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await postgres?.stop();
  });

  it('creates and edits an event', async () => {
    const event = await createEvent(t);
    const patched = await t.http.patch(`/api/events/${event.id}`).set(organiser()).send({ title: 'Renamed', tables: 12 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Renamed', tables: 12 });
  });

  it('registers with a waiting list, promotes on cancellation and honours Idempotency-Key', async () => {
    const event = await createEvent(t, { capacity: 2 });
    const burst = await Promise.all([1, 2, 3, 4].map(() => register(event.slug)));
    expect(burst.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    expect(burst.map((response) => response.body.status).sort()).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted']);

    const first = burst.find((response) => response.body.status === 'confirmed')!.body;
    expect((await t.http.post('/api/me/cancel').set('Authorization', `Bearer ${first.token}`)).body.status).toBe('cancelled');
    const counts = await t.app.get(DataSource).query(`SELECT confirmed_count, waitlisted_count FROM events WHERE id = $1`, [event.id]);
    expect(counts).toEqual([{ confirmed_count: 2, waitlisted_count: 1 }]);

    const body = registrationBody();
    const once = await register(event.slug, body).set('Idempotency-Key', 'pglite-1');
    const again = await register(event.slug, body).set('Idempotency-Key', 'pglite-1');
    expect(again.status).toBe(once.status);
    expect(again.body).toEqual(once.body);

    const waiting = burst.find((response) => response.body.status === 'waitlisted')!.body;
    const changed = await t.http.patch(`/api/events/${event.id}/registrations/${waiting.id}`).set(organiser()).send({ status: 'cancelled' });
    expect(changed.body.status).toBe('cancelled');
  });

  it('gives concurrent requests their own answers', async () => {
    const events = [await createEvent(t), await createEvent(t), await createEvent(t)];
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => t.http.get(`/api/public/events/${events[i % 3].slug}`)));
    expect(reads.map((response) => [response.status, response.body.slug])).toEqual(reads.map((_, i) => [200, events[i % 3].slug]));

    const body = registrationBody();
    const retries = await Promise.all(
      Array.from({ length: 10 }, () => register(events[0].slug, body).set('Idempotency-Key', 'pglite-burst')),
    );
    expect(retries.map((response) => response.status)).toEqual(Array(10).fill(201));
    expect(new Set(retries.map((response) => response.body.token)).size).toBe(1);
  });

  it('accepts a meeting request, schedules through the queue, publishes and shows the agenda', async () => {
    const event = await createEvent(t, { capacity: null, tables: 2 });
    const people: { id: string; token: string }[] = [];
    for (let i = 0; i < 4; i += 1) people.push((await register(event.slug, registrationBody({ organisation: `Org ${i}` }))).body);
    const auth = (i: number) => ({ Authorization: `Bearer ${people[i].token}` });
    const requested = await t.http.post('/api/me/meeting-requests').set(auth(0)).send({ participantId: people[1].id, message: 'Hello' });
    expect(requested.status).toBe(201);
    expect((await t.http.post(`/api/me/meeting-requests/${requested.body.id}/accept`).set(auth(1))).status).toBe(201);
    const matched = await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [people[2].id, people[3].id] });
    expect(matched.status).toBe(201);

    const started = await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 300 });
    expect(started.status).toBe(202);
    const run = await waitForRun(t, event.id, started.body.id);
    expect(run).toMatchObject({ status: 'done', version: 1, result: { requested: 2, scheduled: 2 } });
    expect(await doubleBookings(t.app.get(DataSource), event.id)).toEqual([]);

    const moved = await t.http.patch(`/api/events/${event.id}/meetings/${matched.body.id}`).set(organiser()).send({ pinned: true });
    expect(moved.status).toBe(200);
    expect((await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser())).body).toEqual({ publishedVersion: 1 });
    const agenda = (await t.http.get('/api/me/agenda').set(auth(0))).body;
    expect(agenda).toMatchObject({ publishedVersion: 1, meetings: [{ partner: { organisation: 'Org 1' } }] });
  });
});
