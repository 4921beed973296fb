import { bootApp, createEvent, eventBody, TestApp } from '../support/app';

describe('events (organiser)', () => {
  let t: TestApp;
  const auth = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('creates an event and derives its slots', async () => {
    const response = await t.http.post('/api/events').set(auth()).send(eventBody());
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id: expect.any(String), timezone: 'Europe/Berlin', capacity: 120, tables: 30 });
    expect(response.body.registrationClosesAt).toBe('2027-02-09T22:59:59.000Z');

    const slots = await t.http.get(`/api/events/${response.body.id}/slots`).set(auth());
    expect(slots.status).toBe(200);
    expect(slots.body.map((slot: { startsAt: string }) => slot.startsAt)).toEqual([
      '2027-02-15T09:00:00.000Z', '2027-02-15T09:25:00.000Z', '2027-02-15T09:50:00.000Z',
      '2027-02-15T10:15:00.000Z', '2027-02-15T10:40:00.000Z', '2027-02-15T11:05:00.000Z',
    ]);
    expect(slots.body[0]).toEqual({ id: expect.any(String), sessionId: expect.any(String), startsAt: '2027-02-15T09:00:00.000Z', endsAt: '2027-02-15T09:20:00.000Z' });
  });

  it('derives slots on several days across a daylight-saving change in the event zone', async () => {
    const event = await createEvent(t, {
      startsAt: '2027-03-27T08:00:00', endsAt: '2027-03-28T18:00:00',
      registrationOpensAt: '2027-03-01T00:00:00', registrationClosesAt: '2027-03-20T23:59:59',
      meetingRequestsCloseAt: '2027-03-25T12:00:00', cancellationClosesAt: '2027-03-26T12:00:00',
      meetingMinutes: 30, changeoverMinutes: 0,
      sessions: [{ startsAt: '2027-03-27T10:00:00', endsAt: '2027-03-27T11:00:00' }, { startsAt: '2027-03-28T10:00:00', endsAt: '2027-03-28T11:00:00' }],
    });
    const slots = await t.http.get(`/api/events/${event.id}/slots`).set(auth());
    // 10:00 local is 09:00Z in winter time and 08:00Z in summer time
    expect(slots.body.map((slot: { startsAt: string }) => slot.startsAt)).toEqual([
      '2027-03-27T09:00:00.000Z', '2027-03-27T09:30:00.000Z', '2027-03-28T08:00:00.000Z', '2027-03-28T08:30:00.000Z',
    ]);
  });

  it('keeps slot ids when the programme is edited', async () => {
    const event = await createEvent(t);
    const before = (await t.http.get(`/api/events/${event.id}/slots`).set(auth())).body;
    const patched = await t.http.patch(`/api/events/${event.id}`).set(auth())
      .send({ sessions: [{ startsAt: '2027-02-15T10:00:00+01:00', endsAt: '2027-02-15T13:00:00+01:00' }] });
    expect(patched.status).toBe(200);
    const after = (await t.http.get(`/api/events/${event.id}/slots`).set(auth())).body;
    expect(after).toHaveLength(7);
    expect(after.slice(0, 6).map((slot: { id: string }) => slot.id)).toEqual(before.map((slot: { id: string }) => slot.id));
  });

  it('validates the event with details per field', async () => {
    const response = await t.http.post('/api/events').set(auth()).send(eventBody({ timezone: 'Europe/Atlantis', tables: 0, slug: 'X' }));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect(Object.keys(response.body.details).sort()).toEqual(['slug', 'tables', 'timezone']);
  });

  it('rejects times in the wrong order, overlapping sessions and skipped local times', async () => {
    const response = await t.http.post('/api/events').set(auth()).send(eventBody({
      registrationClosesAt: '2027-01-01T00:00:00+01:00',
      sessions: [
        { startsAt: '2027-02-15T10:00:00+01:00', endsAt: '2027-02-15T11:00:00+01:00' },
        { startsAt: '2027-02-15T10:30:00+01:00', endsAt: '2027-02-15T11:30:00+01:00' },
      ],
    }));
    expect(response.status).toBe(400);
    expect(response.body.details).toHaveProperty('registrationClosesAt');
    expect(response.body.details).toHaveProperty('sessions');

    const skipped = await t.http.post('/api/events').set(auth()).send(eventBody({ registrationClosesAt: '2027-03-28T02:30:00', endsAt: '2027-04-15T17:00:00+02:00' }));
    expect(skipped.status).toBe(400);
    expect(skipped.body.details.registrationClosesAt[0]).toContain('does not exist');
  });

  it('refuses a duplicate slug', async () => {
    const body = eventBody();
    await t.http.post('/api/events').set(auth()).send(body).expect(201);
    const again = await t.http.post('/api/events').set(auth()).send(body);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('slug_taken');
  });

  it('shows an organiser only its own events', async () => {
    const event = await createEvent(t);
    const otherKey = await t.newOrganiserKey('Other chamber');
    const other = { Authorization: `Bearer ${otherKey}` };
    expect((await t.http.get(`/api/events/${event.id}`).set(other)).status).toBe(404);
    expect((await t.http.patch(`/api/events/${event.id}`).set(other).send({ title: 'x' })).status).toBe(404);
    expect((await t.http.get(`/api/events/${event.id}/registrations`).set(other)).status).toBe(404);
    expect((await t.http.get('/api/events').set(other)).body).toEqual([]);
  });

  it('requires an API key', async () => {
    const response = await t.http.get('/api/events');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, code: 'unauthorized', message: expect.any(String) });
    expect((await t.http.get('/api/events').set('Authorization', 'Bearer org_wrong')).status).toBe(401);
  });

  it('answers malformed JSON and unknown routes with the error shape, not a 500', async () => {
    const bad = await t.http.post('/api/events').set(auth()).set('Content-Type', 'application/json').send('{"title":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(bad.text).not.toContain(' at ');
    const missing = await t.http.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    const badId = await t.http.get('/api/events/not-a-uuid').set(auth());
    expect(badId.status).toBe(400);
  });

  it('serves OpenAPI and health', async () => {
    const docs = await t.http.get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.paths).toHaveProperty('/api/public/events/{slug}/registrations');
    expect((await t.http.get('/docs/')).status).toBe(200);
    const health = await t.http.get('/health');
    expect(health.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
    const ready = await t.http.get('/ready');
    expect(ready.body).toMatchObject({ status: 'ready', pendingMigrations: [] });
  });
});

describe('bad input the DTOs let through', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('answers null for a required field with 400, not 500', async () => {
    const event = await createEvent(t);
    const response = await t.http.patch(`/api/events/${event.id}`).set('Authorization', `Bearer ${t.organiserKey}`).send({ title: null });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });
});
