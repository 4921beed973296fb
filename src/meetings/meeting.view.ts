import { MeetingRequestRow, MeetingRow } from './meetings.repository';

export function meetingRequestView(row: MeetingRequestRow) {
  return {
    id: row.id,
    direction: row.direction,
    status: row.status,
    participant: row.participant,
    message: row.message,
    priority: row.priority,
    createdAt: row.created_at.toISOString(),
    answeredAt: row.answered_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    meetingId: row.meeting_id,
  };
}

export function meetingView(row: MeetingRow) {
  return {
    id: row.id,
    eventId: row.event_id,
    participants: row.participants,
    priority: row.priority,
    status: row.status,
    source: row.source,
    requestId: row.request_id,
    createdAt: row.created_at.toISOString(),
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
  };
}
