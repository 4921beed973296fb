import { DataSource } from 'typeorm';
import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';
import { doubleBookings, waitForRun } from '../support/schedule';

describe('schedule generation through the queue', () => {
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp();
    t.clock.set('2027-01-20T12:00:00Z');
  });
  afterAll(() => t.close());

  async function eventWithMeetings(pairs: [number, number][], people = 6, overrides: Record<string, unknown> = {}) {
    const event = await createEvent(t, { capacity: null, tables: 2, ...overrides });
    const registrations = [];
    for (let i = 0; i < people; i += 1) {
      registrations.push((await t.http.post(`/api/public/events/${event.slug}/registrations`).send(registrationBody({ organisation: `Org ${i}` }))).body);
    }
    const meetings = [];
    for (const [a, b] of pairs) {
      const response = await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [registrations[a].id, registrations[b].id] });
      expect(response.status).toBe(201);
      meetings.push(response.body);
    }
    const slots = (await t.http.get(`/api/events/${event.id}/slots`).set(organiser())).body;
    return { event, registrations, meetings, slots };
  }

  /**
   * Starts a run while a transaction holds the event row: the run reads the event
   * and solves, then waits to write its version until the returned holder commits.
   */
  async function runWaitingToWrite(eventId: string) {
    const db = t.app.get(DataSource);
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM events WHERE id = $1 FOR SHARE`, [eventId]);
    const runId = (await t.http.post(`/api/events/${eventId}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id;
    for (let waiting = 0; waiting === 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      [{ waiting }] = await db.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT 1 FROM events WHERE id = $1 FOR UPDATE%'`,
      );
    }
    const release = async () => {
      await holder.commitTransaction();
      await holder.release();
    };
    return { db, holder, runId, release };
  }

  it('runs as a job, reports figures, stores a version, publishes it to participants', async () => {
    const { event, registrations, slots } = await eventWithMeetings([[0, 1], [0, 2], [0, 3], [1, 2], [3, 4], [4, 5]]);
    expect((await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body).toEqual({ version: null, publishedVersion: null, meetings: [] });

    const started = await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 300 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), status: 'queued' });
    const run = await waitForRun(t, event.id, started.body.id);
    expect(run).toMatchObject({ status: 'done', progress: 100, version: 1 });
    expect(run.result).toMatchObject({ requested: 6, scheduled: 6, upperBound: 6, breaksLowerBound: 0, unscheduled: [], moved: 0 });
    expect(run.result.breaks).toBe(0);

    const schedule = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body;
    expect(schedule).toMatchObject({ version: 1, publishedVersion: null });
    expect(schedule.meetings).toHaveLength(6);
    for (const meeting of schedule.meetings) {
      expect(slots.map((slot: { id: string }) => slot.id)).toContain(meeting.slotId);
      expect(meeting.table).toBeGreaterThanOrEqual(1);
      expect(meeting.table).toBeLessThanOrEqual(2);
    }
    expect(await doubleBookings(t.app.get(DataSource), event.id)).toEqual([]);

    const grid = (await t.http.get(`/api/events/${event.id}/schedule?view=grid`).set(organiser())).body.grid;
    expect(grid.flatMap((slot: { tables: unknown[] }) => slot.tables)).toHaveLength(6);

    const me = { Authorization: `Bearer ${registrations[0].token}` };
    expect((await t.http.get('/api/me/agenda').set(me)).body).toEqual({ publishedVersion: null, meetings: [] });
    expect((await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser())).body).toEqual({ publishedVersion: 1 });
    const agenda = (await t.http.get('/api/me/agenda').set(me)).body;
    expect(agenda.publishedVersion).toBe(1);
    expect(agenda.meetings).toHaveLength(3);
    expect(agenda.meetings[0]).toMatchObject({ partner: { name: expect.any(String), organisation: expect.stringMatching(/^Org /) }, table: expect.any(Number) });
    expect(new Set(agenda.meetings.map((meeting: { startsAt: string }) => meeting.startsAt)).size).toBe(3);
  });

  it('reports unscheduled meetings with a reason', async () => {
    // person 0 is unavailable everywhere but the first slot, and has two meetings
    const { event, registrations, slots } = await eventWithMeetings([[0, 1], [0, 2]], 3);
    await t.http.patch('/api/me').set('Authorization', `Bearer ${registrations[0].token}`)
      .send({ unavailableSlotIds: slots.slice(1).map((slot: { id: string }) => slot.id) });
    const started = await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 });
    const run = await waitForRun(t, event.id, started.body.id);
    expect(run.result).toMatchObject({ requested: 2, scheduled: 1, upperBound: 1 });
    expect(run.result.unscheduled).toEqual([{ meetingId: expect.any(String), reason: expect.any(String), detail: expect.any(String) }]);
  });

  it('a second run keeps meetings where they were and reports how many moved', async () => {
    const { event } = await eventWithMeetings([[0, 1], [2, 3], [4, 5], [0, 2]]);
    const first = await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    const before = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body.meetings;
    const second = await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200, seed: 7 })).body.id);
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second.result.moved).toBe(0);
    const after = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body;
    expect(after.version).toBe(2);
    const place = (meetings: { id: string; slotId: string; table: number }[]) => Object.fromEntries(meetings.map((m) => [m.id, `${m.slotId}/${m.table}`]));
    expect(place(after.meetings)).toEqual(place(before));
  });

  it('a run after a cancellation moves a meeting into the gap it left, as many as were cancelled unless maxMoves says fewer', async () => {
    const gapByCancellation = async () => {
      const { event, meetings, slots } = await eventWithMeetings([[0, 1], [0, 2], [0, 3]]);
      await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
      const placed: { id: string; slotId: string }[] = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body.meetings;
      const order = (id: string) => slots.findIndex((slot: { id: string }) => slot.id === placed.find((m) => m.id === id)!.slotId);
      // person 0's three meetings are back to back: cancelling the middle one leaves a gap
      const [, middle] = meetings.map((m: { id: string }) => m.id).sort((a: string, b: string) => order(a) - order(b));
      await t.http.patch(`/api/events/${event.id}/meetings/${middle}`).set(organiser()).send({ status: 'cancelled' }).expect(200);
      return event;
    };
    const run = async (eventId: string, body: Record<string, unknown>) =>
      waitForRun(t, eventId, (await t.http.post(`/api/events/${eventId}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200, ...body })).body.id);

    const closed = await run((await gapByCancellation()).id, {});
    expect(closed.result).toMatchObject({ scheduled: 2, moved: 1, maxMoves: 1, breaks: 0 });
    expect(closed.maxMoves).toBeNull();
    const kept = await run((await gapByCancellation()).id, { maxMoves: 0 });
    expect(kept.result).toMatchObject({ scheduled: 2, moved: 0, maxMoves: 0, breaks: 1 });
    expect(kept.maxMoves).toBe(0);
    const event = await createEvent(t);
    const bad = await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ maxMoves: -1 });
    expect(bad.status).toBe(400);
  });

  it('a meeting cancelled while a run is solving is not in the version the run writes', async () => {
    const { event, meetings } = await eventWithMeetings([[0, 1], [0, 2], [2, 3]]);
    await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    const { db, runId, release } = await runWaitingToWrite(event.id);
    await t.http.patch(`/api/events/${event.id}/meetings/${meetings[1].id}`).set(organiser()).send({ status: 'cancelled' }).expect(200);
    await release();
    const run = await waitForRun(t, event.id, runId);
    expect(run.version).toBe(2);
    expect(run.result).toMatchObject({ scheduled: 2, cancelledWhileRunning: 1 });
    const rows = async (table: string) =>
      (await db.query(`SELECT meeting_id FROM ${table} WHERE event_id = $1 AND version = 2`, [event.id])).map((r: { meeting_id: string }) => r.meeting_id);
    expect((await rows('schedule_placements')).sort()).toEqual([meetings[0].id, meetings[2].id].sort());
    expect(await rows('schedule_attendance')).not.toContain(meetings[1].id);
    expect(await db.query(`SELECT removed FROM schedule_versions WHERE event_id = $1 ORDER BY version`, [event.id])).toEqual([{ removed: 1 }, { removed: 1 }]);
  });

  it('an organiser edit made while a run is solving is not lost: the run solves again from the edited schedule', async () => {
    const { event, meetings, slots } = await eventWithMeetings([[0, 1], [2, 3]]);
    await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    const before: { id: string; slotId: string }[] = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body.meetings;
    const free = slots.find((slot: { id: string }) => !before.some((m) => m.slotId === slot.id)).id;
    const { holder, runId, release } = await runWaitingToWrite(event.id);
    // the run has read the schedule and solved; now the organiser's edit commits (as adjust writes it)
    await holder.query(`UPDATE schedule_placements SET slot_id = $3, pinned = true WHERE event_id = $1 AND version = 1 AND meeting_id = $2`, [event.id, meetings[0].id, free]);
    await holder.query(`UPDATE schedule_versions SET edits = edits + 1 WHERE event_id = $1 AND version = 1`, [event.id]);
    await release();
    expect(await waitForRun(t, event.id, runId)).toMatchObject({ status: 'done', version: 2 });
    const after = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body;
    expect(after.version).toBe(2);
    expect(after.meetings.find((m: { id: string }) => m.id === meetings[0].id)).toMatchObject({ slotId: free, pinned: true });
  });

  it('cancelling a meeting waits while a schedule version is being written, so it leaves that version', async () => {
    const { event, meetings } = await eventWithMeetings([[0, 1], [2, 3]]);
    await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    // a transaction that holds the event row as saving a version does
    const writer = t.app.get(DataSource).createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    await writer.query(`SELECT 1 FROM events WHERE id = $1 FOR UPDATE`, [event.id]);
    let answered = false;
    const cancel = t.http.patch(`/api/events/${event.id}/meetings/${meetings[0].id}`).set(organiser()).send({ status: 'cancelled' })
      .then((response) => {
        answered = true;
        return response;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    await writer.commitTransaction();
    await writer.release();
    expect((await cancel).status).toBe(200);
  });

  it('publishing without a schedule is a clear error', async () => {
    const event = await createEvent(t);
    const response = await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser());
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('no_schedule');
  });
});
