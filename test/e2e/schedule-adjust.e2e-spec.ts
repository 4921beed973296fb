import { DataSource } from 'typeorm';
import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';
import { doubleBookings, waitForRun } from '../support/schedule';

/** The organiser reviews a generated schedule: pins, moves, cancels; the database refuses double bookings. */
describe('adjusting a schedule', () => {
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp();
    t.clock.set('2027-01-20T12:00:00Z');
  });
  afterAll(() => t.close());

  async function scheduledEvent() {
    const event = await createEvent(t, { capacity: null, tables: 3 });
    const people = [];
    for (let i = 0; i < 6; i += 1) {
      people.push((await t.http.post(`/api/public/events/${event.slug}/registrations`).send(registrationBody({ organisation: `Org ${i}` }))).body);
    }
    const pairs = [[0, 1], [0, 2], [1, 2], [3, 4], [4, 5], [3, 5]];
    const meetings = [];
    for (const [a, b] of pairs) {
      meetings.push((await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [people[a].id, people[b].id] })).body);
    }
    const slots = (await t.http.get(`/api/events/${event.id}/slots`).set(organiser())).body as { id: string }[];
    const run = await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    expect(run.result.scheduled).toBe(6);
    const schedule = async () => (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body;
    return { event, people, meetings, slots, schedule };
  }

  const patch = (eventId: string, meetingId: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/events/${eventId}/meetings/${meetingId}`).set(organiser()).send(body);

  it('moves a meeting to a free slot and table, and pins it', async () => {
    const { event, meetings, slots, schedule } = await scheduledEvent();
    const current = (await schedule()).meetings as { id: string; slotId: string; table: number; participantIds: string[] }[];
    const target = current.find((m) => m.id === meetings[0].id)!;
    // a slot where neither person of 0-1 meets anyone, and a table nobody uses there
    const free = slots.find((slot) => !current.some((m) => m.slotId === slot.id && m.participantIds.some((id) => target.participantIds.includes(id))))!;
    const table = [1, 2, 3].find((number) => !current.some((m) => m.slotId === free.id && m.table === number))!;
    const moved = await patch(event.id, meetings[0].id, { slotId: free.id, table, pinned: true });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: meetings[0].id, slotId: free.id, table, pinned: true });
    const after = (await schedule()).meetings.find((m: { id: string }) => m.id === meetings[0].id);
    expect(after).toMatchObject({ slotId: free.id, table, pinned: true });
  });

  it('refuses a move that would double-book a participant or a table', async () => {
    const { event, meetings, schedule } = await scheduledEvent();
    const current = (await schedule()).meetings as { id: string; slotId: string; table: number }[];
    const m01 = current.find((m) => m.id === meetings[0].id)!;
    const m02 = current.find((m) => m.id === meetings[1].id)!;
    // person 0 is in both: putting 0-2 into 0-1's slot double-books person 0
    const busy = await patch(event.id, m02.id, { slotId: m01.slotId, table: m01.table === 3 ? 2 : 3 });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('participant_busy');
    // 3-4 onto 0-1's slot and table: the table is taken
    const m34 = current.find((m) => m.id === meetings[3].id)!;
    const taken = await patch(event.id, m34.id, { slotId: m01.slotId, table: m01.table });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('table_taken');
    const out = await patch(event.id, m34.id, { table: 99 });
    expect(out.status).toBe(400);
    expect(await doubleBookings(t.app.get(DataSource), event.id)).toEqual([]);
    expect((await schedule()).meetings).toEqual(current);
  });

  it('cancels a meeting: it leaves the schedule and frees its place', async () => {
    const { event, meetings, schedule } = await scheduledEvent();
    const cancelled = await patch(event.id, meetings[5].id, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    const after = (await schedule()).meetings;
    expect(after).toHaveLength(5);
    expect(after.map((m: { id: string }) => m.id)).not.toContain(meetings[5].id);
    expect((await patch(event.id, meetings[5].id, { table: 1 })).body.code).toBe('meeting_cancelled');
  });

  it('a later run keeps pinned and published meetings in place and reports what it had to move', async () => {
    const { event, people, meetings, slots, schedule } = await scheduledEvent();
    const initial = (await schedule()).meetings as { id: string; slotId: string; table: number; participantIds: string[] }[];
    const m34 = initial.find((m) => m.id === meetings[3].id)!;
    const free = slots.filter((slot) => !initial.some((m) => m.slotId === slot.id && (m.table === 2 || m.participantIds.some((id) => m34.participantIds.includes(id)))));
    await patch(event.id, meetings[3].id, { slotId: free[0].id, table: 2, pinned: true }).expect(200);
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);
    const before = (await schedule()).meetings as { id: string; slotId: string; table: number }[];
    // person 1 becomes unavailable in the slot of their meeting with person 2: that one meeting must move
    const m12 = before.find((m) => m.id === meetings[2].id)!;
    await t.http.patch('/api/me').set('Authorization', `Bearer ${people[1].token}`).send({ unavailableSlotIds: [m12.slotId] }).expect(200);

    const run = await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 300 })).body.id);
    expect(run.result).toMatchObject({ scheduled: 6, moved: 1 });
    const after = (await schedule()) as { version: number; publishedVersion: number; meetings: { id: string; slotId: string; table: number; pinned: boolean }[] };
    expect(after).toMatchObject({ version: 2, publishedVersion: 1 });
    expect(after.meetings.find((m) => m.id === meetings[3].id)).toMatchObject({ slotId: free[0].id, table: 2, pinned: true });
    const changed = after.meetings.filter((m) => {
      const old = before.find((b) => b.id === m.id)!;
      return old.slotId !== m.slotId || old.table !== m.table;
    });
    expect(changed.map((m) => m.id)).toEqual([meetings[2].id]);
    // participants still see the published version until the organiser publishes again
    const agenda = (await t.http.get('/api/me/agenda').set('Authorization', `Bearer ${people[1].token}`)).body;
    expect(agenda.publishedVersion).toBe(1);
  });
});
