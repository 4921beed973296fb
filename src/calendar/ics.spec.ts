import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { CalendarEvent, CalendarMeeting, eventIcs, meetingInvite, participantFeed } from './ics';

// Wall-clock times in Berlin on both sides of the change to summer time
// (2027-03-28, 02:00 CET → 03:00 CEST).
const berlin = (wallClock: string) => DateTime.fromISO(wallClock, { zone: 'Europe/Berlin' }).toJSDate();

const event: CalendarEvent = {
  id: '7f0c',
  slug: 'brokerage-erfurt-2027',
  title: 'Brokerage Days Erfurt – Łódź & Thüringen',
  description: 'Zwei Tage Gespräche an 40 Tischen; Anreise über Hbf, Parken an der Messe. '.repeat(3),
  venue: 'Messe Erfurt, Halle 2',
  timezone: 'Europe/Berlin',
  startsAt: berlin('2027-03-27T09:00'),
  endsAt: berlin('2027-03-28T17:00'),
  contactEmail: 'team@brokerage.example',
  contactName: 'Team Brokerage',
};

const meeting = (id: string, startsAt: Date, overrides: Partial<CalendarMeeting> = {}): CalendarMeeting => ({
  id,
  sequence: 0,
  status: 'confirmed',
  startsAt,
  endsAt: new Date(startsAt.getTime() + 25 * 60_000),
  table: 12,
  event,
  attendee: { name: 'Jürgen Müller', email: 'mueller@firma.example' },
  partner: { name: 'Agnieszka Wróbel', organisation: 'Łódź Robotics Sp. z o.o.', profileUrl: 'https://brokerage.example/profiles/42' },
  ...overrides,
});

const saturday = meeting('m-sat', berlin('2027-03-27T10:25'));
const sunday = meeting('m-sun', berlin('2027-03-28T10:25'), { sequence: 3 });

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

const utc = (e: InstanceType<typeof ICAL.Event>) => e.startDate.toJSDate().toISOString();

describe('calendar files', () => {
  it('places meetings at the right instants on both sides of the daylight-saving change', () => {
    const [sat] = parse(meetingInvite(saturday, 'REQUEST')).events;
    const [sun] = parse(meetingInvite(sunday, 'REQUEST')).events;
    expect(utc(sat)).toBe('2027-03-27T09:25:00.000Z');
    expect(utc(sun)).toBe('2027-03-28T08:25:00.000Z');
    expect(sun.endDate.toJSDate().toISOString()).toBe('2027-03-28T08:50:00.000Z');
  });

  it('keeps the UID across REQUEST and CANCEL and carries SEQUENCE and METHOD', () => {
    const request = parse(meetingInvite(sunday, 'REQUEST'));
    const cancel = parse(meetingInvite({ ...sunday, sequence: 4, status: 'cancelled' }, 'CANCEL'));

    expect(request.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(cancel.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(request.events[0].uid).toBe('meeting-m-sun@brokerage');
    expect(cancel.events[0].uid).toBe(request.events[0].uid);
    expect(request.events[0].sequence).toBe(3);
    expect(cancel.events[0].sequence).toBe(4);
    expect(request.events[0].component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(cancel.events[0].component.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('names organiser, attendee, table, venue and partner', () => {
    const [invite] = parse(meetingInvite(sunday, 'REQUEST')).events;
    expect(invite.organizer).toBe('mailto:team@brokerage.example');
    expect(invite.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual(['mailto:mueller@firma.example']);
    expect(invite.attendees[0].getParameter('partstat')).toBe('ACCEPTED');
    expect(invite.location).toBe('Table 12, Messe Erfurt, Halle 2');
    expect(invite.summary).toBe('Meeting: Agnieszka Wróbel (Łódź Robotics Sp. z o.o.)');
    expect(invite.description).toContain('Agnieszka Wróbel, Łódź Robotics Sp. z o.o.');
    expect(invite.description).toContain('https://brokerage.example/profiles/42');
  });

  it('publishes the event with a stable UID and a link', () => {
    const published = parse(eventIcs(event, { publicBaseUrl: 'https://brokerage.example' }));
    expect(published.calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(published.events).toHaveLength(1);
    expect(published.events[0].uid).toBe('event-7f0c@brokerage');
    expect(utc(published.events[0])).toBe('2027-03-27T08:00:00.000Z');
    expect(published.events[0].component.getFirstPropertyValue('url')).toBe(
      'https://brokerage.example/api/public/events/brokerage-erfurt-2027',
    );
  });

  it('feeds a participant the event and their live meetings with the invites’ UIDs and SEQUENCE', () => {
    const dropped = meeting('m-gone', berlin('2027-03-28T11:00'), { status: 'cancelled', sequence: 2 });
    const feed = parse(
      participantFeed({ participantName: 'Jürgen Müller', event, meetings: [saturday, sunday, dropped] }, { publicBaseUrl: 'https://b.example' }),
    );
    expect(feed.calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(feed.calendar.getFirstPropertyValue('x-wr-calname')).toBe('Brokerage Days Erfurt – Łódź & Thüringen – Jürgen Müller');
    expect(feed.calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Europe/Berlin');
    expect(feed.events.map((e) => [e.uid, e.sequence])).toEqual([
      ['event-7f0c@brokerage', 0],
      ['meeting-m-sat@brokerage', 0],
      ['meeting-m-sun@brokerage', 3],
    ]);
  });

  it('writes DTSTAMP and every time in UTC, CRLF line endings and lines folded at 75 octets', () => {
    const outputs = [
      eventIcs(event, { publicBaseUrl: 'https://brokerage.example' }),
      meetingInvite(sunday, 'REQUEST'),
      meetingInvite(sunday, 'CANCEL'),
      participantFeed({ participantName: 'Jürgen Müller', event, meetings: [saturday, sunday] }, { publicBaseUrl: 'https://b.example' }),
    ];
    for (const ics of outputs) {
      expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const lines = ics.split('\r\n');
      for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(lines.some((line) => line.startsWith(' '))).toBe(true);
      for (const line of lines.filter((l) => /^(DTSTAMP|DTSTART|DTEND)[:;]/.test(l))) expect(line).toMatch(/:\d{8}T\d{6}Z$/);
    }
  });

  it('writes the same times whatever TZ the process runs in', () => {
    const script = `
      const { meetingInvite } = require('./src/calendar/ics');
      const m = ${JSON.stringify(sunday)};
      for (const k of ['startsAt', 'endsAt']) m[k] = new Date(m[k]);
      process.stdout.write(meetingInvite(m, 'REQUEST'));`;
    const withoutStamp = (ics: string) => ics.replace(/^DTSTAMP:.*$/m, '');
    for (const timezone of ['America/Los_Angeles', 'Asia/Kathmandu', 'UTC']) {
      const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
        cwd: join(__dirname, '../..'),
        env: { ...process.env, TZ: timezone },
        encoding: 'utf8',
      });
      expect(withoutStamp(output)).toBe(withoutStamp(meetingInvite(sunday, 'REQUEST')));
      expect(output).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r$/m);
    }
  });
});

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
// Debian's python3-icalendar lives beside the system python, which pyenv and the like may shadow.
const pythonWithIcalendar = ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import icalendar']).status === 0);

describe('calendar files in other implementations', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'brokerage-ics-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  (has('khal') ? it : it.skip)('imports into khal and shows Berlin wall-clock times', () => {
    const config = join(dir, 'khal.conf');
    writeFileSync(
      config,
      [
        '[calendars]',
        '[[brokerage]]',
        `path = ${join(dir, 'calendar')}`,
        'type = calendar',
        '[sqlite]',
        `path = ${join(dir, 'khal.db')}`,
        '[locale]',
        'local_timezone = Europe/Berlin',
        'default_timezone = Europe/Berlin',
        'timeformat = %H:%M',
        'dateformat = %Y-%m-%d',
        'longdateformat = %Y-%m-%d',
        'datetimeformat = %Y-%m-%d %H:%M',
        'longdatetimeformat = %Y-%m-%d %H:%M',
        '',
      ].join('\n'),
    );
    const khal = (...args: string[]) =>
      execFileSync('khal', ['-c', config, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TZ: 'America/Los_Angeles' },
      });
    for (const [name, ics] of [
      ['saturday.ics', meetingInvite(saturday, 'REQUEST')],
      ['sunday.ics', meetingInvite(sunday, 'REQUEST')],
    ]) {
      writeFileSync(join(dir, name), ics);
      khal('import', '--batch', '-a', 'brokerage', join(dir, name));
    }
    expect(khal('list', '2027-03-27', '1d')).toMatch(/10:25-10:50 Meeting: Agnieszka Wróbel/);
    expect(khal('list', '2027-03-28', '1d')).toMatch(/10:25-10:50 Meeting: Agnieszka Wróbel/);
  });

  (pythonWithIcalendar ? it : it.skip)('parses with python3-icalendar to the same instants', () => {
    const file = join(dir, 'feed.ics');
    writeFileSync(file, participantFeed({ participantName: 'Jürgen Müller', event, meetings: [saturday, sunday] }, { publicBaseUrl: 'https://b.example' }));
    const script = `
import sys, icalendar
calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for e in calendar.walk('VEVENT'):
    print(e['UID'], e.decoded('DTSTART').isoformat(), e.decoded('DTSTAMP').utcoffset())`;
    const lines = execFileSync(pythonWithIcalendar!, ['-c', script, file], { encoding: 'utf8' }).trim().split('\n');
    expect(lines).toEqual([
      'event-7f0c@brokerage 2027-03-27T08:00:00+00:00 0:00:00',
      'meeting-m-sat@brokerage 2027-03-27T09:25:00+00:00 0:00:00',
      'meeting-m-sun@brokerage 2027-03-28T08:25:00+00:00 0:00:00',
    ]);
  });
});

if (!has('khal')) console.warn('khal is not installed: skipping the khal import check (apt-get install khal)');
if (!pythonWithIcalendar) console.warn('python3-icalendar is not installed: skipping its parse check (apt-get install python3-icalendar)');

/** libical's iTIP restriction check, compiled from test/support when gcc and libical-dev are installed (.ci/run installs them). */
function restrictionChecker(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'icalcheck-'));
  const binary = join(dir, 'check');
  const source = join(__dirname, '..', '..', 'test', 'support', 'ical-restriction-check.c');
  const built = spawnSync('sh', ['-c', `gcc -o ${binary} ${source} $(pkg-config --cflags --libs libical)`], { encoding: 'utf8' });
  return built.status === 0 ? binary : null;
}

describe("libical's iTIP restriction check", () => {
  const checker = restrictionChecker();
  const check = (ics: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ics-')), 'x.ics');
    writeFileSync(file, ics);
    return spawnSync(checker!, [file], { encoding: 'utf8' });
  };
  const cases: [string, () => string][] = [
    ['event (PUBLISH)', () => eventIcs(event, { publicBaseUrl: 'https://brokerage.example' })],
    ['invite (REQUEST)', () => meetingInvite(sunday, 'REQUEST')],
    ['cancellation (CANCEL)', () => meetingInvite({ ...sunday, sequence: 4, status: 'cancelled' }, 'CANCEL')],
    ['personal feed (PUBLISH)', () => participantFeed({ participantName: 'Jürgen Müller', event, meetings: [saturday, sunday] }, { publicBaseUrl: 'https://brokerage.example' })],
  ];
  (checker ? it.each(cases) : it.skip.each(cases))('passes for the %s', (_name, render) => {
    const result = check(render());
    expect(result.stdout.trim()).toBe('ok');
    expect(result.status).toBe(0);
  });
  (checker ? it : it.skip)('refuses a REQUEST without ORGANIZER (control: the check is real)', () => {
    const broken = meetingInvite(sunday, 'REQUEST').replace(/^ORGANIZER.*\r\n( .*\r\n)*/m, '');
    expect(broken).not.toContain('ORGANIZER');
    expect(check(broken).status).toBe(1);
  });
  if (!checker) it('is skipped: gcc or libical-dev missing', () => console.warn('libical restriction check skipped (install libical-dev)'));
});
