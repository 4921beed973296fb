import { DateTime } from 'luxon';

export function isTimeZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

const hasOffset = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * Reads an ISO 8601 date-time as an instant. With an offset ("…+01:00", "…Z")
 * it is that instant; without one it is a wall-clock time in the event's zone.
 * A wall-clock time that does not exist there (the hour skipped when clocks go
 * forward) is refused instead of being silently moved.
 */
export function parseInstant(value: string, zone: string): Date | { error: string } {
  const parsed = DateTime.fromISO(value, { zone });
  if (!parsed.isValid) return { error: 'must be an ISO 8601 date-time, e.g. 2027-02-15T09:00:00+01:00' };
  if (!hasOffset.test(value)) {
    const wall = DateTime.fromISO(value, { zone: 'UTC' });
    const sameWallClock = ['year', 'month', 'day', 'hour', 'minute', 'second'].every(
      (unit) => parsed.get(unit as 'year') === wall.get(unit as 'year'),
    );
    if (!sameWallClock) return { error: `does not exist in time zone ${zone} (clocks skip it)` };
  }
  return parsed.toJSDate();
}

/**
 * Deadlines are exact to the second and include their last second: a deadline
 * of 23:59:59 still accepts 23:59:59.999 and refuses 00:00:00.
 */
export function isPastDeadline(now: Date, deadline: Date): boolean {
  return now.getTime() >= Math.floor(deadline.getTime() / 1000) * 1000 + 1000;
}
