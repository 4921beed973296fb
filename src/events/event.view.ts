import { Event, Slot } from './event.entity';

export function eventView(event: Event) {
  return {
    id: event.id,
    slug: event.slug,
    title: event.title,
    description: event.description,
    venue: event.venue,
    timezone: event.timezone,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    registrationOpensAt: event.registrationOpensAt.toISOString(),
    registrationClosesAt: event.registrationClosesAt.toISOString(),
    meetingRequestsCloseAt: event.meetingRequestsCloseAt.toISOString(),
    cancellationClosesAt: event.cancellationClosesAt.toISOString(),
    capacity: event.capacity,
    waitlist: event.waitlist,
    participantTypes: event.participantTypes,
    meetingMinutes: event.meetingMinutes,
    changeoverMinutes: event.changeoverMinutes,
    tables: event.tables,
    contactEmail: event.contactEmail,
    language: event.language,
    forbiddenTypePairs: event.forbiddenTypePairs,
    maxRequestsPerParticipant: event.maxRequestsPerParticipant,
    requestExpiryHours: event.requestExpiryHours,
    confirmedCount: event.confirmedCount,
    sessions: (event.sessions ?? []).map((session) => ({
      id: session.id,
      startsAt: session.startsAt.toISOString(),
      endsAt: session.endsAt.toISOString(),
    })),
  };
}

export function slotView(slot: Slot) {
  return { id: slot.id, sessionId: slot.sessionId, startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() };
}
