import { DataSource } from 'typeorm';
import { IdempotencyStore } from '../../src/common/idempotency';
import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';

describe('registration', () => {
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });
  const register = (slug: string, body = registrationBody()) => t.http.post(`/api/public/events/${slug}/registrations`).send(body);

  beforeAll(async () => {
    t = await bootApp();
  });
  afterEach(() => t.clock.set(null));
  afterAll(() => t.close());

  describe('deadlines, exact to the second in the event time zone', () => {
    it('opens and closes at the instant given in Europe/Berlin', async () => {
      const event = await createEvent(t);
      t.clock.set('2027-01-09T22:59:59Z'); // 23:59:59 CET, one second before opening
      const early = await register(event.slug);
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ statusCode: 409, code: 'registration_not_open' });
      expect((await t.http.get(`/api/public/events/${event.slug}`)).body.registration).toBe('not_open');

      t.clock.set('2027-01-09T23:00:00Z'); // 00:00:00 CET
      expect((await register(event.slug)).status).toBe(201);

      t.clock.set('2027-02-09T22:59:59.999Z'); // the last moment of 23:59:59 CET
      expect((await register(event.slug)).status).toBe(201);
      expect((await t.http.get(`/api/public/events/${event.slug}`)).body.registration).toBe('open');

      t.clock.set('2027-02-09T23:00:00Z');
      const late = await register(event.slug);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('registration_closed');
      expect((await t.http.get(`/api/public/events/${event.slug}`)).body.registration).toBe('closed');
    });

    it('closes at the right instant just after clocks go forward (wall-clock deadline)', async () => {
      // 28 March 2027, Europe/Berlin: 02:00 CET -> 03:00 CEST. 09:00 local is 07:00Z, not 08:00Z.
      const event = await createEvent(t, {
        startsAt: '2027-04-01T09:00:00', endsAt: '2027-04-01T17:00:00',
        registrationOpensAt: '2027-03-01T00:00:00', registrationClosesAt: '2027-03-28T09:00:00',
        meetingRequestsCloseAt: '2027-03-30T12:00:00', cancellationClosesAt: '2027-03-31T12:00:00',
        sessions: [{ startsAt: '2027-04-01T10:00:00', endsAt: '2027-04-01T12:00:00' }],
      });
      expect(event.registrationClosesAt).toBe('2027-03-28T07:00:00.000Z');
      t.clock.set('2027-03-28T07:00:00Z');
      expect((await register(event.slug)).status).toBe(201);
      t.clock.set('2027-03-28T07:00:01Z');
      expect((await register(event.slug)).body.code).toBe('registration_closed');
    });

    it('closes at the right instant just after clocks go back (New York, November)', async () => {
      // 7 Nov 2027, America/New_York: 02:00 EDT -> 01:00 EST. 12:00 local is 17:00Z.
      const event = await createEvent(t, {
        timezone: 'America/New_York',
        startsAt: '2027-11-10T09:00:00', endsAt: '2027-11-10T17:00:00',
        registrationOpensAt: '2027-10-01T00:00:00', registrationClosesAt: '2027-11-07T12:00:00',
        meetingRequestsCloseAt: '2027-11-08T12:00:00', cancellationClosesAt: '2027-11-09T12:00:00',
        sessions: [{ startsAt: '2027-11-10T10:00:00', endsAt: '2027-11-10T12:00:00' }],
      });
      expect(event.registrationClosesAt).toBe('2027-11-07T17:00:00.000Z');
      t.clock.set('2027-11-07T17:00:00Z');
      expect((await register(event.slug)).status).toBe(201);
      t.clock.set('2027-11-07T17:00:01Z');
      expect((await register(event.slug)).body.code).toBe('registration_closed');
    });
  });

  describe('with the registration window open', () => {
    beforeEach(() => t.clock.set('2027-01-20T12:00:00Z'));

    it('confirms, returns a personal token, and the token shows the registration', async () => {
      const event = await createEvent(t);
      const response = await register(event.slug, registrationBody({ email: 'Anna.Schmidt@Example.org', country: 'de', topics: ['optics', 'AI'] }));
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.any(String), status: 'confirmed', token: expect.stringMatching(/^p_/), waitlistPosition: null });
      const me = await t.http.get('/api/me').set('Authorization', `Bearer ${response.body.token}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: response.body.id, email: 'Anna.Schmidt@Example.org', country: 'DE', topics: ['optics', 'AI'], status: 'confirmed' });
      expect(me.body.event).toMatchObject({ slug: event.slug, timezone: 'Europe/Berlin' });
      expect((await t.http.get('/api/me').set('Authorization', 'Bearer p_wrong')).status).toBe(401);
    });

    it('allows one registration per email and event, case-insensitively', async () => {
      const event = await createEvent(t);
      expect((await register(event.slug, registrationBody({ email: 'jan@firma.de' }))).status).toBe(201);
      const again = await register(event.slug, registrationBody({ email: 'JAN@Firma.DE' }));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('already_registered');
      const other = await createEvent(t);
      expect((await register(other.slug, registrationBody({ email: 'jan@firma.de' }))).status).toBe(201);
    });

    it('puts people on the waiting list in order when full, or refuses without a waiting list', async () => {
      const event = await createEvent(t, { capacity: 2, waitlist: true });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await register(event.slug)).body);
      expect(statuses.map((body) => [body.status, body.waitlistPosition])).toEqual([
        ['confirmed', null], ['confirmed', null], ['waitlisted', 1], ['waitlisted', 2],
      ]);
      expect((await t.http.get(`/api/public/events/${event.slug}`)).body.registration).toBe('open');

      const closed = await createEvent(t, { capacity: 1, waitlist: false });
      expect((await register(closed.slug)).status).toBe(201);
      const full = await register(closed.slug);
      expect(full.status).toBe(409);
      expect(full.body.code).toBe('event_full');
      expect((await t.http.get(`/api/public/events/${closed.slug}`)).body.registration).toBe('full');
    });

    it('promotes the first waitlisted person when a participant cancels', async () => {
      const event = await createEvent(t, { capacity: 1, waitlist: true });
      const first = (await register(event.slug)).body;
      const second = (await register(event.slug)).body;
      const third = (await register(event.slug)).body;
      const cancel = await t.http.post('/api/me/cancel').set('Authorization', `Bearer ${first.token}`);
      expect(cancel.status).toBe(201);
      expect(cancel.body.status).toBe('cancelled');
      const me2 = await t.http.get('/api/me').set('Authorization', `Bearer ${second.token}`);
      expect(me2.body).toMatchObject({ status: 'confirmed', waitlistPosition: null });
      const me3 = await t.http.get('/api/me').set('Authorization', `Bearer ${third.token}`);
      expect(me3.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      const twice = await t.http.post('/api/me/cancel').set('Authorization', `Bearer ${first.token}`);
      expect(twice.body.code).toBe('already_cancelled');
      // after cancelling, the same email may register again (at the back of the queue)
      expect((await register(event.slug, registrationBody({ email: me2.body.email }))).body.code).toBe('already_registered');
    });

    it('refuses cancellation after the cancellation deadline', async () => {
      const event = await createEvent(t);
      const { token } = (await register(event.slug)).body;
      t.clock.set('2027-02-14T11:00:00Z'); // 12:00:00 CET: still allowed
      t.clock.set('2027-02-14T11:00:01Z');
      const response = await t.http.post('/api/me/cancel').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('cancellation_closed');
    });

    it('returns the first response for a retried POST with the same Idempotency-Key', async () => {
      const event = await createEvent(t, { capacity: 1 });
      const body = registrationBody();
      const first = await register(event.slug, body).set('Idempotency-Key', 'abc-123');
      const retry = await t.http.post(`/api/public/events/${event.slug}/registrations`).set('Idempotency-Key', 'abc-123').send(body);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      const list = await t.http.get(`/api/events/${event.id}/registrations`).set(organiser());
      expect(list.body.total).toBe(1);
      const misuse = await t.http.post(`/api/public/events/${event.slug}/registrations`).set('Idempotency-Key', 'abc-123').send(registrationBody());
      expect(misuse.status).toBe(422);
      expect(misuse.body.code).toBe('idempotency_key_reused');
    });

    it('forgets stored idempotent responses (they hold the token) after 24 hours', async () => {
      const event = await createEvent(t);
      await register(event.slug).set('Idempotency-Key', 'old-key').expect(201);
      await register(event.slug).set('Idempotency-Key', 'new-key').expect(201);
      const dataSource = t.app.get(DataSource);
      await dataSource.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`);
      expect(await t.app.get(IdempotencyStore).purgeExpired()).toBeGreaterThanOrEqual(1);
      const keys = await dataSource.query(`SELECT key FROM idempotency_keys WHERE key IN ('old-key', 'new-key')`);
      expect(keys.map((row: { key: string }) => row.key)).toEqual(['new-key']);
    });

    it('validates input with details per field and checks the participant type and slots', async () => {
      const event = await createEvent(t);
      const bad = await register(event.slug, { email: 'not-an-email', name: '', organisation: 'X', participantType: 'company', country: 'Germany', extra: 1 } as never);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
      expect(Object.keys(bad.body.details).sort()).toEqual(['country', 'email', 'extra', 'name']);
      const type = await register(event.slug, registrationBody({ participantType: 'investor' }));
      expect(type.status).toBe(400);
      expect(type.body.details.participantType[0]).toContain('company, research, startup');
      const slot = await register(event.slug, registrationBody({ unavailableSlotIds: ['00000000-0000-4000-8000-000000000000'] }));
      expect(slot.status).toBe(400);
      expect(slot.body.details).toHaveProperty('unavailableSlotIds');
      expect((await register('no-such-event')).status).toBe(404);
    });

    it('lets a participant update their profile and availability', async () => {
      const event = await createEvent(t);
      const slots = (await t.http.get(`/api/events/${event.id}/slots`).set(organiser())).body;
      const { token } = (await register(event.slug, registrationBody({ unavailableSlotIds: [slots[0].id] }))).body;
      const auth = { Authorization: `Bearer ${token}` };
      expect((await t.http.get('/api/me').set(auth)).body.unavailableSlotIds).toEqual([slots[0].id]);
      const patched = await t.http.patch('/api/me').set(auth).send({ organisation: 'Neue GmbH', unavailableSlotIds: [slots[2].id, slots[1].id] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ organisation: 'Neue GmbH', unavailableSlotIds: [slots[1].id, slots[2].id] });
      expect((await t.http.patch('/api/me').set(auth).send({ email: 'x@y.z' })).status).toBe(400);
    });
  });

  describe('organiser views', () => {
    beforeEach(() => t.clock.set('2027-01-20T12:00:00Z'));

    it('lists and filters registrations, and changes a status', async () => {
      const event = await createEvent(t, { capacity: 2 });
      await register(event.slug, registrationBody({ name: 'Zoë Müller', country: 'FR', participantType: 'research' }));
      await register(event.slug, registrationBody({ country: 'DE' }));
      const waiting = (await register(event.slug, registrationBody({ country: 'DE' }))).body;
      const all = await t.http.get(`/api/events/${event.id}/registrations`).set(organiser());
      expect(all.body).toMatchObject({ total: 3, limit: 100, offset: 0 });
      const research = await t.http.get(`/api/events/${event.id}/registrations?participantType=research`).set(organiser());
      expect(research.body.items.map((item: { name: string }) => item.name)).toEqual(['Zoë Müller']);
      expect((await t.http.get(`/api/events/${event.id}/registrations?q=m%C3%BCller`).set(organiser())).body.total).toBe(1);
      expect((await t.http.get(`/api/events/${event.id}/registrations?status=waitlisted&country=de`).set(organiser())).body.items[0])
        .toMatchObject({ id: waiting.id, waitlistPosition: 1 });
      expect((await t.http.get(`/api/events/${event.id}/registrations?limit=5000`).set(organiser())).status).toBe(400);

      const full = await t.http.patch(`/api/events/${event.id}/registrations/${waiting.id}`).set(organiser()).send({ status: 'confirmed' });
      expect(full.status).toBe(409);
      expect(full.body.code).toBe('event_full');
      const first = all.body.items[0];
      const cancelled = await t.http.patch(`/api/events/${event.id}/registrations/${first.id}`).set(organiser()).send({ status: 'cancelled' });
      expect(cancelled.body.status).toBe('cancelled');
      const promoted = await t.http.get(`/api/events/${event.id}/registrations?status=confirmed`).set(organiser());
      expect(promoted.body.items.map((item: { id: string }) => item.id)).toContain(waiting.id);
    });

    it('raising the capacity promotes from the waiting list; lowering it below the confirmed count is refused', async () => {
      const event = await createEvent(t, { capacity: 1 });
      await register(event.slug);
      const waiting = (await register(event.slug)).body;
      expect((await t.http.patch(`/api/events/${event.id}`).set(organiser()).send({ capacity: 2 })).body.confirmedCount).toBe(2);
      expect((await t.http.get('/api/me').set('Authorization', `Bearer ${waiting.token}`)).body.status).toBe('confirmed');
      const lower = await t.http.patch(`/api/events/${event.id}`).set(organiser()).send({ capacity: 1 });
      expect(lower.status).toBe(409);
      expect(lower.body.code).toBe('capacity_below_confirmed');
    });

    it('exports CSV that Excel reads: UTF-8 BOM, CRLF, quoting, no formula injection', async () => {
      const event = await createEvent(t);
      await register(event.slug, registrationBody({ name: 'Zoë "ZZ" Müller', organisation: '=HYPERLINK("x")', profile: 'Line 1\nLine 2, more' }));
      const csv = await t.http.get(`/api/events/${event.id}/registrations.csv`).set(organiser()).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const text = (csv.body as Buffer).toString('utf8');
      expect(text.startsWith('\uFEFFid,email,name,organisation,')).toBe(true);
      expect(text).toContain('"Zoë ""ZZ"" Müller"');
      expect(text).toContain(`"'=HYPERLINK(""x"")"`);
      expect(text).toContain('"Line 1\nLine 2, more"');
      expect(text.split('\r\n')).toHaveLength(3);
      const semicolon = await t.http.get(`/api/events/${event.id}/registrations.csv?delimiter=semicolon`).set(organiser());
      expect(semicolon.text.split('\r\n')[0]).toContain('id;email;name');
    });
  });
});

describe('public rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ PUBLIC_RATE_LIMIT: '3', REDIS_PREFIX: `${process.env.REDIS_PREFIX}:ratelimit-test` });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once the per-IP limit is spent', async () => {
    const event = await createEvent(t);
    // 7 requests span at most two one-minute windows, so at most 6 can pass even at a window boundary
    const responses = [];
    for (let i = 0; i < 7; i += 1) responses.push(await t.http.get(`/api/public/events/${event.slug}`));
    expect(responses.slice(0, 3).map((response) => response.status)).toEqual([200, 200, 200]);
    const limited = responses.find((response) => response.status === 429)!;
    expect(limited.body).toEqual({ statusCode: 429, code: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // organiser endpoints are not limited
    expect((await t.http.get('/api/events').set('Authorization', `Bearer ${t.organiserKey}`)).status).toBe(200);
  });
});
