import type { MeetingInput, Placement, SchedulingInput } from './engine';

/** What the database holds about an event, as the schedule run reads it. */
export interface EventSnapshot {
  tables: number;
  slots: { id: string; sessionId: string }[];
  participants: { id: string; maxMeetings: number | null; unavailableSlotIds: string[] }[];
  meetings: { id: string; participantA: string; participantB: string; priority: number }[];
  /** Placements of the current version, if any. */
  current: { meetingId: string; slotId: string; table: number; pinned: boolean }[];
  /** Placements that have left the current version since it was made (cancelled meetings). */
  removed: number;
  /** The current version and its count of manual edits when this was read. */
  stamp: VersionStamp;
}

export interface VersionStamp {
  version: number | null;
  edits: number;
}

/**
 * Builds the engine's input. Pinned meetings stay fixed where that is still
 * possible (both people available, slot and table still exist); a pin that has
 * become impossible is released rather than leaving the meeting unplaced.
 * Every current placement is passed as `previous`, so a re-run stays close to
 * it, published meetings included: it moves meetings to close the gaps a change
 * left, at most `maxMoves` of them, by default as many as the change removed
 * (cancelled meetings, and placed meetings of people no longer confirmed).
 */
export function toEngineInput(snapshot: EventSnapshot): { input: SchedulingInput; releasedPins: string[]; maxMoves: number } {
  const slotIds = new Set(snapshot.slots.map((slot) => slot.id));
  const unavailable = new Map(snapshot.participants.map((p) => [p.id, new Set(p.unavailableSlotIds)]));
  const currentByMeeting = new Map(snapshot.current.map((placement) => [placement.meetingId, placement]));
  const releasedPins: string[] = [];
  const meetings: MeetingInput[] = snapshot.meetings.map((meeting) => {
    const input: MeetingInput = { id: meeting.id, participantIds: [meeting.participantA, meeting.participantB], priority: meeting.priority };
    const pin = currentByMeeting.get(meeting.id);
    if (pin?.pinned) {
      const possible = slotIds.has(pin.slotId) && pin.table <= snapshot.tables
        && [meeting.participantA, meeting.participantB].every((id) => !unavailable.get(id)?.has(pin.slotId));
      if (possible) Object.assign(input, { fixedSlotId: pin.slotId, fixedTable: pin.table });
      else releasedPins.push(meeting.id);
    }
    return input;
  });
  const meetingIds = new Set(meetings.map((meeting) => meeting.id));
  const previous: Placement[] = snapshot.current
    .filter((placement) => meetingIds.has(placement.meetingId) && slotIds.has(placement.slotId) && placement.table <= snapshot.tables)
    .map((placement) => ({ meetingId: placement.meetingId, slotId: placement.slotId, table: placement.table }));
  return {
    input: {
      slots: snapshot.slots.map((slot) => ({ id: slot.id, session: slot.sessionId, tables: snapshot.tables })),
      participants: snapshot.participants.map((participant) => ({
        id: participant.id,
        availableSlotIds: participant.unavailableSlotIds.length
          ? snapshot.slots.map((slot) => slot.id).filter((id) => !unavailable.get(participant.id)!.has(id))
          : undefined,
        maxMeetings: participant.maxMeetings ?? undefined,
      })),
      meetings,
      previous: previous.length ? previous : undefined,
    },
    releasedPins,
    maxMoves: snapshot.removed + snapshot.current.filter((placement) => !meetingIds.has(placement.meetingId)).length,
  };
}
