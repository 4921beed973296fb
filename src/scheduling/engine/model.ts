/**
 * The solver's compiled model (participants, fixed-table resources and slots as
 * integer indexes, usable slots per meeting) and its mutable assignment state.
 */
import type { BreakModel } from './breaks-sat';
import type { Placement, SchedulingInput, UnplacedReason } from './types';

// Math functions as module constants: the hot loops call them millions of times, and
// under jest (a vm context) every global lookup of Math goes through an interceptor.
const { floor: M_FLOOR, imul: M_IMUL, max: M_MAX } = Math;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = M_IMUL(t ^ (t >>> 15), t | 1);
    t ^= t + M_IMUL(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NONE = -1;

/** Compiled model (the part the exact phase needs is BreakModel). */
export interface Model extends BreakModel {
  rank: Int32Array;
  nRanks: number;
  fixedTable: Int32Array;
  allowedMask: Uint8Array;
  maxMeet: Int32Array;
  requested: Int32Array;
  prevSlot: Int32Array;
  prevTable: Int32Array;
  /** reason a meeting can never be placed, or null */
  impossible: ({ reason: UnplacedReason; detail?: string } | null)[];
  meetingsOf: Int32Array[];
  /** per participant: the slots any of their meetings may use */
  usableSlots: Int32Array;
}

export function compile(input: SchedulingInput): Model {
  const S = input.slots.length;
  const slotIdx = new Map<string, number>();
  input.slots.forEach((s, i) => slotIdx.set(s.id, i));
  const sessionIdx = new Map<string, number>();
  const sessionOf = new Int32Array(S);
  const cap = new Int32Array(S);
  input.slots.forEach((s, i) => {
    if (!sessionIdx.has(s.session)) sessionIdx.set(s.session, sessionIdx.size);
    sessionOf[i] = sessionIdx.get(s.session)!;
    cap[i] = M_MAX(0, M_FLOOR(s.tables));
  });
  const P = input.participants.length;
  const partIdx = new Map<string, number>();
  input.participants.forEach((p, i) => partIdx.set(p.id, i));
  const avail = new Uint8Array(P * S);
  const maxMeet = new Int32Array(P);
  const pFixedTable = new Int32Array(P);
  input.participants.forEach((p, i) => {
    if (p.availableSlotIds === undefined) avail.fill(1, i * S, (i + 1) * S);
    else for (const id of p.availableSlotIds) {
      const s = slotIdx.get(id);
      if (s !== undefined) avail[i * S + s] = 1;
    }
    maxMeet[i] = p.maxMeetings === undefined ? 0x3fffffff : M_MAX(0, M_FLOOR(p.maxMeetings));
    pFixedTable[i] = p.fixedTable ?? 0;
  });
  const M = input.meetings.length;
  const ma = new Int32Array(M).fill(NONE);
  const mb = new Int32Array(M).fill(NONE);
  const mr = new Int32Array(M).fill(NONE);
  const rank = new Int32Array(M);
  const fixedSlot = new Int32Array(M).fill(NONE);
  const fixedTable = new Int32Array(M);
  const prevSlot = new Int32Array(M).fill(NONE);
  const prevTable = new Int32Array(M);
  const allowed: Int32Array[] = new Array(M);
  const allowedMask = new Uint8Array(M * S);
  const impossible: Model['impossible'] = new Array(M).fill(null);
  const requested = new Int32Array(P);
  const prios = [...new Set(input.meetings.map((m) => m.priority ?? 1))].sort((x, y) => x - y);
  const prioRank = new Map<number, number>();
  prios.forEach((p, i) => prioRank.set(p, i));
  const tableRes = new Map<number, number>();
  const meetIdx = new Map<string, number>();
  input.meetings.forEach((m, i) => meetIdx.set(m.id, i));
  const prevById = new Map<string, Placement>();
  for (const pl of input.previous ?? []) prevById.set(pl.meetingId, pl);

  const tmp: number[] = [];
  input.meetings.forEach((m, i) => {
    rank[i] = prioRank.get(m.priority ?? 1)!;
    const a = partIdx.get(m.participantIds[0]);
    const b = partIdx.get(m.participantIds[1]);
    if (a === undefined || b === undefined) {
      impossible[i] = {
        reason: 'unknown_participant',
        detail: `unknown participant ${a === undefined ? m.participantIds[0] : m.participantIds[1]}`,
      };
      allowed[i] = new Int32Array(0);
      return;
    }
    ma[i] = a;
    mb[i] = b;
    requested[a]++;
    requested[b]++;
    // effective fixed table
    const cands = [m.fixedTable ?? 0, pFixedTable[a], pFixedTable[b]].filter((t) => t > 0);
    const ft = cands.length ? cands[0] : 0;
    if (cands.some((t) => t !== ft)) {
      impossible[i] = {
        reason: 'fixed_placement_conflict',
        detail: `conflicting fixed tables ${[...new Set(cands)].join(' / ')}`,
      };
      allowed[i] = new Int32Array(0);
      return;
    }
    fixedTable[i] = ft;
    if (ft > 0) {
      if (!tableRes.has(ft)) tableRes.set(ft, P + tableRes.size);
      mr[i] = tableRes.get(ft)!;
    }
    const sess = m.sessionIds ? new Set(m.sessionIds) : null;
    const only = m.allowedSlotIds ? new Set(m.allowedSlotIds) : null;
    const fs = m.fixedSlotId !== undefined ? slotIdx.get(m.fixedSlotId)! : NONE;
    fixedSlot[i] = fs;
    tmp.length = 0;
    let commonNoTable = 0;
    for (let s = 0; s < S; s++) {
      if (fs !== NONE && s !== fs) continue;
      if (!avail[a * S + s] || !avail[b * S + s]) continue;
      if (sess && !sess.has(input.slots[s].session)) continue;
      if (only && !only.has(input.slots[s].id)) continue;
      if (cap[s] <= 0 || (ft > 0 && ft > cap[s])) {
        commonNoTable++;
        continue;
      }
      tmp.push(s);
      allowedMask[i * S + s] = 1;
    }
    allowed[i] = Int32Array.from(tmp);
    if (tmp.length === 0) {
      impossible[i] =
        commonNoTable > 0
          ? { reason: 'no_table', detail: ft > 0 ? `table ${ft} does not exist in the common slots` : 'the common slots have no tables' }
          : fs !== NONE
          ? { reason: 'fixed_placement_conflict', detail: `fixed slot ${m.fixedSlotId} is not usable by both participants` }
          : { reason: 'no_common_free_slot', detail: 'no slot where both participants are available' };
    }
    const pv = prevById.get(m.id);
    if (pv) {
      const ps = slotIdx.get(pv.slotId);
      if (ps !== undefined) {
        prevSlot[i] = ps;
        prevTable[i] = pv.table;
      }
    }
  });
  const lists: number[][] = Array.from({ length: P }, () => []);
  for (let i = 0; i < M; i++) if (ma[i] !== NONE) {
    lists[ma[i]].push(i);
    lists[mb[i]].push(i);
  }
  const usableSlots = new Int32Array(P);
  const seenBy = new Int32Array(S).fill(NONE);
  for (let p = 0; p < P; p++) for (const x of lists[p]) {
    const al = allowed[x];
    for (let k = 0; k < al.length; k++) if (seenBy[al[k]] !== p) {
      seenBy[al[k]] = p;
      usableSlots[p]++;
    }
  }
  return {
    S, P, R: P + tableRes.size, M, sessionOf, cap, ma, mb, mr, rank, nRanks: prios.length, fixedSlot, fixedTable,
    allowed, allowedMask, maxMeet, requested, prevSlot, prevTable, impossible,
    meetingsOf: lists.map((l) => Int32Array.from(l)), usableSlots,
  };
}

/** Mutable assignment state. */
export class State {
  slotOf: Int32Array;
  occ: Int32Array; // R*S, meeting+1 or 0
  cnt: Int32Array;
  placedCount: Int32Array; // per participant
  placedByRank: Int32Array;
  /** meetings per slot, with positions for O(1) removal */
  inSlot: Int32Array[];
  posInSlot: Int32Array;
  constructor(readonly m: Model) {
    this.slotOf = new Int32Array(m.M).fill(NONE);
    this.occ = new Int32Array(m.R * m.S);
    this.cnt = new Int32Array(m.S);
    this.placedCount = new Int32Array(m.P);
    this.placedByRank = new Int32Array(m.nRanks);
    this.inSlot = Array.from({ length: m.S }, (_, s) => new Int32Array(M_MAX(1, m.cap[s])));
    this.posInSlot = new Int32Array(m.M).fill(NONE);
  }
  place(i: number, s: number): void {
    const m = this.m;
    const S = m.S;
    this.slotOf[i] = s;
    this.occ[m.ma[i] * S + s] = i + 1;
    this.occ[m.mb[i] * S + s] = i + 1;
    if (m.mr[i] !== NONE) this.occ[m.mr[i] * S + s] = i + 1;
    this.posInSlot[i] = this.cnt[s];
    this.inSlot[s][this.cnt[s]++] = i;
    this.placedCount[m.ma[i]]++;
    this.placedCount[m.mb[i]]++;
    this.placedByRank[m.rank[i]]++;
  }
  remove(i: number): void {
    const m = this.m;
    const S = m.S;
    const s = this.slotOf[i];
    this.slotOf[i] = NONE;
    this.occ[m.ma[i] * S + s] = 0;
    this.occ[m.mb[i] * S + s] = 0;
    if (m.mr[i] !== NONE) this.occ[m.mr[i] * S + s] = 0;
    const p = this.posInSlot[i];
    const last = this.inSlot[s][--this.cnt[s]];
    this.inSlot[s][p] = last;
    this.posInSlot[last] = p;
    this.posInSlot[i] = NONE;
    this.placedCount[m.ma[i]]--;
    this.placedCount[m.mb[i]]--;
    this.placedByRank[m.rank[i]]--;
  }
  /** Can meeting i go to slot s with no ejection? */
  fits(i: number, s: number): boolean {
    const m = this.m;
    const S = m.S;
    if (!m.allowedMask[i * S + s] || this.cnt[s] >= m.cap[s]) return false;
    if (this.occ[m.ma[i] * S + s] || this.occ[m.mb[i] * S + s]) return false;
    if (m.mr[i] !== NONE && this.occ[m.mr[i] * S + s]) return false;
    if (this.placedCount[m.ma[i]] >= m.maxMeet[m.ma[i]] || this.placedCount[m.mb[i]] >= m.maxMeet[m.mb[i]]) return false;
    return true;
  }
  load(slots: Int32Array): void {
    for (let i = 0; i < this.m.M; i++) if (this.slotOf[i] !== NONE) this.remove(i);
    for (let i = 0; i < this.m.M; i++) if (slots[i] !== NONE) this.place(i, slots[i]);
  }
}
