import { DateTime } from 'luxon';
import { EmailContext, formatMeetingTime, Language, Notification, renderEmail } from './templates';

const berlin = (wallClock: string) => DateTime.fromISO(wallClock, { zone: 'Europe/Berlin' }).toJSDate();

const context = (language: Language, name = 'Jürgen Müller'): EmailContext => ({
  language,
  publicBaseUrl: 'https://brokerage.example',
  event: { title: 'Brokerage Days Erfurt', venue: 'Messe Erfurt', timezone: 'Europe/Berlin', contactEmail: 'team@brokerage.example' },
  participant: { name, token: 'tok_abc123' },
});

const partner = { name: 'Agnieszka Wróbel', organisation: 'Łódź Robotics' };

const notifications: Notification[] = [
  { cause: 'registration_confirmed' },
  { cause: 'registration_waitlisted', position: 7 },
  { cause: 'registration_promoted' },
  { cause: 'registration_cancelled' },
  {
    cause: 'schedule_published',
    meetings: [
      { startsAt: berlin('2027-03-28T10:25'), table: 3, partner },
      { startsAt: berlin('2027-03-27T10:25'), table: 12, partner: { name: 'Hans Groß', organisation: 'Groß & Söhne GmbH' } },
    ],
  },
  {
    cause: 'meeting_moved',
    partner,
    before: { startsAt: berlin('2027-03-27T10:25'), table: 12 },
    after: { startsAt: berlin('2027-03-28T11:00'), table: 4 },
  },
  { cause: 'meeting_cancelled', partner, place: { startsAt: berlin('2027-03-28T10:25'), table: 3 } },
];

describe('email templates', () => {
  describe.each(['en', 'de'] as const)('in %s', (language) => {
    it.each(notifications.map((n) => [n.cause, n] as const))('%s has a subject, the personal link and no raw markup', (_, notification) => {
      const email = renderEmail(context(language), notification);
      expect(email.subject).toMatch(/\S/);
      expect(email.subject).not.toMatch(/\n/);
      expect(email.text).toContain('https://brokerage.example/p/tok_abc123');
      expect(email.html).toContain('<a href="https://brokerage.example/p/tok_abc123">');
      expect(email.text).toContain('team@brokerage.example');
      expect(email.text).not.toMatch(/<[a-z]/i);
    });
  });

  it('joins the personal link whether or not the base URL ends in a slash', () => {
    const email = renderEmail({ ...context('en'), publicBaseUrl: 'https://brokerage.example/' }, { cause: 'registration_confirmed' });
    expect(email.text).toContain('https://brokerage.example/p/tok_abc123\n');
  });

  it('speaks English and German', () => {
    expect(renderEmail(context('en'), { cause: 'registration_waitlisted', position: 7 })).toMatchObject({
      subject: 'Waiting list: Brokerage Days Erfurt',
      text: expect.stringContaining('You are number 7 on the waiting list'),
    });
    expect(renderEmail(context('de'), { cause: 'registration_waitlisted', position: 7 })).toMatchObject({
      subject: 'Warteliste: Brokerage Days Erfurt',
      text: expect.stringContaining('Sie stehen auf Platz 7 der Warteliste'),
    });
  });

  it('escapes names in HTML and keeps them readable in text', () => {
    const email = renderEmail(context('en', '<script>alert("x")</script>'), {
      cause: 'meeting_cancelled',
      partner: { name: 'Tom & "Jerry"', organisation: "O'Brien <Ltd>" },
      place: { startsAt: berlin('2027-03-28T10:25'), table: 3 },
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(email.html).toContain('Tom &#38; &#34;Jerry&#34; (O&#39;Brien &#60;Ltd&#62;)');
    expect(email.text).toContain('Hello <script>alert("x")</script>,');
    expect(email.text).toContain(`Tom & "Jerry" (O'Brien <Ltd>)`);
  });

  it('keeps a line break in a name out of the subject', () => {
    const email = renderEmail(context('en'), { cause: 'meeting_cancelled', partner: { ...partner, name: 'Eve\r\nBcc: x@y' }, place: { startsAt: new Date(), table: 1 } });
    expect(email.subject).toBe('Meeting cancelled: Eve Bcc: x@y');
  });

  it('writes times in the event zone on both sides of the daylight-saving change', () => {
    expect(formatMeetingTime(new Date('2027-03-27T09:25:00Z'), 'Europe/Berlin', 'en')).toBe('Sat 27 Mar 2027, 10:25');
    expect(formatMeetingTime(new Date('2027-03-28T08:25:00Z'), 'Europe/Berlin', 'en')).toBe('Sun 28 Mar 2027, 10:25');
    expect(formatMeetingTime(new Date('2027-03-28T08:25:00Z'), 'Europe/Berlin', 'de')).toBe('So., 28.03.2027 10:25');
    expect(formatMeetingTime(new Date('2027-02-15T09:25:00Z'), 'Europe/Berlin', 'de')).toBe('Mo., 15.02.2027 10:25');
    expect(formatMeetingTime(new Date('2027-02-15T09:25:00Z'), 'Europe/Berlin', 'en')).toBe('Mon 15 Feb 2027, 10:25');
    expect(formatMeetingTime(new Date('2027-03-28T00:05:00Z'), 'Europe/Berlin', 'en')).toBe('Sun 28 Mar 2027, 01:05');
  });

  it('lists the agenda in time order as a table', () => {
    const [, , , , published] = notifications;
    const de = renderEmail(context('de'), published);
    expect(de.subject).toBe('Ihr Terminplan: Brokerage Days Erfurt');
    expect(de.text).toMatch(/Sa\., 27\.03\.2027 10:25 +12 +Hans Groß +Groß & Söhne GmbH\n/);
    expect(de.text).toMatch(/So\., 28\.03\.2027 10:25 +3 +Agnieszka Wróbel +Łódź Robotics\n/);
    expect(de.text.indexOf('27.03.2027')).toBeLessThan(de.text.indexOf('28.03.2027'));
    expect(de.html).toContain('<tr><th>Zeit</th><th>Tisch</th><th>Gesprächspartner</th><th>Organisation</th></tr>');
    expect(de.html).toContain('<tr><td>Sa., 27.03.2027 10:25</td><td>12</td><td>Hans Groß</td><td>Groß &#38; Söhne GmbH</td></tr>');
    expect(renderEmail(context('en'), { cause: 'schedule_published', meetings: [] }).text).toContain('no meetings could be scheduled');
  });

  it('says what changed when a meeting moves', () => {
    const [, , , , , moved] = notifications;
    expect(renderEmail(context('en'), moved).text).toContain('Before: Sat 27 Mar 2027, 10:25, table 12\nNow: Sun 28 Mar 2027, 11:00, table 4');
    expect(renderEmail(context('de'), moved).text).toContain('Bisher: Sa., 27.03.2027 10:25, Tisch 12\nNeu: So., 28.03.2027 11:00, Tisch 4');
  });
});
