/**
 * Loader for the b2bsp MiniZinc data files (Bofill et al., JAIR 2022).
 *
 * Mapping: participants "1".."nBusiness", slots "1".."nTotalSlots" (tables per
 * slot = nTables), forbidden slots become availability, a repeated pair gives
 * two separate meetings ("m1".."mN" in file order).
 *
 * Break counting: by default (breaksAcrossSessions = true) every slot is put in
 * ONE session "day", so a gap between the last morning and first afternoon
 * meeting counts as a break, as in the paper's model (breaks over the whole
 * sequence 1..nTotalSlots). This is the definition that reproduces the published
 * optima (measured, see b2bsp.spec.ts). The morning (s=1) / afternoon (s=2)
 * restriction of a meeting is then expressed with `allowedSlotIds` rather than
 * with sessionIds. With breaksAcrossSessions = false, slots get the sessions
 * "morning" / "afternoon" and the restriction uses sessionIds instead.
 */
import { MeetingInput, ParticipantInput, SchedulingInput, SlotInput } from './types';

export interface DznData {
  nBusiness: number;
  nMeetings: number;
  nTables: number;
  nTotalSlots: number;
  nMorningSlots: number;
  /** [a, b, s] with s = 1 morning only, 2 afternoon only, 3 any. */
  requested: [number, number, number][];
  /** Per participant (index 0 = participant 1): forbidden slots (1-based, 0 removed). */
  forbidden: number[][];
}

function stripComments(text: string): string {
  return text.replace(/%[^\n]*/g, '');
}

function scalar(text: string, name: string): number {
  const m = new RegExp(`(?:^|[;\\s])${name}\\s*=\\s*(-?\\d+)\\s*;`).exec(text);
  if (!m) throw new Error(`dzn: missing integer ${name}`);
  return Number(m[1]);
}

function rhs(text: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[;\\s])${name}\\s*=([^;]*);`).exec(text);
  return m ? m[1] : undefined;
}

export function parseDznData(text: string): DznData {
  const t = stripComments(text);
  const nBusiness = scalar(t, 'nBusiness');
  const nMeetings = scalar(t, 'nMeetings');
  const nTables = scalar(t, 'nTables');
  const nTotalSlots = scalar(t, 'nTotalSlots');
  const nMorningSlots = scalar(t, 'nMorningSlots');
  const req = rhs(t, 'requested');
  if (req === undefined) throw new Error('dzn: missing requested');
  const nums = (req.match(/-?\d+/g) ?? []).map(Number);
  if (nums.length % 3 !== 0) throw new Error('dzn: requested is not a list of triples');
  const requested: [number, number, number][] = [];
  for (let i = 0; i < nums.length; i += 3) requested.push([nums[i], nums[i + 1], nums[i + 2]]);
  if (requested.length !== nMeetings) {
    throw new Error(`dzn: nMeetings = ${nMeetings} but requested has ${requested.length} rows`);
  }
  const forb = rhs(t, 'forbidden');
  const forbidden: number[][] = [];
  if (forb !== undefined) {
    const sets = forb.match(/\{[^}]*\}/g) ?? [];
    for (const set of sets) {
      forbidden.push((set.match(/\d+/g) ?? []).map(Number).filter((x) => x >= 1 && x <= nTotalSlots));
    }
    if (forbidden.length !== nBusiness) {
      throw new Error(`dzn: forbidden has ${forbidden.length} sets for ${nBusiness} participants`);
    }
  } else {
    for (let i = 0; i < nBusiness; i++) forbidden.push([]);
  }
  for (const [a, b, s] of requested) {
    if (a < 1 || a > nBusiness || b < 1 || b > nBusiness || a === b) throw new Error(`dzn: bad meeting ${a}-${b}`);
    if (s !== 1 && s !== 2 && s !== 3) throw new Error(`dzn: bad session code ${s} for ${a}-${b}`);
  }
  return { nBusiness, nMeetings, nTables, nTotalSlots, nMorningSlots, requested, forbidden };
}

export interface DznOptions {
  /** Count breaks over the whole slot sequence (default true, the benchmark's definition). */
  breaksAcrossSessions?: boolean;
}

export function dznToInput(d: DznData, options: DznOptions = {}): SchedulingInput {
  const across = options.breaksAcrossSessions ?? true;
  const slots: SlotInput[] = [];
  for (let s = 1; s <= d.nTotalSlots; s++) {
    const session = across ? 'day' : s <= d.nMorningSlots ? 'morning' : 'afternoon';
    slots.push({ id: String(s), session, tables: d.nTables });
  }
  const morning: string[] = [];
  const afternoon: string[] = [];
  for (let s = 1; s <= d.nTotalSlots; s++) (s <= d.nMorningSlots ? morning : afternoon).push(String(s));
  const participants: ParticipantInput[] = [];
  for (let p = 1; p <= d.nBusiness; p++) {
    const forb = new Set(d.forbidden[p - 1]);
    const part: ParticipantInput = { id: String(p) };
    if (forb.size > 0) part.availableSlotIds = slots.map((s) => s.id).filter((id) => !forb.has(Number(id)));
    participants.push(part);
  }
  const meetings: MeetingInput[] = d.requested.map(([a, b, s], i) => {
    const m: MeetingInput = { id: `m${i + 1}`, participantIds: [String(a), String(b)] };
    if (s === 1 || s === 2) {
      if (across) m.allowedSlotIds = s === 1 ? morning : afternoon;
      else m.sessionIds = [s === 1 ? 'morning' : 'afternoon'];
    }
    return m;
  });
  return { slots, participants, meetings };
}

export function parseDzn(text: string, options: DznOptions = {}): SchedulingInput {
  return dznToInput(parseDznData(text), options);
}
