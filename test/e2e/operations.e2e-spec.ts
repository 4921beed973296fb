import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';

describe('operations', () => {
  let t: TestApp;
  const token = 'operator-token-0123456789';

  beforeAll(async () => {
    t = await bootApp({ ADMIN_TOKEN: token });
    t.clock.set('2027-01-20T12:00:00Z');
  });
  afterAll(() => t.close());

  it('serves the queue dashboard only to holders of the admin token', async () => {
    const anonymous = await t.http.get('/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    expect((await t.http.get('/admin/queues').set('Authorization', 'Bearer wrong-token-000000000')).status).toBe(401);
    const bearer = await t.http.get('/admin/queues').set('Authorization', `Bearer ${token}`);
    expect(bearer.status).toBe(200);
    expect(bearer.text).toContain('<html');
    const basic = await t.http.get('/admin/queues/api/queues').auth('admin', token);
    expect(basic.status).toBe(200);
    expect(JSON.stringify(basic.body)).toContain('scheduling');
  });

  it('exposes Prometheus metrics with the service’s own counters', async () => {
    const event = await createEvent(t);
    await t.http.post(`/api/public/events/${event.slug}/registrations`).send(registrationBody()).expect(201);
    const metrics = await t.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/brokerage_registrations_total\{status="confirmed"\} \d+/);
    expect(metrics.text).toContain('brokerage_http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });

  it('returns a request id on every response, the caller’s if it sent a sane one', async () => {
    expect((await t.http.get('/health').set('X-Request-Id', 'trace-42')).headers['x-request-id']).toBe('trace-42');
    expect((await t.http.get('/health').set('X-Request-Id', 'bad id with spaces')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
