import { isPastDeadline, isTimeZone, parseInstant } from './time';

describe('time', () => {
  it('validates IANA zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('keeps an explicit offset', () => {
    expect(parseInstant('2027-02-09T23:59:59+01:00', 'America/New_York')).toEqual(new Date('2027-02-09T22:59:59Z'));
  });

  it('reads a wall-clock time in the zone, across daylight saving', () => {
    expect(parseInstant('2027-03-27T12:00:00', 'Europe/Berlin')).toEqual(new Date('2027-03-27T11:00:00Z'));
    expect(parseInstant('2027-03-28T12:00:00', 'Europe/Berlin')).toEqual(new Date('2027-03-28T10:00:00Z'));
  });

  it('refuses a wall-clock time skipped by daylight saving', () => {
    expect(parseInstant('2027-03-28T02:30:00', 'Europe/Berlin')).toEqual({ error: expect.stringContaining('does not exist') });
  });

  it('refuses garbage', () => {
    expect(parseInstant('next tuesday', 'Europe/Berlin')).toEqual({ error: expect.stringContaining('ISO 8601') });
  });
});

describe('isPastDeadline', () => {
  const deadline = new Date('2027-02-09T22:59:59Z');
  it('includes the last second of the deadline', () => {
    expect(isPastDeadline(new Date('2027-02-09T22:59:59.999Z'), deadline)).toBe(false);
    expect(isPastDeadline(new Date('2027-02-09T23:00:00.000Z'), deadline)).toBe(true);
  });
});
