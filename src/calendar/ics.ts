import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendar, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

// Times are written in UTC (…Z) and no calendar-level time zone is ever set:
// ical-generator formats plain Dates with the process's TZ once a zone name is
// set (DTSTAMP included), and it has no offline VTIMEZONE data. Meetings are
// single instants, never recurring, so UTC loses nothing: clients show them in
// the reader's zone as they would zoned times. X-WR-TIMEZONE hints the event's
// zone to feed readers.

export interface CalendarEvent {
  id: string;
  slug: string;
  title: string;
  description: string;
  venue: string;
  timezone: string;
  startsAt: Date;
  endsAt: Date;
  contactEmail: string;
  contactName?: string;
}

export interface CalendarMeeting {
  id: string;
  /** Must grow with every change sent to the attendee, or clients ignore the update. */
  sequence: number;
  status: 'confirmed' | 'cancelled';
  startsAt: Date;
  endsAt: Date;
  table: number;
  event: Pick<CalendarEvent, 'title' | 'venue' | 'timezone' | 'contactEmail' | 'contactName'>;
  attendee: { name: string; email: string };
  partner: { name: string; organisation: string; profileUrl: string };
}

export interface CalendarOptions {
  publicBaseUrl: string;
}

const productId = { company: 'brokerage', product: 'brokerage', language: 'EN' };

export function eventUid(eventId: string): string {
  return `event-${eventId}@brokerage`;
}

export function meetingUid(meetingId: string): string {
  return `meeting-${meetingId}@brokerage`;
}

export function eventIcs(event: CalendarEvent, options: CalendarOptions): string {
  const calendar = ical({ prodId: productId, method: ICalCalendarMethod.PUBLISH });
  addEvent(calendar, event, options);
  return calendar.toString();
}

export function meetingInvite(meeting: CalendarMeeting, method: 'REQUEST' | 'CANCEL'): string {
  const calendar = ical({
    prodId: productId,
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  const entry = addMeeting(calendar, meeting, method === 'CANCEL');
  // The organiser decides the schedule and nobody processes replies, so the
  // attendee is already accepted and clients do not offer to send an RSVP.
  entry.createAttendee({
    name: meeting.attendee.name,
    email: meeting.attendee.email,
    role: ICalAttendeeRole.REQ,
    status: ICalAttendeeStatus.ACCEPTED,
    rsvp: false,
  });
  return calendar.toString();
}

export function participantFeed(
  feed: { participantName: string; event: CalendarEvent; meetings: CalendarMeeting[] },
  options: CalendarOptions,
): string {
  const calendar = ical({
    prodId: productId,
    method: ICalCalendarMethod.PUBLISH,
    name: `${feed.event.title} – ${feed.participantName}`,
    x: { 'X-WR-TIMEZONE': feed.event.timezone },
  });
  addEvent(calendar, feed.event, options);
  // A subscribed feed is a full snapshot on every refresh: a meeting that is
  // gone disappears, whereas a CANCELLED entry shows as a live one in some clients.
  for (const meeting of feed.meetings.filter((m) => m.status === 'confirmed')) addMeeting(calendar, meeting, false);
  return calendar.toString();
}

function addEvent(calendar: ICalCalendar, event: CalendarEvent, options: CalendarOptions): void {
  calendar.createEvent({
    id: eventUid(event.id),
    start: event.startsAt,
    end: event.endsAt,
    summary: event.title,
    description: event.description,
    location: event.venue,
    url: `${options.publicBaseUrl.replace(/\/+$/, '')}/api/public/events/${encodeURIComponent(event.slug)}`,
    organizer: { name: event.contactName ?? event.title, email: event.contactEmail },
  });
}

function addMeeting(calendar: ICalCalendar, meeting: CalendarMeeting, cancelling: boolean) {
  const { partner } = meeting;
  return calendar.createEvent({
    id: meetingUid(meeting.id),
    sequence: meeting.sequence,
    start: meeting.startsAt,
    end: meeting.endsAt,
    status: cancelling || meeting.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    summary: `Meeting: ${partner.name} (${partner.organisation})`,
    location: `Table ${meeting.table}, ${meeting.event.venue}`,
    description: `${meeting.event.title}\n${partner.name}, ${partner.organisation}\n${partner.profileUrl}`,
    url: partner.profileUrl,
    organizer: { name: meeting.event.contactName ?? meeting.event.title, email: meeting.event.contactEmail },
  });
}
