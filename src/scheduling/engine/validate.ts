/**
 * Independent checker of the hard rules and calculator of a schedule's figures.
 * Deliberately written without sharing code with the solver.
 */
import { countBreaks } from './breaks';
import type { Placement, ScheduleFigures, SchedulingInput } from './types';

/** Session index per slot index (sessions numbered in order of first appearance). */
export function sessionIndexOfSlots(input: SchedulingInput): number[] {
  const idx = new Map<string, number>();
  return input.slots.map((s) => {
    let k = idx.get(s.session);
    if (k === undefined) idx.set(s.session, (k = idx.size));
    return k;
  });
}

/**
 * Every violated hard rule, as a readable sentence; empty when the placements
 * obey all of them. Not placing a meeting (even a fixed one) is never a
 * violation; a placed fixed meeting must be exactly where it is fixed.
 */
export function checkHardRules(input: SchedulingInput, placed: Placement[]): string[] {
  const errors: string[] = [];
  const slotIdx = new Map<string, number>();
  input.slots.forEach((s, i) => slotIdx.set(s.id, i));
  const participants = new Map(input.participants.map((p) => [p.id, p]));
  const meetings = new Map(input.meetings.map((m) => [m.id, m]));

  const seen = new Set<string>();
  const busy = new Map<string, string>(); // `${participant}\u0000${slot}` -> meeting
  const tableUse = new Map<string, string>(); // `${slot}\u0000${table}` -> meeting
  const perSlot = new Map<string, number>();
  const perParticipant = new Map<string, number>();

  for (const pl of placed) {
    const m = meetings.get(pl.meetingId);
    if (!m) {
      errors.push(`unknown meeting ${pl.meetingId} placed`);
      continue;
    }
    if (seen.has(pl.meetingId)) {
      errors.push(`meeting ${pl.meetingId} placed more than once`);
      continue;
    }
    seen.add(pl.meetingId);
    const s = slotIdx.get(pl.slotId);
    if (s === undefined) {
      errors.push(`meeting ${m.id} placed in unknown slot ${pl.slotId}`);
      continue;
    }
    const slot = input.slots[s];
    if (!Number.isInteger(pl.table) || pl.table < 1 || pl.table > slot.tables) {
      errors.push(`meeting ${m.id} at table ${pl.table} in slot ${slot.id}, which has tables 1..${slot.tables}`);
    }
    const tk = `${slot.id}\u0000${pl.table}`;
    const other = tableUse.get(tk);
    if (other !== undefined) errors.push(`meetings ${other} and ${m.id} share table ${pl.table} in slot ${slot.id}`);
    else tableUse.set(tk, m.id);
    const n = (perSlot.get(slot.id) ?? 0) + 1;
    perSlot.set(slot.id, n);
    if (n > slot.tables && !(n - 1 > slot.tables)) errors.push(`more than ${slot.tables} meetings in slot ${slot.id}`);

    if (m.fixedSlotId !== undefined && m.fixedSlotId !== pl.slotId) {
      errors.push(`fixed meeting ${m.id} placed in slot ${pl.slotId} instead of ${m.fixedSlotId}`);
    }
    if (m.fixedTable !== undefined && m.fixedTable !== pl.table) {
      errors.push(`fixed meeting ${m.id} placed at table ${pl.table} instead of ${m.fixedTable}`);
    }
    if (m.sessionIds !== undefined && !m.sessionIds.includes(slot.session)) {
      errors.push(`meeting ${m.id} placed in session ${slot.session}, allowed: ${m.sessionIds.join(', ')}`);
    }
    if (m.allowedSlotIds !== undefined && !m.allowedSlotIds.includes(slot.id)) {
      errors.push(`meeting ${m.id} placed in slot ${slot.id}, not among its allowed slots`);
    }
    const [a, b] = m.participantIds;
    if (a === b) errors.push(`meeting ${m.id} has the same participant ${a} twice`);
    for (const pid of a === b ? [a] : [a, b]) {
      const p = participants.get(pid);
      if (!p) {
        errors.push(`meeting ${m.id} has unknown participant ${pid}`);
        continue;
      }
      if (p.availableSlotIds !== undefined && !p.availableSlotIds.includes(slot.id)) {
        errors.push(`participant ${pid} not available in slot ${slot.id} (meeting ${m.id})`);
      }
      if (p.fixedTable !== undefined && p.fixedTable !== pl.table) {
        errors.push(`participant ${pid} hosts at table ${p.fixedTable} but meeting ${m.id} is at table ${pl.table}`);
      }
      const bk = `${pid}\u0000${slot.id}`;
      const clash = busy.get(bk);
      if (clash !== undefined) errors.push(`participant ${pid} in two meetings (${clash}, ${m.id}) in slot ${slot.id}`);
      else busy.set(bk, m.id);
      const c = (perParticipant.get(pid) ?? 0) + 1;
      perParticipant.set(pid, c);
      if (p.maxMeetings !== undefined && c > p.maxMeetings && !(c - 1 > p.maxMeetings)) {
        errors.push(`participant ${pid} has more than ${p.maxMeetings} meetings`);
      }
    }
  }
  return errors;
}

/** Per participant of the placed meetings: slot indices, sorted, and tables. */
function participantSchedules(
  input: SchedulingInput,
  placed: Placement[],
): Map<string, Array<{ slot: number; table: number }>> {
  const slotIdx = new Map<string, number>();
  input.slots.forEach((s, i) => slotIdx.set(s.id, i));
  const meetings = new Map(input.meetings.map((m) => [m.id, m]));
  const out = new Map<string, Array<{ slot: number; table: number }>>();
  for (const p of input.participants) out.set(p.id, []);
  const seen = new Set<string>();
  for (const pl of placed) {
    const m = meetings.get(pl.meetingId);
    const s = slotIdx.get(pl.slotId);
    if (!m || s === undefined || seen.has(pl.meetingId)) continue;
    seen.add(pl.meetingId);
    const [a, b] = m.participantIds;
    for (const pid of a === b ? [a] : [a, b]) {
      let l = out.get(pid);
      if (!l) out.set(pid, (l = []));
      l.push({ slot: s, table: pl.table });
    }
  }
  for (const l of out.values()) l.sort((x, y) => x.slot - y.slot);
  return out;
}

/**
 * Breaks per participant (every participant of the input, 0 if idle), with the
 * definition of ./breaks countBreaks. Placements of unknown meetings or slots
 * and repeated placements of a meeting are ignored.
 */
export function computeBreaks(input: SchedulingInput, placed: Placement[]): Map<string, number> {
  const sessionOf = sessionIndexOfSlots(input);
  const res = new Map<string, number>();
  for (const [pid, l] of participantSchedules(input, placed)) {
    res.set(
      pid,
      countBreaks(
        l.map((x) => x.slot),
        sessionOf,
      ),
    );
  }
  return res;
}

/**
 * Figures of a schedule. Conventions:
 *  - placed = number of distinct known meetings placed;
 *  - maxBreaks / breakSpread over participants with >= 1 placed meeting (0 if none);
 *  - worstParticipantShare over participants of the input with >= 1 requested
 *    meeting (1 if none; ids unknown to input.participants are ignored);
 *  - moved counts placements of `previous` whose meeting still exists in the
 *    input and is now unplaced or in another slot or at another table (a meeting
 *    removed from the input is not counted as moved);
 *  - tableChanges: for each participant, consecutive placed meetings (in slot
 *    order) in the same session at different tables.
 */
export function computeFigures(
  input: SchedulingInput,
  placed: Placement[],
  extras: { upperBound: number; runTimeMs: number; breaksLowerBound?: number },
): ScheduleFigures {
  const sessionOf = sessionIndexOfSlots(input);
  const meetingIds = new Set(input.meetings.map((m) => m.id));
  const slotIds = new Set(input.slots.map((s) => s.id));
  const byMeeting = new Map<string, Placement>();
  for (const pl of placed) {
    if (meetingIds.has(pl.meetingId) && slotIds.has(pl.slotId) && !byMeeting.has(pl.meetingId)) {
      byMeeting.set(pl.meetingId, pl);
    }
  }

  const schedules = participantSchedules(input, placed);
  let breaks = 0;
  let maxBreaks = 0;
  let minBreaks = Infinity;
  let tableChanges = 0;
  for (const l of schedules.values()) {
    if (l.length === 0) continue;
    const b = countBreaks(
      l.map((x) => x.slot),
      sessionOf,
    );
    breaks += b;
    if (b > maxBreaks) maxBreaks = b;
    if (b < minBreaks) minBreaks = b;
    for (let i = 1; i < l.length; i++) {
      if (sessionOf[l[i - 1].slot] === sessionOf[l[i].slot] && l[i - 1].table !== l[i].table) tableChanges++;
    }
  }
  const breakSpread = minBreaks === Infinity ? 0 : maxBreaks - minBreaks;

  const requested = new Map<string, number>();
  const got = new Map<string, number>();
  const known = new Set(input.participants.map((p) => p.id));
  for (const m of input.meetings) {
    const [a, b] = m.participantIds;
    for (const pid of a === b ? [a] : [a, b]) {
      if (!known.has(pid)) continue;
      requested.set(pid, (requested.get(pid) ?? 0) + 1);
      if (byMeeting.has(m.id)) got.set(pid, (got.get(pid) ?? 0) + 1);
    }
  }
  let worstParticipantShare = 1;
  for (const [pid, r] of requested) {
    const share = (got.get(pid) ?? 0) / r;
    if (share < worstParticipantShare) worstParticipantShare = share;
  }

  let moved = 0;
  for (const prev of input.previous ?? []) {
    if (!meetingIds.has(prev.meetingId)) continue;
    const now = byMeeting.get(prev.meetingId);
    if (!now || now.slotId !== prev.slotId || now.table !== prev.table) moved++;
  }

  return {
    requested: input.meetings.length,
    placed: byMeeting.size,
    upperBound: extras.upperBound,
    breaks,
    breaksLowerBound: extras.breaksLowerBound ?? 0,
    maxBreaks,
    breakSpread,
    worstParticipantShare,
    moved,
    tableChanges,
    runTimeMs: extras.runTimeMs,
  };
}
