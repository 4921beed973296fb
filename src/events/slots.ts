export interface TimeRange {
  startsAt: Date;
  endsAt: Date;
}

const MINUTE = 60_000;

/**
 * A slot occupies meeting length plus changeover; a slot whose meeting and
 * changeover do not both fit before its session ends is dropped. A slot's
 * endsAt is the end of the meeting itself (what a calendar shows). Instants
 * are stepped in real minutes, so a session across a daylight-saving change
 * still gets evenly spaced slots.
 */
export function deriveSlots(session: TimeRange, meetingMinutes: number, changeoverMinutes: number): TimeRange[] {
  const step = (meetingMinutes + changeoverMinutes) * MINUTE;
  const slots: TimeRange[] = [];
  for (let start = session.startsAt.getTime(); start + step <= session.endsAt.getTime(); start += step) {
    slots.push({ startsAt: new Date(start), endsAt: new Date(start + meetingMinutes * MINUTE) });
  }
  return slots;
}
