import ICAL from 'ical.js';
import { ParsedMail } from 'mailparser';
import { Client } from 'pg';
import { bootApp, createEvent, registrationBody, TestApp } from '../support/app';
import { waitForRun } from '../support/schedule';
import { TestSmtp } from '../support/smtp';

function calendarOf(content: string | Buffer) {
  const calendar = new ICAL.Component(ICAL.parse(content.toString()));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence') ?? 0),
    status: event.getFirstPropertyValue('status'),
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
    location: event.getFirstPropertyValue('location'),
  };
}

const inviteOf = (mail: ParsedMail) => {
  const part = mail.attachments.find((attachment) => attachment.contentType === 'text/calendar' && attachment.filename === 'invite.ics')
    ?? mail.attachments.find((attachment) => attachment.contentType === 'text/calendar');
  return part && { ...calendarOf(part.content), mimeMethod: /method=([A-Z]+)/i.exec(String(part.headers.get('content-type') && JSON.stringify(part.headers.get('content-type'))))?.[1] };
};

describe('emails and calendars', () => {
  const smtp = new TestSmtp();
  let t: TestApp;
  const organiser = () => ({ Authorization: `Bearer ${t.organiserKey}` });

  beforeAll(async () => {
    // Files share the run's database: emails other files' apps left pending would reach this SMTP server and spoil the counts.
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`UPDATE email_outbox SET status = 'failed', last_error = 'left by another test file' WHERE status = 'pending'`).catch(() => undefined);
    await client.end();
    await smtp.start();
    t = await bootApp({ SMTP_URL: smtp.url, OUTBOX_POLL_MS: '100', JOB_BACKOFF_MS: '200' });
    t.clock.set('2027-01-20T12:00:00Z');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  beforeEach(() => smtp.messages.splice(0));

  const register = async (slug: string, overrides: Record<string, unknown> = {}) =>
    (await t.http.post(`/api/public/events/${slug}/registrations`).send(registrationBody(overrides))).body;

  it('a registration gets one confirmation with the personal link and the event as .ics, in Europe/Berlin across DST', async () => {
    const event = await createEvent(t, {
      language: 'de', contactEmail: 'kontakt@ihk.example',
      startsAt: '2027-03-27T09:00:00', endsAt: '2027-03-28T17:00:00',
      registrationOpensAt: '2027-01-01T00:00:00', registrationClosesAt: '2027-03-20T23:59:59',
      meetingRequestsCloseAt: '2027-03-25T12:00:00', cancellationClosesAt: '2027-03-26T12:00:00',
      sessions: [{ startsAt: '2027-03-28T10:00:00', endsAt: '2027-03-28T12:00:00' }],
    });
    const person = await register(event.slug, { email: 'anna.mueller@example.org', name: 'Anna Müller' });
    await smtp.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.to).toMatchObject({ value: [{ address: 'anna.mueller@example.org', name: 'Anna Müller' }] });
    expect(mail.replyTo?.value[0].address).toBe('kontakt@ihk.example');
    expect(mail.text).toContain(`http://localhost:3000/p/${person.token}`);
    expect(mail.html).toContain(`/p/${person.token}`);
    const ics = mail.attachments.find((attachment) => attachment.filename === 'event.ics')!;
    // the event runs from 09:00 CET on the 27th (08:00Z) to 17:00 CEST on the 28th (15:00Z)
    const calendar = new ICAL.Component(ICAL.parse(ics.content.toString()));
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    expect((vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2027-03-27T08:00:00.000Z');
    expect((vevent.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString()).toBe('2027-03-28T15:00:00.000Z');
  });

  it('waitlisted, promoted and cancelled participants are told, each once', async () => {
    const event = await createEvent(t, { capacity: 1 });
    const first = await register(event.slug, { email: 'first@example.org' });
    await register(event.slug, { email: 'second@example.org' });
    await smtp.waitFor(2);
    expect(smtp.to('second@example.org')[0].text).toMatch(/waiting list|Warteliste/i);
    await t.http.post('/api/me/cancel').set('Authorization', `Bearer ${first.token}`).expect(201);
    await smtp.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.to('first@example.org').map((mail) => mail.subject)).toHaveLength(2);
    expect(smtp.to('second@example.org')).toHaveLength(2);
    expect(smtp.to('second@example.org')[1].attachments.some((a) => a.filename === 'event.ics')).toBe(true);
  });

  it('publishing sends each participant their agenda; moving and cancelling after publication mails exactly the people affected', async () => {
    const event = await createEvent(t, { capacity: null, tables: 4 });
    const people = [];
    for (let i = 0; i < 6; i += 1) people.push(await register(event.slug, { email: `p${i}@agenda.example`, organisation: `Org ${i}` }));
    const pairs = [[0, 1], [2, 3], [4, 5], [0, 2]];
    const meetings: { id: string }[] = [];
    for (const [a, b] of pairs) {
      meetings.push((await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [people[a].id, people[b].id] })).body);
    }
    await smtp.waitFor(6);
    smtp.messages.splice(0);
    await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);
    await smtp.waitFor(6);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages).toHaveLength(6);
    const agenda0 = smtp.to('p0@agenda.example')[0];
    const invites0 = agenda0.attachments.filter((a) => a.contentType === 'text/calendar');
    expect(invites0).toHaveLength(2);
    const before = invites0.map((a) => calendarOf(a.content)).find((invite) => invite.uid === `meeting-${meetings[0].id}@brokerage`)!;
    expect(before.method).toBe('REQUEST');
    // publishing again sends nothing new
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);

    smtp.messages.splice(0);
    const schedule = (await t.http.get(`/api/events/${event.id}/schedule`).set(organiser())).body.meetings as { id: string; slotId: string; table: number; participantIds: string[] }[];
    const slots = (await t.http.get(`/api/events/${event.id}/slots`).set(organiser())).body as { id: string; startsAt: string }[];
    const m01 = schedule.find((m) => m.id === meetings[0].id)!;
    const target = slots.find((slot) => !schedule.some((m) => m.slotId === slot.id && m.participantIds.some((id) => m01.participantIds.includes(id))))!;
    await t.http.patch(`/api/events/${event.id}/meetings/${meetings[0].id}`).set(organiser()).send({ slotId: target.id, table: 4 }).expect(200);
    await t.http.patch(`/api/events/${event.id}/meetings/${meetings[2].id}`).set(organiser()).send({ status: 'cancelled' }).expect(200);
    await smtp.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(smtp.messages.flatMap((mail) => mail.to && !Array.isArray(mail.to) ? mail.to.value.map((v) => v.address) : []).sort())
      .toEqual(['p0@agenda.example', 'p1@agenda.example', 'p4@agenda.example', 'p5@agenda.example']);
    const update = inviteOf(smtp.to('p1@agenda.example')[0])!;
    expect(update).toMatchObject({ method: 'REQUEST', uid: before.uid, start: new Date(target.startsAt).toISOString(), location: expect.stringContaining('4') });
    expect(update.sequence).toBeGreaterThan(before.sequence);
    const cancellation = inviteOf(smtp.to('p4@agenda.example')[0])!;
    expect(cancellation).toMatchObject({ method: 'CANCEL', uid: `meeting-${meetings[2].id}@brokerage`, status: 'CANCELLED' });
  });

  it('republishing cancels, in both calendars, a published meeting the new version no longer places', async () => {
    const event = await createEvent(t, { capacity: null, tables: 4 });
    const people = [];
    for (let i = 0; i < 3; i += 1) people.push(await register(event.slug, { email: `r${i}@drop.example`, organisation: `Drop ${i}` }));
    const m01 = (await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [people[0].id, people[1].id] })).body;
    await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [people[0].id, people[2].id] }).expect(201);
    await smtp.waitFor(3);
    const run = async () => waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    await run();
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);
    await smtp.waitFor(6);
    const before = calendarOf(smtp.to('r1@drop.example')[1].attachments.find((a) => a.contentType === 'text/calendar')!.content);
    expect(before).toMatchObject({ method: 'REQUEST', uid: `meeting-${m01.id}@brokerage` });

    // r1 can no longer come: the next run cannot place their meeting with r0
    const slots = (await t.http.get(`/api/events/${event.id}/slots`).set(organiser())).body as { id: string }[];
    await t.http.patch('/api/me').set('Authorization', `Bearer ${people[1].token}`).send({ unavailableSlotIds: slots.map((slot) => slot.id) }).expect(200);
    await run();
    smtp.messages.splice(0);
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);
    // r0 and r2: their new agenda; r0 and r1: the CANCEL of the dropped meeting
    await smtp.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(smtp.messages).toHaveLength(4);
    let cancelSequence = 0;
    for (const address of ['r0@drop.example', 'r1@drop.example']) {
      const cancellation = smtp.to(address).map(inviteOf).find((invite) => invite?.method === 'CANCEL');
      expect(cancellation).toMatchObject({ uid: before.uid, status: 'CANCELLED', start: before.start });
      expect(cancellation!.sequence).toBeGreaterThan(before.sequence);
      cancelSequence = cancellation!.sequence;
    }
    const agenda0 = smtp.to('r0@drop.example').find((mail) => !inviteOf(mail) || inviteOf(mail)!.method !== 'CANCEL')!;
    expect(agenda0.attachments.filter((a) => a.contentType === 'text/calendar').map((a) => calendarOf(a.content).uid)).not.toContain(before.uid);

    // r1 can come after all: the meeting is back, with an invite calendars do not ignore after that CANCEL
    await t.http.patch('/api/me').set('Authorization', `Bearer ${people[1].token}`).send({ unavailableSlotIds: [] }).expect(200);
    await run();
    smtp.messages.splice(0);
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);
    await smtp.waitFor(3);
    const back = smtp.to('r1@drop.example')[0].attachments.filter((a) => a.contentType === 'text/calendar').map((a) => calendarOf(a.content));
    expect(back).toEqual([expect.objectContaining({ method: 'REQUEST', uid: before.uid })]);
    expect(back[0].sequence).toBeGreaterThan(cancelSequence);
  });

  it('with SMTP down during publication, every email is delivered exactly once after it returns', async () => {
    const event = await createEvent(t, { capacity: null });
    const people = [];
    for (let i = 0; i < 4; i += 1) people.push(await register(event.slug, { email: `d${i}@down.example`, organisation: `Org ${i}` }));
    for (const [a, b] of [[0, 1], [2, 3]]) {
      await t.http.post(`/api/events/${event.id}/meetings`).set(organiser()).send({ participantIds: [people[a].id, people[b].id] }).expect(201);
    }
    await smtp.waitFor(4);
    await waitForRun(t, event.id, (await t.http.post(`/api/events/${event.id}/schedule-runs`).set(organiser()).send({ timeBudgetMs: 200 })).body.id);
    const port = smtp.port;
    await smtp.stop();
    smtp.messages.splice(0);
    await t.http.post(`/api/events/${event.id}/schedule/publish`).set(organiser()).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const pending = await t.http.get(`/api/events/${event.id}/emails?status=pending`).set(organiser());
    expect(pending.body.total).toBe(4);
    expect(pending.body.items[0].error).toBeTruthy();
    await smtp.start(port);
    await smtp.waitFor(4, 60000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.messages.map((mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : '')).sort())
      .toEqual(['d0@down.example', 'd1@down.example', 'd2@down.example', 'd3@down.example']);
    expect((await t.http.get(`/api/events/${event.id}/emails?status=sent`).set(organiser())).body.total).toBe(8);
  });

  it('a permanently refused address is recorded as failed and visible to the organiser', async () => {
    smtp.reject.add('nobody@refused.example');
    const event = await createEvent(t);
    await register(event.slug, { email: 'nobody@refused.example' });
    for (let i = 0; i < 100; i += 1) {
      const failed = await t.http.get(`/api/events/${event.id}/emails?status=failed`).set(organiser());
      if (failed.body.total === 1) {
        expect(failed.body.items[0]).toMatchObject({ cause: 'registration_confirmed', recipient: { email: 'nobody@refused.example' }, error: expect.stringContaining('550') });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const all = await t.http.get(`/api/events/${event.id}/emails`).set(organiser());
    throw new Error(`the refused email was never marked failed: ${JSON.stringify(all.body)}`);
  });

  it('serves a personal calendar feed that can be revoked', async () => {
    const event = await createEvent(t);
    const person = await register(event.slug);
    const me = (await t.http.get('/api/me').set('Authorization', `Bearer ${person.token}`)).body;
    expect(me.calendarFeedUrl).toMatch(/^http:\/\/localhost:3000\/calendar\/f_[A-Za-z0-9_-]{32}\.ics$/);
    const path = new URL(me.calendarFeedUrl).pathname;
    const feed = await t.http.get(path);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(calendarOf(feed.text).uid).toBe(`event-${event.id}@brokerage`);
    const revoked = await t.http.post('/api/me/calendar-feed/revoke').set('Authorization', `Bearer ${person.token}`);
    expect(revoked.body.calendarFeedUrl).not.toBe(me.calendarFeedUrl);
    expect((await t.http.get(path)).status).toBe(404);
    expect((await t.http.get(new URL(revoked.body.calendarFeedUrl).pathname)).status).toBe(200);
  });
});
