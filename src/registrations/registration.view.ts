import { RegistrationRow } from './registrations.repository';

export function registrationView(row: RegistrationRow) {
  return {
    id: row.id,
    eventId: row.event_id,
    email: row.email,
    name: row.name,
    organisation: row.organisation,
    participantType: row.participant_type,
    country: row.country,
    profile: row.profile,
    topics: row.topics,
    status: row.status,
    waitlistPosition: row.waitlist_position,
    unavailableSlotIds: row.unavailable_slot_ids,
    maxMeetings: row.max_meetings,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    confirmedAt: row.confirmed_at?.toISOString() ?? null,
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
  };
}
