import { DataSource } from 'typeorm';
import { bootApp, createEvent, eventBody, registrationBody, TestApp } from '../support/app';

interface Person {
  id: string;
  token: string;
  auth: { Authorization: string };
}

describe('meetings', () => {
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp();
  });
  beforeEach(() => t.clock.set('2027-01-20T12:00:00Z'));
  afterEach(() => t.clock.set(null));
  afterAll(() => t.close());

  const register = async (slug: string, overrides: Record<string, unknown> = {}): Promise<Person> => {
    const response = await t.http.post(`/api/public/events/${slug}/registrations`).send(registrationBody(overrides));
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { id: response.body.id, token: response.body.token, auth: { Authorization: `Bearer ${response.body.token}` } };
  };
  const people = async (slug: string, count: number, overrides: Record<string, unknown> = {}) => {
    const registered: Person[] = [];
    for (let i = 0; i < count; i += 1) registered.push(await register(slug, overrides));
    return registered;
  };
  const request = (from: Person, to: Person, body: Record<string, unknown> = {}) =>
    t.http.post('/api/me/meeting-requests').set(from.auth).send({ participantId: to.id, message: 'Let us talk', ...body });
  const answer = (who: Person, requestId: string, action: 'accept' | 'decline' | 'withdraw') =>
    t.http.post(`/api/me/meeting-requests/${requestId}/${action}`).set(who.auth);
  const match = (eventId: string, participantIds: string[]) =>
    t.http.post(`/api/events/${eventId}/meetings`).set(organiser()).send({ participantIds });
  const activeMeetings = async (eventId: string) => (await t.http.get(`/api/events/${eventId}/meetings`).set(organiser())).body;

  describe('event and participant settings', () => {
    it('sets forbidden type pairs, the request cap and the expiry on the event, and checks the types', async () => {
      const plain = await createEvent(t);
      expect(plain).toMatchObject({ forbiddenTypePairs: [], maxRequestsPerParticipant: null, requestExpiryHours: null });

      const event = await createEvent(t, { forbiddenTypePairs: [['startup', 'startup'], ['research', 'company']], maxRequestsPerParticipant: 5 });
      expect(event).toMatchObject({ forbiddenTypePairs: [['startup', 'startup'], ['company', 'research']], maxRequestsPerParticipant: 5 });
      const patched = await t.http.patch(`/api/events/${event.id}`).set(organiser()).send({ requestExpiryHours: 48, maxRequestsPerParticipant: null });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ requestExpiryHours: 48, maxRequestsPerParticipant: null, forbiddenTypePairs: [['startup', 'startup'], ['company', 'research']] });

      const unknownType = await t.http.post('/api/events').set(organiser()).send({ ...eventBody(), forbiddenTypePairs: [['startup', 'investor']] });
      expect(unknownType.status).toBe(400);
      expect(unknownType.body.code).toBe('validation_failed');
      expect(unknownType.body.details.forbiddenTypePairs[0]).toContain('investor');
      const droppedType = await t.http.patch(`/api/events/${event.id}`).set(organiser()).send({ participantTypes: ['company', 'research'] });
      expect(droppedType.status).toBe(400);
      expect(droppedType.body.details).toHaveProperty('forbiddenTypePairs');
      const badShape = await t.http.patch(`/api/events/${event.id}`).set(organiser())
        .send({ forbiddenTypePairs: [['startup']], maxRequestsPerParticipant: 0, requestExpiryHours: 0 });
      expect(badShape.status).toBe(400);
      expect(Object.keys(badShape.body.details).sort()).toEqual(['forbiddenTypePairs', 'maxRequestsPerParticipant', 'requestExpiryHours']);
    });

    it('lets the participant and the organiser set maxMeetings, and the organiser the unavailable slots', async () => {
      const event = await createEvent(t);
      const slots = (await t.http.get(`/api/events/${event.id}/slots`).set(organiser())).body;
      const anna = await register(event.slug);
      expect((await t.http.get('/api/me').set(anna.auth)).body.maxMeetings).toBeNull();
      expect((await t.http.patch('/api/me').set(anna.auth).send({ maxMeetings: 6 })).body.maxMeetings).toBe(6);
      expect((await t.http.patch('/api/me').set(anna.auth).send({ maxMeetings: -1 })).status).toBe(400);

      const url = `/api/events/${event.id}/registrations/${anna.id}`;
      const patched = await t.http.patch(url).set(organiser()).send({ maxMeetings: 3, unavailableSlotIds: [slots[1].id] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ maxMeetings: 3, unavailableSlotIds: [slots[1].id], status: 'confirmed' });
      expect((await t.http.patch(url).set(organiser()).send({ maxMeetings: null })).body.maxMeetings).toBeNull();
      const foreignSlot = await t.http.patch(url).set(organiser()).send({ unavailableSlotIds: ['00000000-0000-4000-8000-000000000000'] });
      expect(foreignSlot.status).toBe(400);
      expect(foreignSlot.body.details).toHaveProperty('unavailableSlotIds');
    });
  });

  describe('directory', () => {
    it('shows the public profiles of the other confirmed participants, filtered and paged', async () => {
      const event = await createEvent(t, { capacity: 4, waitlist: true });
      const me = await register(event.slug, { name: 'Me Myself' });
      await register(event.slug, { name: 'Anna Optik', organisation: 'Fraunhofer IOF', participantType: 'research', country: 'DE', topics: ['Photonics'], profile: 'Laser sources' });
      await register(event.slug, { name: 'Jean Capteur', organisation: 'Capteurs SA', participantType: 'company', country: 'FR', topics: ['sensors'], profile: 'We sell lasers too' });
      const leaving = await register(event.slug, { name: 'Leaving Person', participantType: 'startup' });
      const waiting = await register(event.slug, { name: 'Waiting Person' });
      await t.http.post('/api/me/cancel').set(leaving.auth);

      const all = await t.http.get('/api/me/directory').set(me.auth);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ total: 3, limit: 100, offset: 0 });
      const names = all.body.items.map((item: { name: string }) => item.name).sort();
      // the waiting list's head was promoted when "Leaving Person" cancelled
      expect(names).toEqual(['Anna Optik', 'Jean Capteur', 'Waiting Person']);
      for (const item of all.body.items) {
        expect(Object.keys(item).sort()).toEqual(['country', 'id', 'name', 'organisation', 'participantType', 'profile', 'topics']);
      }
      const names$ = async (query: string) =>
        (await t.http.get(`/api/me/directory?${query}`).set(me.auth)).body.items.map((item: { name: string }) => item.name).sort();
      expect(await names$('type=research')).toEqual(['Anna Optik']);
      expect(await names$('country=fr')).toEqual(['Jean Capteur']);
      expect(await names$('topic=photonics')).toEqual(['Anna Optik']);
      expect(await names$('q=LASER')).toEqual(['Anna Optik', 'Jean Capteur']);
      expect(await names$('q=capteurs')).toEqual(['Jean Capteur']);
      expect(await names$('q=100%25')).toEqual([]);
      const page = await t.http.get('/api/me/directory?limit=2&offset=2').set(me.auth);
      expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
      expect(page.body.items).toHaveLength(1);
      expect((await t.http.get('/api/me/directory?limit=5000').set(me.auth)).status).toBe(400);

      expect((await t.http.get('/api/me/directory').set(waiting.auth)).status).toBe(200);
      const cancelled = await t.http.get('/api/me/directory').set(leaving.auth);
      expect(cancelled.status).toBe(403);
      expect(cancelled.body.code).toBe('not_confirmed');
      expect((await t.http.get('/api/me/directory')).status).toBe(401);
    });
  });

  describe('meeting requests', () => {
    it('request, list both ways, accept into a meeting; only pending requests change', async () => {
      const event = await createEvent(t);
      const [anna, ben] = await people(event.slug, 2);
      const created = await request(anna, ben, { priority: 3 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(String), status: 'pending', direction: 'sent', priority: 3, message: 'Let us talk', meetingId: null, expiresAt: null,
        participant: { id: ben.id },
      });
      expect(created.body.participant).not.toHaveProperty('email');

      const received = (await t.http.get('/api/me/meeting-requests').set(ben.auth)).body;
      expect(received.items).toEqual([expect.objectContaining({ id: created.body.id, direction: 'received', participant: expect.objectContaining({ id: anna.id }) })]);
      expect(received.items[0].participant).not.toHaveProperty('email');

      const notMine = await answer(anna, created.body.id, 'accept');
      expect(notMine.status).toBe(409);
      expect(notMine.body.code).toBe('not_recipient');
      expect((await answer(ben, created.body.id, 'withdraw')).body.code).toBe('not_requester');
      const [stranger] = await people(event.slug, 1);
      expect((await answer(stranger, created.body.id, 'accept')).status).toBe(404);

      const accepted = await answer(ben, created.body.id, 'accept');
      expect(accepted.status).toBe(201);
      expect(accepted.body).toMatchObject({ status: 'accepted', meetingId: expect.any(String), answeredAt: '2027-01-20T12:00:00.000Z' });
      const meetings = await activeMeetings(event.id);
      expect(meetings.total).toBe(1);
      expect(meetings.items[0]).toMatchObject({ id: accepted.body.meetingId, source: 'request', status: 'active', priority: 3, requestId: created.body.id });
      expect(meetings.items[0].participants.map((p: { id: string }) => p.id)).toEqual([anna.id, ben.id]);

      for (const [who, action] of [[anna, 'withdraw'], [ben, 'decline'], [ben, 'accept']] as const) {
        const again = await answer(who, created.body.id, action);
        expect(again.status).toBe(409);
        expect(again.body.code).toBe('request_not_pending');
      }
    });

    it('decline and withdraw close a request, and the pair may ask again', async () => {
      const event = await createEvent(t);
      const [anna, ben] = await people(event.slug, 2);
      const first = (await request(anna, ben)).body;
      expect((await answer(ben, first.id, 'decline')).body.status).toBe('declined');
      t.clock.set('2027-01-20T12:00:01Z');
      const second = (await request(ben, anna)).body;
      expect(second.priority).toBe(1);
      expect((await answer(ben, second.id, 'withdraw')).body.status).toBe('withdrawn');
      t.clock.set('2027-01-20T12:00:02Z');
      expect((await request(anna, ben)).status).toBe(201);
      expect((await t.http.get('/api/me/meeting-requests').set(anna.auth)).body.items.map((item: { status: string }) => item.status))
        .toEqual(['pending', 'withdrawn', 'declined']);
    });

    it('refuses yourself, your own organisation, forbidden type pairs, duplicates and unknown participants', async () => {
      const event = await createEvent(t, { forbiddenTypePairs: [['startup', 'startup'], ['research', 'company']] });
      const anna = await register(event.slug, { organisation: 'Acme GmbH', participantType: 'startup' });
      const colleague = await register(event.slug, { organisation: '  ACME gmbh ', participantType: 'company' });
      const startup = await register(event.slug, { participantType: 'startup' });
      const company = await register(event.slug, { participantType: 'company' });
      const research = await register(event.slug, { participantType: 'research' });
      const expectCode = async (response: { status: number; body: { code: string } }, status: number, code: string) => {
        expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
      };

      await expectCode(await request(anna, anna), 409, 'cannot_meet_self');
      await expectCode(await request(anna, colleague), 409, 'same_organisation');
      await expectCode(await request(anna, startup), 409, 'forbidden_type_pair');
      await expectCode(await request(company, research), 409, 'forbidden_type_pair');
      await expectCode(await request(research, company), 409, 'forbidden_type_pair');
      expect((await request(anna, company)).status).toBe(201);
      await expectCode(await request(anna, company), 409, 'duplicate_request');
      await expectCode(await request(company, anna), 409, 'duplicate_request');

      // accepting applies the rules of the moment: the organiser forbade the pair since, or someone changed organisation
      const late = await request(startup, company);
      await t.http.patch(`/api/events/${event.id}`).set('Authorization', `Bearer ${t.organiserKey}`)
        .send({ forbiddenTypePairs: [['startup', 'startup'], ['research', 'company'], ['startup', 'company']] }).expect(200);
      await expectCode(await answer(company, late.body.id, 'accept'), 409, 'forbidden_type_pair');
      const moved = await request(research, startup);
      await t.http.patch('/api/me').set(startup.auth).send({ organisation: (await t.http.get('/api/me').set(research.auth)).body.organisation }).expect(200);
      await expectCode(await answer(startup, moved.body.id, 'accept'), 409, 'same_organisation');
      expect((await answer(startup, moved.body.id, 'decline')).body.status).toBe('declined');

      const other = await createEvent(t);
      const elsewhere = await register(other.slug);
      await expectCode(await request(anna, elsewhere), 404, 'not_found');
      await expectCode(await request(anna, { id: '00000000-0000-4000-8000-000000000000' } as Person), 404, 'not_found');
      const bad = await request(anna, research, { priority: 4, participantId: 'nope' });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.details).sort()).toEqual(['participantId', 'priority']);
    });

    it('only between confirmed participants', async () => {
      const event = await createEvent(t, { capacity: 2, waitlist: true });
      const [anna, ben, waiting] = await people(event.slug, 3);
      await expectStatus(request(anna, waiting), 404);
      const fromWaitlist = await request(waiting, anna);
      expect(fromWaitlist.status).toBe(403);
      expect(fromWaitlist.body.code).toBe('not_confirmed');
      expect((await request(anna, ben)).status).toBe(201);
    });

    it('closes requests and accepts at the meeting-request deadline, exact to the second', async () => {
      // meetingRequestsCloseAt 2027-02-13T12:00:00+01:00 = 11:00:00Z, including its last second
      const event = await createEvent(t);
      const [anna, ben, cara] = await people(event.slug, 3);
      const early = (await request(anna, ben)).body;
      const toDecline = (await request(anna, cara)).body;
      t.clock.set('2027-02-13T11:00:00.999Z');
      const last = await request(ben, cara);
      expect(last.status).toBe(201);
      t.clock.set('2027-02-13T11:00:01Z');
      const late = await request(cara, anna);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('meeting_requests_closed');
      expect((await answer(ben, early.id, 'accept')).body.code).toBe('meeting_requests_closed');
      expect((await answer(cara, toDecline.id, 'decline')).body.status).toBe('declined');
      t.clock.set('2027-02-13T11:00:00Z');
      expect((await answer(ben, early.id, 'accept')).body.status).toBe('accepted');
    });

    it('caps the open requests a participant has sent', async () => {
      const event = await createEvent(t, { maxRequestsPerParticipant: 2 });
      const [anna, ben, cara, dora, emil] = await people(event.slug, 5);
      const toBen = (await request(anna, ben)).body;
      const toCara = (await request(anna, cara)).body;
      const capped = await request(anna, dora);
      expect(capped.status).toBe(409);
      expect(capped.body.code).toBe('request_cap_reached');
      // accepted ones still count, received ones do not
      await answer(cara, toCara.id, 'accept');
      expect((await request(emil, anna)).status).toBe(201);
      expect((await request(anna, dora)).body.code).toBe('request_cap_reached');
      await answer(anna, toBen.id, 'withdraw');
      expect((await request(anna, dora)).status).toBe(201);
    });

    it('lets unanswered requests expire after requestExpiryHours', async () => {
      const event = await createEvent(t, { requestExpiryHours: 24, maxRequestsPerParticipant: 1 });
      const [anna, ben, cara] = await people(event.slug, 3);
      const sent = (await request(anna, ben)).body;
      expect(sent.expiresAt).toBe('2027-01-21T12:00:00.000Z');
      t.clock.set('2027-01-21T11:59:59.999Z');
      expect((await t.http.get('/api/me/meeting-requests').set(ben.auth)).body.items[0].status).toBe('pending');
      expect((await request(anna, cara)).body.code).toBe('request_cap_reached');

      t.clock.set('2027-01-21T12:00:00Z');
      expect((await t.http.get('/api/me/meeting-requests').set(ben.auth)).body.items[0].status).toBe('expired');
      const tooLate = await answer(ben, sent.id, 'accept');
      expect(tooLate.status).toBe(409);
      expect(tooLate.body.code).toBe('request_expired');
      // an expired request neither counts against the cap nor blocks the pair
      expect((await request(ben, anna)).status).toBe(201);
      expect((await request(anna, cara)).status).toBe(201);
      expect((await t.http.get('/api/me/meeting-requests').set(anna.auth)).body.items.map((item: { status: string }) => item.status).sort())
        .toEqual(['expired', 'pending', 'pending']);
    });
  });

  describe('races', () => {
    it('10 simultaneous identical requests create exactly one, and the database itself refuses a second open request', async () => {
      const event = await createEvent(t);
      const [anna, ben] = await people(event.slug, 2);
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? request(ben, anna) : request(anna, ben))));
      expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
      expect(responses.filter((response) => response.status === 409).map((response) => response.body.code)).toEqual(Array(9).fill('duplicate_request'));

      const sql = t.app.get(DataSource);
      await expect(sql.query(
        `INSERT INTO meeting_requests (event_id, requester_id, recipient_id, status, created_at) VALUES ($1, $2, $3, 'pending', now())`,
        [event.id, ben.id, anna.id],
      )).rejects.toMatchObject({ constraint: 'meeting_requests_one_open_per_pair' });
    });

    it('10 simultaneous requests from one participant with a cap of 3: exactly 3 succeed', async () => {
      const event = await createEvent(t, { maxRequestsPerParticipant: 3 });
      const [anna, ...others] = await people(event.slug, 11);
      const responses = await Promise.all(others.map((other) => request(anna, other)));
      expect(responses.filter((response) => response.status === 201).map((response) => response.status)).toEqual([201, 201, 201]);
      expect(responses.filter((response) => response.status === 409).map((response) => response.body.code)).toEqual(Array(7).fill('request_cap_reached'));
    });

    it('10 simultaneous organiser matches of one pair create one meeting', async () => {
      const event = await createEvent(t);
      const [anna, ben] = await people(event.slug, 2);
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => match(event.id, i % 2 ? [anna.id, ben.id] : [ben.id, anna.id])));
      expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
      expect(responses.filter((response) => response.status === 409).map((response) => response.body.code)).toEqual(Array(9).fill('duplicate_meeting'));
    });
  });

  describe('organiser matchmaking', () => {
    it('creates, lists and cancels meetings under the same rules, without cap or deadline', async () => {
      const event = await createEvent(t, { forbiddenTypePairs: [['startup', 'startup']], maxRequestsPerParticipant: 1, capacity: 5, waitlist: true });
      const anna = await register(event.slug, { organisation: 'Acme', participantType: 'startup' });
      const colleague = await register(event.slug, { organisation: 'acme ', participantType: 'company' });
      const startup = await register(event.slug, { participantType: 'startup' });
      const ben = await register(event.slug, { participantType: 'company' });
      const cara = await register(event.slug, { participantType: 'research' });
      const waiting = await register(event.slug);
      const elsewhere = await register((await createEvent(t)).slug);

      t.clock.set('2027-02-14T09:00:00Z'); // after the meeting-request deadline
      const created = await match(event.id, [anna.id, ben.id]);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'active', source: 'organiser', priority: 1, requestId: null, cancelledAt: null });
      expect(created.body.participants.map((p: { id: string }) => p.id)).toEqual([anna.id, ben.id]);
      expect((await match(event.id, [anna.id, cara.id])).status).toBe(201);

      const expectCode = async (ids: string[], status: number, code: string) => {
        const response = await match(event.id, ids);
        expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
      };
      await expectCode([ben.id, anna.id], 409, 'duplicate_meeting');
      await expectCode([anna.id, anna.id], 409, 'cannot_meet_self');
      await expectCode([anna.id, colleague.id], 409, 'same_organisation');
      await expectCode([anna.id, startup.id], 409, 'forbidden_type_pair');
      await expectCode([anna.id, waiting.id], 409, 'participant_not_confirmed');
      await expectCode([anna.id, elsewhere.id], 404, 'not_found');
      expect((await match(event.id, [anna.id])).status).toBe(400);

      const foreignKey = await t.newOrganiserKey('Someone else');
      expect((await t.http.get(`/api/events/${event.id}/meetings`).set('Authorization', `Bearer ${foreignKey}`)).status).toBe(404);

      const cancelled = await t.http.delete(`/api/events/${event.id}/meetings/${created.body.id}`).set(organiser());
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledAt: '2027-02-14T09:00:00.000Z' });
      expect((await t.http.delete(`/api/events/${event.id}/meetings/${created.body.id}`).set(organiser())).body.code).toBe('meeting_already_cancelled');
      expect((await activeMeetings(event.id)).items.map((m: { id: string }) => m.id)).not.toContain(created.body.id);
      expect((await match(event.id, [anna.id, ben.id])).status).toBe(201);
    });

    it('cancelling a meeting that came from a request lets the pair ask again', async () => {
      const event = await createEvent(t);
      const [anna, ben] = await people(event.slug, 2);
      const accepted = (await answer(ben, (await request(anna, ben)).body.id, 'accept')).body;
      await t.http.delete(`/api/events/${event.id}/meetings/${accepted.meetingId}`).set(organiser()).expect(200);
      expect((await t.http.get('/api/me/meeting-requests').set(anna.auth)).body.items[0].status).toBe('cancelled');
      expect((await request(ben, anna)).status).toBe(201);
    });
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const document = (await t.http.get('/docs-json')).body;
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/api/me/directory', '/api/me/meeting-requests', '/api/me/meeting-requests/{requestId}/accept',
      '/api/events/{eventId}/meetings', '/api/events/{eventId}/meetings/{meetingId}',
    ]));
    expect(document.components.schemas.CreateMeetingRequestDto.properties.priority.description).toContain('1 = normal');
  });

  describe('cancelled registrations', () => {
    it.each(['participant', 'organiser'])('a cancellation by the %s cancels open requests and active meetings', async (by) => {
      const event = await createEvent(t);
      const [anna, ben, cara, dora] = await people(event.slug, 4);
      await request(anna, ben);
      await request(dora, anna);
      await answer(cara, (await request(anna, cara)).body.id, 'accept');
      await match(event.id, [anna.id, dora.id]);
      await match(event.id, [ben.id, cara.id]);
      expect((await activeMeetings(event.id)).total).toBe(3);

      const cancelled = by === 'participant'
        ? await t.http.post('/api/me/cancel').set(anna.auth)
        : await t.http.patch(`/api/events/${event.id}/registrations/${anna.id}`).set(organiser()).send({ status: 'cancelled' });
      expect(cancelled.body.status).toBe('cancelled');

      const remaining = await activeMeetings(event.id);
      expect(remaining.items.map((m: { participants: { id: string }[] }) => m.participants.map((p) => p.id))).toEqual([[ben.id, cara.id]]);
      for (const other of [ben, cara, dora]) {
        const statuses = (await t.http.get('/api/me/meeting-requests').set(other.auth)).body.items.map((item: { status: string }) => item.status);
        expect(statuses.every((status: string) => status === 'cancelled')).toBe(true);
      }
    });
  });
});

async function expectStatus(response: PromiseLike<{ status: number }>, status: number) {
  expect((await response).status).toBe(status);
}
