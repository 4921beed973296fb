import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';

/** Many requests at once against one event: the database and the event lock must keep the numbers exact. */
describe('registration races', () => {
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    t = await bootApp();
    t.clock.set('2027-01-20T12:00:00Z');
  });
  afterAll(() => t.close());

  const registerAll = (slug: string, bodies: Record<string, unknown>[]) =>
    Promise.all(bodies.map((body) => t.http.post(`/api/public/events/${slug}/registrations`).send(body)));

  it('200 simultaneous registrations for 20 seats: 20 confirmed, 180 waitlisted at positions 1..180', async () => {
    const event = await createEvent(t, { capacity: 20, waitlist: true });
    const responses = await registerAll(event.slug, Array.from({ length: 200 }, () => registrationBody()));
    expect(responses.filter((response) => response.status !== 201)).toEqual([]);
    const confirmed = responses.filter((response) => response.body.status === 'confirmed');
    const waitlisted = responses.filter((response) => response.body.status === 'waitlisted');
    expect(confirmed).toHaveLength(20);
    expect(waitlisted).toHaveLength(180);
    const positions = waitlisted.map((response) => response.body.waitlistPosition).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 180 }, (_, index) => index + 1));

    const stored = await t.http.get(`/api/events/${event.id}/registrations?limit=1000`).set(organiser());
    expect(stored.body.total).toBe(200);
    expect((await t.http.get(`/api/events/${event.id}`).set(organiser())).body.confirmedCount).toBe(20);
  });

  it('50 simultaneous cancellations promote exactly 50, first come first served', async () => {
    const event = await createEvent(t, { capacity: 60, waitlist: true });
    const registered = [];
    for (const body of Array.from({ length: 120 }, () => registrationBody())) {
      registered.push((await t.http.post(`/api/public/events/${event.slug}/registrations`).send(body)).body);
    }
    const cancelling = registered.slice(0, 50);
    const cancellations = await Promise.all(
      cancelling.map((registration) => t.http.post('/api/me/cancel').set('Authorization', `Bearer ${registration.token}`)),
    );
    expect(cancellations.map((response) => response.status)).toEqual(Array(50).fill(201));

    const confirmed = await t.http.get(`/api/events/${event.id}/registrations?status=confirmed&limit=1000`).set(organiser());
    expect(confirmed.body.total).toBe(60);
    const promotedIds = registered.slice(60, 110).map((registration) => registration.id).sort();
    const confirmedIds = new Set(confirmed.body.items.map((item: { id: string }) => item.id));
    expect(promotedIds.filter((id) => confirmedIds.has(id))).toHaveLength(50);
    const waiting = await t.http.get(`/api/events/${event.id}/registrations?status=waitlisted&limit=1000`).set(organiser());
    expect(waiting.body.items.map((item: { id: string }) => item.id)).toEqual(registered.slice(110).map((registration) => registration.id));
    expect(waiting.body.items.map((item: { waitlistPosition: number }) => item.waitlistPosition)).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
  });

  it('the same email registered 20 times at once yields one registration', async () => {
    const event = await createEvent(t);
    const body = registrationBody({ email: 'race@example.org' });
    const responses = await registerAll(event.slug, Array.from({ length: 20 }, (_, index) => ({ ...body, email: index % 2 ? 'RACE@example.org' : body.email })));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 409).map((response) => response.body.code)).toEqual(Array(19).fill('already_registered'));
    expect((await t.http.get(`/api/events/${event.id}/registrations`).set(organiser())).body.total).toBe(1);
  });

  it('the same Idempotency-Key sent 10 times at once yields one registration and one answer', async () => {
    const event = await createEvent(t);
    const body = registrationBody();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.http.post(`/api/public/events/${event.slug}/registrations`).set('Idempotency-Key', 'same-key').send(body)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((response) => response.body.token)).size).toBe(1);
    expect((await t.http.get(`/api/events/${event.id}/registrations`).set(organiser())).body.total).toBe(1);
  });
});
