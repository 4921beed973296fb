/**
 * Core solver of the meeting scheduling engine (pure TypeScript, no I/O).
 *
 * Algorithm:
 *  1. Compile the input into flat typed arrays. Every meeting uses up to three
 *     "resources" per slot: its two participants, plus a pseudo-resource for
 *     its fixed table (if any) so that two meetings pinned to the same table
 *     never share a slot. Table capacity per slot is a count constraint.
 *  2. Placement (objective 1): fixed meetings, then still-valid meetings of
 *     `previous` (same slot), then a greedy pass (highest priority first; meetings
 *     of over-demanded people last, b-matching style; most constrained first;
 *     round robin over people when tables are the bottleneck), then ejection
 *     chains with rollback (put an unplaced meeting where exactly one meeting is
 *     in the way, go on with the ejected one or with an unplaced meeting of its
 *     other participant; keep the chain only if the per-priority placed counts
 *     improve), then a short tabu search. Small events restart this a few times.
 *  3. Breaks (objectives 2-4): a slot-by-slot constructive pass (people who were
 *     busy in the previous slot first) may give a better start, then simulated
 *     annealing over the slots of placed meetings with Kempe-chain moves between
 *     two slots (relocation and swaps are special cases; a random meeting of a
 *     full slot is added as a second seed) plus rare whole-slot permutations.
 *     Most moves are targeted at people with breaks. The set of placed meetings
 *     never changes here. Cost = breaks + 3 * breaks above maxBreakSpread per
 *     person (+ 0.5 per meeting of `previous` moved away from its slot); idle
 *     slots inside gaps add 0.6 each to the acceptance test only, to guide the
 *     search. Deltas are computed on the few people a move touches (from
 *     per-person bit masks of occupied slots, whole sessions in 31-bit words:
 *     popcounts per session).
 *  4. Tables: per slot, fixed tables first, then previous tables, then a
 *     maximum matching onto the tables the participants used just before in
 *     the same session, else the lowest free table.
 * Deterministic: seeded PRNG (mulberry32); stopping is iteration based, the
 * time budget (less a margin, see runSolver) is a safety cap that also speeds up the
 * cooling when it binds (then results depend on machine speed).
 * index.ts may run several of these searches at once (portfolio.ts).
 */
import { exactBreaks, personBreaks, type BreakModel } from './breaks-sat';
import { Placement, SchedulingInput, SolveOptions, UnplacedReason } from './types';

// Math functions as module constants: the hot loops call them millions of times, and
// under jest (a vm context) every global lookup of Math goes through an interceptor.
const { abs: M_ABS, clz32: M_CLZ32, exp: M_EXP, floor: M_FLOOR, imul: M_IMUL, max: M_MAX, min: M_MIN, pow: M_POW, round: M_ROUND } = Math;

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

export interface SolverOutput {
  placed: Placement[];
  unplaced: { meetingIndex: number; reason: UnplacedReason; detail?: string }[];
}

const NONE = -1;
/** Events up to this many meetings get the exact (SAT) break phase after annealing. */
const EXACT_MAX_MEETINGS = 3000;
/** Conflict limit of that phase at effort 1 (the clock usually ends it first). */
const EXACT_CONFLICTS = 200000;
/**
 * Share of the improvement time for annealing when the exact phase follows: the
 * SAT search needs a good schedule to start from (b2bsp, 20 seeds, 8 varying
 * instances: 52 of 160 runs at the optimum with 0.7, 49 with 0.4).
 */
const ANNEAL_SHARE = 0.7;
/**
 * Events up to this many meetings search for 90% of the budget instead of 80%:
 * their bound, tables and figures take 25-45 ms after the deadline (b2bsp,
 * measured), against 100-150 ms at 1,000-3,000 meetings. The extra time goes to
 * the exact phase (annealing ends at its iteration limit after about 0.8 s). Runs
 * at the optimum do not change measurably (b2bsp, seeds 1-6: 96 of 120 against 94),
 * runs within optimum + 2 do: seeds 1-18, forum-13crafb 13 of 18 against 9,
 * ticf-13crafb 12 of 18 against 3 (the other 18 instances: all runs either way).
 */
const SMALL_EVENT_MEETINGS = 500;
/**
 * Margin for the tables, the reasons and the figures after the search, per meeting
 * of the input (index.ts computes the bound before the search): they took 0.55 s at
 * 100,000 meetings (generated 10,000-person event), here doubled for slower runs.
 */
const POST_MS_PER_MEETING = 0.01;
/** Meetings placed by the constructive restarts in all (tries = this / meetings, at most 10). */
const CONSTRUCT_WORK = 20000;
/** Time left after annealing that is worth an exact phase in a search that did not ask for one. */
const EXACT_MIN_MS = 200;

/** Compiled model (the part the exact phase needs is BreakModel). */
interface Model extends BreakModel {
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

function compile(input: SchedulingInput): Model {
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
class State {
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

/**
 * How many meetings each participant could have at most: the slots any of
 * their meetings may use, capped by their maximum.
 */
function meetingCapacity(model: Model): Int32Array {
  return model.usableSlots.map((c, p) => M_MIN(c, model.maxMeet[p]));
}

function better(a: Int32Array, b: Int32Array): number {
  for (let r = a.length - 1; r >= 0; r--) if (a[r] !== b[r]) return a[r] - b[r];
  return 0;
}

export interface InternalOptions extends SolveOptions {
  /** Iteration multiplier for the break phase (tests may lower it). */
  effort?: number;
  /** Date.now() when the solve started (all searches of a portfolio share the clock). */
  startedAt?: number;
  /** Shorter annealing, then the exact SAT break phase (breaks-sat.ts) for the rest of the time. */
  exactPhase?: boolean;
  /**
   * Shared by the searches of a portfolio: a search whose schedule provably cannot
   * be beaten sets it, and the others then end their annealing early.
   */
  stopFlag?: Int32Array;
}

export function runSolver(input: SchedulingInput, options: InternalOptions = {}): SolverOutput {
  const t0 = options.startedAt ?? Date.now();
  const budget = options.timeBudgetMs ?? 2000;
  // keep a margin of the budget for the bound, the tables and the figures
  const share = input.meetings.length <= SMALL_EVENT_MEETINGS ? 0.9 : 0.8;
  const reserve = M_MAX(budget * (1 - share), POST_MS_PER_MEETING * input.meetings.length);
  const deadline = t0 + M_MAX(1, M_FLOOR(budget - reserve));
  const rnd = mulberry32((options.seed ?? 1) * 2654435761 + 12345);
  const d = options.maxBreakSpread ?? 2;
  const effort = options.effort ?? 1;
  const model = compile(input);
  const { S, M, ma, mb, rank, allowed, cap, fixedSlot } = model;
  const st = new State(model);
  const progress = (percent: number, breaks: number) => {
    if (options.onProgress) {
      let placed = 0;
      for (let i = 0; i < M; i++) if (st.slotOf[i] !== NONE) placed++;
      options.onProgress({ percent, placed, breaks });
    }
  };
  const fixedConflict: (string | null)[] = new Array(M).fill(null);

  // ---- 1. fixed meetings
  for (let i = 0; i < M; i++) {
    if (model.impossible[i] || fixedSlot[i] === NONE) continue;
    const s = fixedSlot[i];
    if (st.fits(i, s)) st.place(i, s);
    else fixedConflict[i] = 'fixed slot clashes with another fixed meeting, a table or a participant maximum';
  }
  const movable = (i: number) => fixedSlot[i] === NONE;

  // ---- previous placements that still fit
  const hasPrev = (input.previous?.length ?? 0) > 0;
  if (hasPrev) {
    const order: number[] = [];
    for (let i = 0; i < M; i++) if (!model.impossible[i] && movable(i) && model.prevSlot[i] !== NONE) order.push(i);
    order.sort((x, y) => rank[y] - rank[x] || x - y);
    for (const i of order) if (st.fits(i, model.prevSlot[i])) st.place(i, model.prevSlot[i]);
  }

  // ---- greedy
  const deg = new Int32Array(model.P);
  for (let i = 0; i < M; i++) if (ma[i] !== NONE) {
    deg[ma[i]]++;
    deg[mb[i]]++;
  }
  const greedyOrder: number[] = [];
  for (let i = 0; i < M; i++) if (!model.impossible[i] && st.slotOf[i] === NONE && !fixedConflict[i]) greedyOrder.push(i);
  const tieKey = new Float64Array(M);
  for (let i = 0; i < M; i++) tieKey[i] = rnd();
  // demand / capacity of each participant: capacity of over-demanded people is
  // best spent on partners who are not over-demanded themselves (b-matching logic)
  const pCap = meetingCapacity(model);
  const over = (p: number) => (deg[p] > pCap[p] ? 1 : 0);
  const pressure = (i: number) => M_MAX(deg[ma[i]] / M_MAX(1, pCap[ma[i]]), deg[mb[i]] / M_MAX(1, pCap[mb[i]]));
  const pres = new Float64Array(M);
  for (let i = 0; i < M; i++) if (ma[i] !== NONE) pres[i] = over(ma[i]) + over(mb[i]) + (over(ma[i]) + over(mb[i]) > 0 ? M_MIN(0.99, pressure(i) / 100) : 0);
  // When tables are the bottleneck, the placed set is ours to choose: go round
  // robin over participants (each one's k-th request, as a share of its requests)
  // so that nobody is left with nothing while others get everything.
  let capSum = 0;
  for (let s = 0; s < S; s++) capSum += cap[s];
  if (capSum < greedyOrder.length) {
    const pos = new Int32Array(model.P);
    const shuffled = greedyOrder.slice().sort((x, y) => tieKey[x] - tieKey[y]);
    const fr = new Float64Array(M);
    for (const i of shuffled) {
      const a = ma[i];
      const b = mb[i];
      fr[i] = M_MAX(pos[a]++ / M_MAX(1, deg[a]), pos[b]++ / M_MAX(1, deg[b]));
    }
    for (const i of greedyOrder) pres[i] = fr[i];
  }
  greedyOrder.sort(
    (x, y) =>
      rank[y] - rank[x] ||
      pres[x] - pres[y] ||
      allowed[x].length - allowed[y].length ||
      deg[ma[y]] + deg[mb[y]] - deg[ma[x]] - deg[mb[x]] ||
      tieKey[x] - tieKey[y],
  );
  const adjacency = (p: number, s: number): number => {
    let v = 0;
    const row = p * S;
    if (s > 0 && model.sessionOf[s - 1] === model.sessionOf[s] && st.occ[row + s - 1]) v++;
    if (s + 1 < S && model.sessionOf[s + 1] === model.sessionOf[s] && st.occ[row + s + 1]) v++;
    return v;
  };
  const dbg = process.env.SCHED_DEBUG ? (msg: string) => console.error(`[solver ${Date.now() - t0}ms] ${msg}`) : () => {};
  const baseSlots = Int32Array.from(st.slotOf);
  // Small events: restart placement (greedy in a shuffled order within a priority
  // + chains + tabu) several times and keep the lexicographically best.
  const restarts = M <= 60 ? 25 : 1;
  let bestPlacement: Int32Array | null = null;
  const bestByRank = new Int32Array(model.nRanks).fill(-1);
  for (let attempt = 0; attempt < restarts; attempt++) {
    if (attempt > 0) {
      st.load(baseSlots);
      for (let i = 0; i < M; i++) tieKey[i] = rnd();
      greedyOrder.sort((x, y) => rank[y] - rank[x] || tieKey[x] - tieKey[y]);
    }
    for (const i of greedyOrder) {
      let best = NONE;
      let bestScore = -Infinity;
      for (const s of allowed[i]) {
        if (!st.fits(i, s)) continue;
        const sc = adjacency(ma[i], s) + adjacency(mb[i], s) - (2 * st.cnt[s]) / (cap[s] + 1) + rnd() * 0.5;
        if (sc > bestScore) {
          bestScore = sc;
          best = s;
        }
      }
      if (best !== NONE) st.place(i, best);
    }
    if (attempt === 0) {
      progress(20, 0);
      dbg(`greedy placed ${st.placedByRank.reduce((a, b) => a + b, 0)}`);
    }
    // ---- ejection-chain repair, then a short tabu search
    chainRepair(model, st, rnd, fixedConflict, deadline, effort);
    dbg(`chains placed ${st.placedByRank.reduce((a, b) => a + b, 0)}`);
    repair(model, st, rnd, fixedConflict, deadline, effort);
    dbg(`repair placed ${st.placedByRank.reduce((a, b) => a + b, 0)}`);
    if (better(st.placedByRank, bestByRank) > 0) {
      bestByRank.set(st.placedByRank);
      bestPlacement = restarts > 1 ? Int32Array.from(st.slotOf) : null;
    }
    let all = true;
    for (const i of greedyOrder) if (st.slotOf[i] === NONE) {
      all = false;
      break;
    }
    if (all || Date.now() > deadline) break;
  }
  if (bestPlacement && better(st.placedByRank, bestByRank) < 0) st.load(bestPlacement);
  progress(40, 0);

  // ---- constructive restart for breaks: slot-by-slot greedy keeping people busy
  if (!hasPrev) {
    // A try wins on small events (b2bsp: about 1 in 8, from 50 to 30 breaks) but has not on
    // generated events of 300-2,000 people, where it costs 60-110 ms at 20,000 meetings:
    // a fixed amount of work, not of time, so that the result stays deterministic.
    const tries = M_MIN(10, M_FLOOR(CONSTRUCT_WORK / M_MAX(1, M)));
    let bestC: Int32Array | null = null;
    let bestB = breaksOf(model, st.slotOf);
    for (let k = 0; k < tries; k++) {
      const c = construct(model, st, rnd);
      if (!c) continue;
      const b = breaksOf(model, c);
      if (b < bestB) {
        bestB = b;
        bestC = c;
      }
    }
    dbg(`construct: greedy breaks ${breaksOf(model, st.slotOf)}, best constructed ${bestC ? bestB : 'none better'}`);
    if (bestC) st.load(bestC);
  }

  // ---- break minimisation by simulated annealing
  // (one long run beats several short restarts, measured on the b2bsp set)
  // Rescheduling: meetings of `previous` may move to close the gaps a change leaves,
  // since breaks come before moves in the objective, but at most maxMoves of them, by
  // default as many as the placements the change itself removed (previous meetings
  // no longer requested).
  const known = new Set(input.meetings.map((m) => m.id));
  const moveBudget = options.maxMoves ?? (input.previous ?? []).filter((p) => !known.has(p.meetingId)).length;
  // Small events, when asked: annealing first (a good schedule fast), then the
  // exact SAT phase from that schedule for the rest of the budget. The annealer may
  // also end at its iteration budget long before the deadline (with the service's
  // 5 s budget, after about 1.2-1.7 s on forum-13crafb): then a search that did not
  // ask goes on with the exact phase too, for at most twice the time spent so far
  // (a small event's solve stays short when no proof comes).
  const exactFits = !hasPrev && M <= EXACT_MAX_MEETINGS;
  const exactAsked = exactFits && options.exactPhase === true;
  const annealDeadline = exactAsked ? t0 + M_MAX(1, M_FLOOR(budget * 0.8 * ANNEAL_SHARE)) : deadline;
  let breaks = anneal(model, st, rnd, d, hasPrev, annealDeadline, effort, moveBudget, options.stopFlag);
  dbg(`anneal breaks ${breaks}`);
  let proved = breaks === 0;
  const now = Date.now();
  const exactUntil = exactAsked ? deadline : M_MIN(deadline, now + 2 * (now - t0));
  const exact = exactAsked || (exactFits && exactUntil - now >= EXACT_MIN_MS);
  if (exact && breaks > 0 && !(options.stopFlag && Atomics.load(options.stopFlag, 0) !== 0)) {
    const res = exactBreaks(model, st.slotOf, d, exactUntil, M_FLOOR(EXACT_CONFLICTS * effort), options.stopFlag);
    dbg(`exact: ${res ? `${res.breaks}${res.optimal ? ' (optimal)' : ''}` : 'nothing better'}`);
    if (res && res.breaks < breaks) {
      st.load(res.slotOf);
      breaks = res.breaks;
    }
    proved = res?.optimalAmongFair === true;
  }
  // every meeting placed and no fair schedule with fewer breaks: the other searches cannot beat this one
  if (proved && !hasPrev && options.stopFlag && st.slotOf.every((s) => s !== NONE)) Atomics.store(options.stopFlag, 0, 1);
  progress(90, breaks);

  // final insertion attempt (cannot hurt objective 1)
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] !== NONE || model.impossible[i] || fixedConflict[i]) continue;
    for (const s of allowed[i]) if (st.fits(i, s)) {
      st.place(i, s);
      break;
    }
  }

  // ---- tables
  const placed = assignTables(input, model, st);
  const unplaced: SolverOutput['unplaced'] = [];
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] !== NONE) continue;
    unplaced.push({ meetingIndex: i, ...explain(input, model, st, i, fixedConflict[i]) });
  }
  return { placed, unplaced };
}

function explain(
  input: SchedulingInput,
  model: Model,
  st: State,
  i: number,
  fixedConflict: string | null,
): { reason: UnplacedReason; detail?: string } {
  if (model.impossible[i]) return model.impossible[i]!;
  if (fixedConflict) return { reason: 'fixed_placement_conflict', detail: fixedConflict };
  const S = model.S;
  for (const p of [model.ma[i], model.mb[i]]) {
    if (st.placedCount[p] >= model.maxMeet[p]) {
      return {
        reason: 'participant_at_maximum',
        detail: `participant ${input.participants[p].id} already has ${model.maxMeet[p]} meetings`,
      };
    }
  }
  let bothFree = 0;
  for (const s of model.allowed[i]) {
    if (st.occ[model.ma[i] * S + s] || st.occ[model.mb[i] * S + s]) continue;
    bothFree++;
  }
  if (bothFree > 0) {
    return { reason: 'no_table', detail: `all ${bothFree} slot(s) where both are free have no table left` };
  }
  return {
    reason: 'outranked',
    detail: 'every common available slot is taken by other meetings of equal or higher priority of a participant',
  };
}

/**
 * Ejection chains with rollback: put an unplaced meeting in a slot where exactly
 * one meeting (of equal or lower priority) is in the way, move on with the
 * ejected meeting, and so on up to `depth` steps. The chain succeeds when the
 * last meeting lands without ejection (or a lower-priority one is left out);
 * otherwise every step is undone, so the placement never gets worse.
 */
function chainRepair(model: Model, st: State, rnd: () => number, fixedConflict: (string | null)[], deadline: number, effort: number): void {
  const { S, M, ma, mb, mr, rank, allowed, cap, fixedSlot, maxMeet } = model;
  // a participant whose every usable slot is taken cannot gain a meeting through
  // this participant's own chain (the partner switch below still helps others)
  const saturated = (p: number) => st.placedCount[p] >= model.usableSlots[p];
  const logX: number[] = [];
  const logFrom: number[] = [];
  const touched = new Int32Array(M);
  let stamp = 0;
  const depth = 12;
  const cands: number[] = [];
  const candX: number[] = [];
  const before = new Int32Array(model.nRanks);
  const qFree: number[] = [];
  /** an unplaced meeting of q to continue the chain with, or -1 */
  const nextOf = (q: number): number => {
    const list = model.meetingsOf[q];
    // q's meetings can only fit where q is free and a table is left (popular people
    // have dozens of unplaced meetings: checking their every slot took 0.3 s at 10,000 people)
    qFree.length = 0;
    if (st.placedCount[q] < maxMeet[q]) for (let s = 0; s < S; s++) if (!st.occ[q * S + s] && st.cnt[s] < cap[s]) qFree.push(s);
    let pick = -1;
    let n = 0;
    let fitPick = -1;
    let nFit = 0;
    for (const y of list) {
      if (st.slotOf[y] !== NONE || touched[y] === stamp || model.impossible[y] || fixedConflict[y]) continue;
      if (rnd() * ++n < 1) pick = y;
      let fit = false;
      for (let k = 0; k < qFree.length && !fit; k++) fit = st.fits(y, qFree[k]);
      if (fit && rnd() * ++nFit < 1) fitPick = y;
    }
    return fitPick >= 0 ? fitPick : pick;
  };
  const rollback = () => {
    for (let k = logX.length - 1; k >= 0; k--) {
      const x = logX[k];
      if (logFrom[k] === NONE) st.remove(x);
      else st.place(x, logFrom[k]);
    }
  };
  const tryChain = (m0: number): boolean => {
    stamp++;
    logX.length = 0;
    logFrom.length = 0;
    before.set(st.placedByRank);
    let m = m0;
    touched[m] = stamp;
    for (let step = 0; step < depth && m >= 0; step++) {
      touched[m] = stamp;
      // direct placement?
      cands.length = 0;
      for (const s of allowed[m]) if (st.fits(m, s)) cands.push(s);
      if (cands.length) {
        st.place(m, cands[M_FLOOR(rnd() * cands.length)]);
        logX.push(m);
        logFrom.push(NONE);
        if (better(st.placedByRank, before) > 0) return true;
        break;
      }
      const capA = st.placedCount[ma[m]] >= maxMeet[ma[m]];
      const capB = st.placedCount[mb[m]] >= maxMeet[mb[m]];
      if (capA && capB) break;
      if (capA || capB) {
        // participant at maximum: drop one of its meetings so that m fits directly
        const p = capA ? ma[m] : mb[m];
        candX.length = 0;
        for (const x of model.meetingsOf[p]) if (st.slotOf[x] !== NONE && touched[x] !== stamp && fixedSlot[x] === NONE) candX.push(x);
        let done = false;
        for (let t = 0; t < 4 && !done && candX.length; t++) {
          const x = candX[M_FLOOR(rnd() * candX.length)];
          const sx = st.slotOf[x];
          st.remove(x);
          cands.length = 0;
          for (const s of allowed[m]) if (st.fits(m, s)) cands.push(s);
          if (!cands.length) {
            st.place(x, sx);
            continue;
          }
          logX.push(x);
          logFrom.push(sx);
          st.place(m, cands[M_FLOOR(rnd() * cands.length)]);
          logX.push(m);
          logFrom.push(NONE);
          touched[x] = stamp;
          // continue with an unplaced meeting of x's other participant, who just got a free slot
          m = nextOf(ma[x] === p ? mb[x] : ma[x]);
          done = true;
        }
        if (!done) break;
        continue;
      }
      // single ejections
      cands.length = 0;
      candX.length = 0;
      for (const s of allowed[m]) {
        const xa = st.occ[ma[m] * S + s] - 1;
        const xb = st.occ[mb[m] * S + s] - 1;
        const xr = mr[m] !== NONE ? st.occ[mr[m] * S + s] - 1 : -1;
        let x = -1;
        let n = 0;
        for (const y of [xa, xb, xr]) if (y >= 0 && y !== x) {
          x = y;
          n++;
        }
        if (n > 1) continue;
        if (n === 0) {
          // slot full of tables: eject a random meeting of the slot
          if (st.cnt[s] < cap[s]) continue;
          x = st.inSlot[s][M_FLOOR(rnd() * st.cnt[s])];
        }
        // a higher-priority meeting may be moved too: success is judged on the whole chain
        if (touched[x] === stamp || fixedSlot[x] !== NONE) continue;
        cands.push(s);
        candX.push(x);
      }
      if (!cands.length) break;
      const k = M_FLOOR(rnd() * cands.length);
      const s = cands[k];
      const x = candX[k];
      logX.push(x);
      logFrom.push(s);
      st.remove(x);
      st.place(m, s);
      logX.push(m);
      logFrom.push(NONE);
      touched[x] = stamp;
      if (better(st.placedByRank, before) > 0) return true; // e.g. a lower priority one left out
      // go on with x (relocate it), or sometimes leave x out and serve its other participant
      const shared = ma[x] === ma[m] || ma[x] === mb[m] ? ma[x] : mb[x];
      const other = ma[x] === shared ? mb[x] : ma[x];
      if (rnd() < 0.25) {
        const y = nextOf(other);
        m = y >= 0 ? y : x;
      } else m = x;
    }
    rollback();
    return false;
  };
  let free = 0;
  for (let s = 0; s < S; s++) free += cap[s] - st.cnt[s];
  if (free === 0) return; // every table of every slot is used: nothing can be added
  const queue: number[] = [];
  for (let i = 0; i < M; i++) if (st.slotOf[i] === NONE && !model.impossible[i] && !fixedConflict[i]) queue.push(i);
  const maxPasses = M_MAX(1, M_ROUND(6 * effort));
  // small events: many randomised attempts per meeting are cheap
  const tries = M < 300 ? 40 : 3;
  for (let pass = 0; pass < maxPasses; pass++) {
    // highest priority first, random order within a priority
    const key = new Float64Array(M);
    for (const i of queue) key[i] = rank[i] + rnd() * 0.5;
    queue.sort((x, y) => key[y] - key[x]);
    let improved = 0;
    let n = 0;
    for (const m of queue) {
      if ((++n & 255) === 0 && Date.now() > deadline) break;
      if (st.slotOf[m] !== NONE) continue;
      if (saturated(ma[m]) || saturated(mb[m])) continue;
      for (let t = 0; t < tries; t++) if (tryChain(m)) {
        improved++;
        break;
      }
    }
    for (let k = queue.length - 1; k >= 0; k--) if (st.slotOf[queue[k]] !== NONE) {
      queue[k] = queue[queue.length - 1];
      queue.pop();
    }
    // meetings left out by chains come back
    const inQ = new Uint8Array(M);
    for (const i of queue) inQ[i] = 1;
    for (let i = 0; i < M; i++) if (st.slotOf[i] === NONE && !model.impossible[i] && !fixedConflict[i] && !inQ[i]) queue.push(i);
    if (process.env.SCHED_DEBUG) console.error(`[chain] pass ${pass} improved ${improved} queue ${queue.length}`);
    if (improved === 0 || improved * 1000 < queue.length || Date.now() > deadline) break;
  }
}

/** Ejection-chain tabu search maximising placed meetings per priority level. */
function repair(
  model: Model,
  st: State,
  rnd: () => number,
  fixedConflict: (string | null)[],
  deadline: number,
  effort: number,
): void {
  const { S, M, ma, mb, mr, rank, allowed, cap, fixedSlot, maxMeet } = model;
  // queue of unplaced placeable meetings
  const queue: number[] = [];
  const qpos = new Int32Array(M).fill(NONE);
  const qAdd = (i: number) => {
    qpos[i] = queue.length;
    queue.push(i);
  };
  const qDel = (i: number) => {
    const p = qpos[i];
    const last = queue.pop()!;
    if (last !== i) {
      queue[p] = last;
      qpos[last] = p;
    }
    qpos[i] = NONE;
  };
  for (let i = 0; i < M; i++) if (st.slotOf[i] === NONE && !model.impossible[i] && !fixedConflict[i]) qAdd(i);
  if (queue.length === 0) return;
  const weight = new Float64Array(model.nRanks);
  for (let r = 0; r < model.nRanks; r++) weight[r] = M_POW(M + 1, r);
  const tabu = new Int32Array(M * S);
  const best = Int32Array.from(st.placedByRank);
  let bestSlots: Int32Array | null = null; // null => the current state has the best score
  const maxIter = M_FLOOR((200000 + 10 * M) * effort);
  const maxStall = M_FLOOR(30000 * effort);
  const pCap = meetingCapacity(model);
  // meetings of people who cannot take one more meeting are not worth the effort
  const hopeless = (i: number) => st.placedCount[ma[i]] >= pCap[ma[i]] || st.placedCount[mb[i]] >= pCap[mb[i]];
  {
    let useful = 0;
    for (const i of queue) if (!hopeless(i)) useful++;
    let free = 0;
    for (let s = 0; s < S; s++) free += cap[s] - st.cnt[s];
    if (useful === 0 || free === 0) return;
  }
  let stall = 0;
  const ej: number[] = [];
  const bestEj: number[] = [];
  const share = (p: number) => st.placedCount[p] / M_MAX(1, model.requested[p]);
  let iterDone = 0;
  for (let iter = 1; iter <= maxIter && queue.length > 0; iter++) {
    iterDone = iter;
    if ((iter & 1023) === 0 && Date.now() > deadline) break;
    if (stall > maxStall) break;
    // pick: highest rank among 3 samples, then lowest participant share
    let m = queue[M_FLOOR(rnd() * queue.length)];
    for (let k = 0; k < 8 && hopeless(m); k++) m = queue[M_FLOOR(rnd() * queue.length)];
    if (hopeless(m)) {
      stall++;
      continue;
    }
    for (let k = 0; k < 2; k++) {
      const c = queue[M_FLOOR(rnd() * queue.length)];
      if (hopeless(c)) continue;
      if (rank[c] > rank[m] || (rank[c] === rank[m] && M_MIN(share(ma[c]), share(mb[c])) < M_MIN(share(ma[m]), share(mb[m])))) m = c;
    }
    let bestCost = Infinity;
    let bestS = NONE;
    let nTies = 0;
    for (const s of allowed[m]) {
      ej.length = 0;
      let ok = true;
      let cost = 0;
      const res0 = ma[m];
      const res1 = mb[m];
      const res2 = mr[m];
      for (let k = 0; k < 3 && ok; k++) {
        const r = k === 0 ? res0 : k === 1 ? res1 : res2;
        if (r === NONE) continue;
        const x = st.occ[r * S + s] - 1;
        if (x < 0 || ej.includes(x)) continue;
        if (fixedSlot[x] !== NONE || rank[x] > rank[m]) ok = false;
        else ej.push(x);
      }
      if (!ok) continue;
      if (st.cnt[s] - ej.length >= cap[s]) {
        // eject one more meeting of slot s: sample a few, lowest rank
        let pick = NONE;
        const list = st.inSlot[s];
        const n = st.cnt[s];
        for (let k = 0; k < 4; k++) {
          const x = list[M_FLOOR(rnd() * n)];
          if (fixedSlot[x] !== NONE || rank[x] > rank[m] || ej.includes(x)) continue;
          if (pick === NONE || rank[x] < rank[pick]) pick = x;
        }
        if (pick === NONE) continue;
        ej.push(pick);
      }
      // participant caps
      for (const p of [res0, res1]) {
        let c = st.placedCount[p];
        for (const x of ej) if (ma[x] === p || mb[x] === p) c--;
        if (c >= maxMeet[p]) {
          let pick = NONE;
          for (const x of model.meetingsOf[p]) {
            if (st.slotOf[x] === NONE || fixedSlot[x] !== NONE || rank[x] > rank[m] || ej.includes(x)) continue;
            if (pick === NONE || rank[x] < rank[pick]) pick = x;
          }
          if (pick === NONE) {
            ok = false;
            break;
          }
          ej.push(pick);
        }
      }
      if (!ok) continue;
      for (const x of ej) cost += weight[rank[x]] * (1 + 0.01 * (1 - M_MIN(share(ma[x]), share(mb[x]))));
      const isTabu = tabu[m * S + s] > iter;
      if (isTabu && ej.length > 0) continue;
      if (cost < bestCost - 1e-9) {
        bestCost = cost;
        bestS = s;
        nTies = 1;
        bestEj.length = 0;
        bestEj.push(...ej);
      } else if (M_ABS(cost - bestCost) <= 1e-9 && rnd() * ++nTies < 1) {
        bestS = s;
        bestEj.length = 0;
        bestEj.push(...ej);
      }
    }
    if (bestS === NONE) {
      stall++;
      continue;
    }
    // would this step lower the score? then save the best state first.
    let atRank = 0;
    for (const x of bestEj) if (rank[x] === rank[m]) atRank++;
    const worse = atRank >= 2 || (atRank === 1 && bestEj.length > 1);
    if (worse && bestSlots === null) bestSlots = Int32Array.from(st.slotOf);
    for (const x of bestEj) {
      const sx = st.slotOf[x];
      st.remove(x);
      tabu[x * S + sx] = iter + 7 + M_FLOOR(rnd() * 10);
      qAdd(x);
    }
    st.place(m, bestS);
    qDel(m);
    const cmp = better(st.placedByRank, best);
    if (cmp > 0) {
      best.set(st.placedByRank);
      bestSlots = null;
      stall = 0;
    } else if (cmp === 0) {
      bestSlots = null;
      stall++;
    } else stall++;
  }
  if (process.env.SCHED_DEBUG) console.error(`[repair] iterations ${iterDone} stall ${stall} queue ${queue.length}`);
  if (bestSlots !== null && better(st.placedByRank, best) < 0) st.load(bestSlots);
}

function breaksOf(model: Model, slotOf: Int32Array): number {
  return personBreaks(model, slotOf).reduce((a, b) => a + b, 0);
}

/**
 * Slot-by-slot greedy that schedules the currently placed set again, preferring
 * meetings of people who were busy in the previous slot (no break) and of people
 * whose remaining meetings need all their remaining slots. Returns null if it
 * cannot schedule the whole set.
 */
function construct(model: Model, st: State, rnd: () => number): Int32Array | null {
  const { S, P, R, M, ma, mb, mr, allowedMask, cap, fixedSlot, sessionOf, meetingsOf } = model;
  const slot = new Int32Array(M).fill(NONE);
  const busy = new Uint8Array(R * S);
  const cnt = new Int32Array(S);
  const remaining = new Int32Array(P);
  const lastSlot = new Int32Array(P).fill(-10);
  const todo: number[] = [];
  const put = (x: number, t: number) => {
    slot[x] = t;
    busy[ma[x] * S + t] = 1;
    busy[mb[x] * S + t] = 1;
    if (mr[x] !== NONE) busy[mr[x] * S + t] = 1;
    cnt[t]++;
  };
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] === NONE) continue;
    if (fixedSlot[i] !== NONE) put(i, st.slotOf[i]);
    else {
      todo.push(i);
      remaining[ma[i]]++;
      remaining[mb[i]]++;
    }
  }
  // future[p*(S+1)+t] = number of slots u >= t usable by some of p's meetings
  const future = new Int32Array(P * (S + 1));
  for (let p = 0; p < P; p++) {
    const base = p * (S + 1);
    for (let t = S - 1; t >= 0; t--) {
      let ok = 0;
      for (const x of meetingsOf[p]) if (allowedMask[x * S + t]) {
        ok = 1;
        break;
      }
      future[base + t] = future[base + t + 1] + ok;
    }
  }
  const scoreP = (p: number, t: number): number => {
    let v = 0;
    if (lastSlot[p] === t - 1 && t > 0 && sessionOf[t - 1] === sessionOf[t]) v += 4;
    const slack = future[p * (S + 1) + t] - remaining[p];
    if (slack <= 0) v += 8;
    else v += 2 / (1 + slack);
    return v;
  };
  const noise = 1.5;
  let left = todo.slice();
  const cand: number[] = [];
  const sc = new Float64Array(M);
  for (let t = 0; t < S && left.length; t++) {
    cand.length = 0;
    for (const x of left) {
      if (!allowedMask[x * S + t]) continue;
      sc[x] = scoreP(ma[x], t) + scoreP(mb[x], t) + rnd() * noise;
      cand.push(x);
    }
    cand.sort((x, y) => sc[y] - sc[x]);
    for (const x of cand) {
      if (cnt[t] >= cap[t]) break;
      if (busy[ma[x] * S + t] || busy[mb[x] * S + t] || (mr[x] !== NONE && busy[mr[x] * S + t])) continue;
      put(x, t);
      remaining[ma[x]]--;
      remaining[mb[x]]--;
      lastSlot[ma[x]] = t;
      lastSlot[mb[x]] = t;
    }
    left = left.filter((x) => slot[x] === NONE);
  }
  // leftovers: first fit
  for (const x of left) {
    for (let t = 0; t < S; t++) {
      if (!allowedMask[x * S + t] || cnt[t] >= cap[t]) continue;
      if (busy[ma[x] * S + t] || busy[mb[x] * S + t] || (mr[x] !== NONE && busy[mr[x] * S + t])) continue;
      put(x, t);
      break;
    }
    if (slot[x] === NONE) return null;
  }
  return slot;
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (M_IMUL((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * The annealer also weighs idle slots inside gaps (IDLE_W each), which leads it
 * to close short gaps, but on small events counts at most IDLE_CAP of them per
 * gap: the optima of the crafted b2bsp events give a few people one long gap (8 to
 * 17 slots in ticf-13crafb), which the uncapped weight kept the search away from
 * (20 seeds: forum-13crafb within optimum + 2 in 11-15 runs instead of 3-6,
 * ticf-13crafb in 4-7 instead of 0-2; as many runs at the optimum in all).
 */
const IDLE_CAP = 6;

/** Idle slots between the first and last set bit of mask, at most cap per gap. */
export function cappedIdle(mask: number, cap: number): number {
  if (mask === 0) return 0;
  const top = 31 - M_CLZ32(mask);
  const low = 31 - M_CLZ32(mask & -mask);
  if (cap >= top - low) return top - low + 1 - popcount(mask); // no gap is longer than cap
  const gaps = ~mask & ((1 << (top + 1)) - 1) & ~((1 << low) - 1);
  // the first slot of every gap, then the second, ... up to cap
  let nth = gaps & ~(gaps << 1);
  let idle = 0;
  for (let j = 0; j < cap && nth !== 0; j++) {
    idle += popcount(nth);
    nth = (nth << 1) & gaps;
  }
  return idle;
}

/** Simulated annealing on breaks with Kempe-chain moves. Returns total breaks. */
function anneal(
  model: Model,
  st: State,
  rnd: () => number,
  d: number,
  hasPrev: boolean,
  deadline: number,
  effort: number,
  moveBudget = 0,
  stop?: Int32Array,
): number {
  const { S, P, M, ma, mb, mr, allowed, allowedMask, cap, fixedSlot, sessionOf, prevSlot } = model;
  const FAIR_W = 3;
  // below one break, so a move that saves a break is worth it; above zero, so the
  // move budget is not spent on moves that save nothing
  const MOVE_W = hasPrev ? 0.5 : 0;
  const occ = st.occ;
  let lastIdle = 0;
  // Fast path: each person's occupied slots as bit masks, W words of up to 31 bits
  // that each hold whole sessions in slot order, kept up to date by applyMove; breaks
  // and idle slots then come from bit counts per session (same values as the scan
  // below, which remains for sessions of more than 31 slots). Two-day events (40
  // slots) anneal 2.2 times as fast with two words as with the scan (generated,
  // 5,000 people: 1.12M iterations/s on one day with one word, 0.52M on two days).
  const wordOf = new Int32Array(S);
  const bitOf = new Int32Array(S);
  const sessWord: number[] = [];
  const sessMasks: number[] = [];
  let useMask = true;
  let W = 0;
  for (let s = 0, used = 31; s < S; ) {
    let e = s;
    while (e + 1 < S && sessionOf[e + 1] === sessionOf[s]) e++;
    if (e - s + 1 > 31) {
      useMask = false;
      break;
    }
    if (used + e - s + 1 > 31) {
      W++;
      used = 0;
    }
    let mk = 0;
    for (let t = s; t <= e; t++) {
      wordOf[t] = W - 1;
      bitOf[t] = used + t - s;
      mk |= 1 << bitOf[t];
    }
    sessWord.push(W - 1);
    sessMasks.push(mk);
    used += e - s + 1;
    s = e + 1;
  }
  if (!useMask) W = 0;
  const slotOfBit = new Int32Array(W * 32);
  if (useMask) for (let s = 0; s < S; s++) slotOfBit[wordOf[s] * 32 + bitOf[s]] = s;
  const pMask = new Int32Array(P * W);
  const setMasks = () => {
    pMask.fill(0);
    for (let i = 0; i < M; i++) if (st.slotOf[i] !== NONE) {
      const s = st.slotOf[i];
      pMask[ma[i] * W + wordOf[s]] |= 1 << bitOf[s];
      pMask[mb[i] * W + wordOf[s]] |= 1 << bitOf[s];
    }
  };
  if (useMask) setMasks();
  const nSess = sessMasks.length;
  const mov: number[] = [];
  for (let i = 0; i < M; i++) if (st.slotOf[i] !== NONE && fixedSlot[i] === NONE && allowed[i].length > 1) mov.push(i);
  // small events (e.g. b2bsp): narrower temperatures and capped idle slots, measured there;
  // larger events keep the wide range and full idle weights (their iterations are few per meeting)
  const small = mov.length <= 400;
  const idleCap = small ? IDLE_CAP : S;
  const pCost = (p: number): number => {
    if (useMask) return maskCost(pMask, p * W);
    let b = 0;
    let idle = 0;
    let last = -1;
    const row = p * S;
    for (let s = 0; s < S; s++) {
      if (occ[row + s]) {
        if (last >= 0 && s - last > 1 && sessionOf[s] === sessionOf[last]) {
          b++;
          idle += M_MIN(idleCap, s - last - 1);
        }
        last = s;
      }
    }
    lastIdle = idle;
    return b;
  };
  /** Breaks (returned) and capped idle slots (in lastIdle) of a person whose occupied slots are the bits of masks[base..base+W). */
  const maskCost = (masks: Int32Array, base: number): number => {
    let b = 0;
    let idle = 0;
    for (let k = 0; k < nSess; k++) {
      const mk = masks[base + sessWord[k]] & sessMasks[k];
      if (mk === 0) continue;
      b += popcount(mk & ~(mk << 1)) - 1;
      idle += cappedIdle(mk, idleCap);
    }
    lastIdle = idle;
    return b;
  };
  const IDLE_W = 0.6;
  const idleOf = new Int32Array(P);
  let idleTotal = 0;
  const brk = new Int32Array(P);
  let total = 0;
  let excess = 0;
  for (let p = 0; p < P; p++) {
    brk[p] = pCost(p);
    idleOf[p] = lastIdle;
    idleTotal += lastIdle;
    total += brk[p];
    excess += M_MAX(0, brk[p] - d);
  }
  const bad = new Int32Array(P);
  const badPos = new Int32Array(P).fill(NONE);
  let badN = 0;
  const setBrk = (p: number, v: number) => {
    brk[p] = v;
    if (v > 0 && badPos[p] === NONE) {
      badPos[p] = badN;
      bad[badN++] = p;
    } else if (v === 0 && badPos[p] !== NONE) {
      const q = bad[--badN];
      bad[badPos[p]] = q;
      badPos[q] = badPos[p];
      badPos[p] = NONE;
    }
  };
  for (let p = 0; p < P; p++) setBrk(p, brk[p]);
  const TARGETED = 0.9;
  if (mov.length === 0) return total;
  // What a meeting in slot s adds to the figures' "moved": 1 if it left its previous
  // slot, and 1 more if it has a fixed table there, since it may take the table of a
  // meeting that stayed (which then changes table); dropped meetings count too.
  const moveCount = (i: number, s: number): number =>
    s === prevSlot[i] ? 0 : (prevSlot[i] !== NONE ? 1 : 0) + (mr[i] !== NONE ? 1 : 0);
  let moved = 0;
  if (hasPrev) for (let i = 0; i < M; i++) moved += st.slotOf[i] === NONE ? (prevSlot[i] !== NONE ? 1 : 0) : moveCount(i, st.slotOf[i]);
  let cost = total + FAIR_W * excess + MOVE_W * moved;
  let bestCost = cost;
  // the one snapshot buffer (no allocation in the loop); it starts as the input, so an
  // anneal that never beats its input cannot return something worse
  const bestBuf = Int32Array.from(st.slotOf);
  let bestSlots: Int32Array | null = bestBuf; // null => the current state is the best and has no copy
  let nSnap = 0;
  // iteration budget (deterministic); large events get fewer iterations per meeting.
  // Small events (<= 400 movable meetings, e.g. the b2bsp set) get 8,000 per meeting
  // up to 2M: about 1-1.6 s with the bit-mask fast path on a 2-core machine. Large
  // ones get 30 per meeting within 0.6M-1.2M: on the generated 5,000-person event
  // (39,154 placed) 0.6M left 1,198 breaks, 0.9M 367, 1.2M 172, 1.5M 169 (+0.3 s per 0.3M).
  const iters = M_FLOOR(
    (small
      ? M_MIN(2_000_000, 8000 * mov.length)
      : mov.length <= 2000
      ? M_MIN(1_500_000, M_MAX(M_MIN(1_250_000, 6250 * mov.length), 1250 * mov.length))
      : M_MIN(1_200_000, M_MAX(600_000, 30 * mov.length))) * effort,
  );
  // Small events: below T = 0.25 the b2bsp anneals no longer change (traced on crafb,
  // crafc and forum-14) and above 1 they wander far from any good schedule, so their
  // iterations are spent between the two (20 seeds, 13 instances: 178 of 260 runs at
  // the optimum instead of 168; ticf-13crafa and ticf-14crafa 20/20 instead of 18/20).
  const T0 = hasPrev ? 0.5 : small ? 1 : 2;
  const T1 = small ? 0.25 : 0.03;
  const mark = new Int32Array(M);
  const pmark = new Int32Array(P);
  let stamp = 0;
  let pst = 0;
  const MAXCHAIN = 40;
  const PERM = 0.05;
  let T = T0;
  const coolEvery = 100;
  const annealStart = Date.now();
  // move buffers (typed, reused): meetings, their source and destination slots
  const BUF = M + 64;
  const mvX = new Int32Array(BUF);
  const mvFrom = new Int32Array(BUF);
  const mvTo = new Int32Array(BUF);
  let nMv = 0;
  const parts = new Int32Array(M_MIN(P, 2 * BUF));
  const oldB = new Int32Array(parts.length);
  const oldI = new Int32Array(parts.length);
  const newMask = new Int32Array(parts.length * W);
  const partIdx = new Int32Array(P);
  let nParts = 0;
  const applyMove = (to: Int32Array) => {
    for (let k = 0; k < nMv; k++) {
      const x = mvX[k];
      if (useMask) {
        const s = st.slotOf[x];
        const bit = ~(1 << bitOf[s]);
        pMask[ma[x] * W + wordOf[s]] &= bit;
        pMask[mb[x] * W + wordOf[s]] &= bit;
      }
      st.remove(x);
    }
    for (let k = 0; k < nMv; k++) {
      const x = mvX[k];
      st.place(x, to[k]);
      if (useMask) {
        pMask[ma[x] * W + wordOf[to[k]]] |= 1 << bitOf[to[k]];
        pMask[mb[x] * W + wordOf[to[k]]] |= 1 << bitOf[to[k]];
      }
    }
  };
  /** Kempe chain between the slot of m and s2, seeded at m: fills the move buffers. */
  const kempe = (m: number, s2: number): boolean => {
    nMv = 0;
    const s1 = st.slotOf[m];
    if (s1 === s2 || fixedSlot[m] !== NONE) return false;
    stamp++;
    mvX[nMv++] = m;
    mark[m] = stamp;
    let k1 = 0;
    let k2 = 0;
    let h = 0;
    for (let seeds = 0; ; seeds++) {
      for (; h < nMv; h++) {
        const x = mvX[h];
        const sx = st.slotOf[x];
        const other = sx === s1 ? s2 : s1;
        mvFrom[h] = sx;
        mvTo[h] = other;
        if (sx === s1) k1++;
        else k2++;
        if (fixedSlot[x] !== NONE || !allowedMask[x * S + other]) return false;
        const base = other;
        let y = occ[ma[x] * S + base] - 1;
        if (y >= 0 && mark[y] !== stamp) {
          if (nMv >= MAXCHAIN) return false;
          mark[y] = stamp;
          mvX[nMv++] = y;
        }
        y = occ[mb[x] * S + base] - 1;
        if (y >= 0 && mark[y] !== stamp) {
          if (nMv >= MAXCHAIN) return false;
          mark[y] = stamp;
          mvX[nMv++] = y;
        }
        if (mr[x] !== NONE) {
          y = occ[mr[x] * S + base] - 1;
          if (y >= 0 && mark[y] !== stamp) {
            if (nMv >= MAXCHAIN) return false;
            mark[y] = stamp;
            mvX[nMv++] = y;
          }
        }
      }
      // table capacity: if a slot overflows, add a random meeting of that slot as a new seed
      const over1 = st.cnt[s1] - k1 + k2 > cap[s1];
      const over2 = st.cnt[s2] - k2 + k1 > cap[s2];
      if (!over1 && !over2) return true;
      if (seeds >= 3 || nMv >= MAXCHAIN) return false;
      const sf = over2 ? s2 : s1;
      const y = st.inSlot[sf][M_FLOOR(rnd() * st.cnt[sf])];
      if (mark[y] === stamp) return false;
      mark[y] = stamp;
      mvX[nMv++] = y;
    }
  };
  let itDone = 0;
  let polish = false;
  const overList = new Int32Array(P);
  let nOver = 0;
  for (let it = 0; it < iters; it++) {
    itDone = it;
    if (it % coolEvery === 0) {
      // geometric cooling over the iteration budget, or over the remaining time if that is shorter
      const now = Date.now();
      if (now > deadline || (stop && Atomics.load(stop, 0) !== 0)) break;
      // the clock only takes over when it is clearly the binding limit, so that
      // runs with enough time stay deterministic
      const itFrac = it / iters;
      const timeFrac = (now - annealStart) / M_MAX(1, deadline - annealStart);
      const frac = timeFrac > itFrac * 1.25 + 0.05 ? timeFrac : itFrac;
      T = T0 * M_POW(T1 / T0, M_MIN(1, frac));
      if (!polish && frac >= 0.85) {
        polish = true;
        nOver = 0;
        for (let k = 0; k < badN; k++) if (brk[bad[k]] > d) overList[nOver++] = bad[k];
      }
    }
    if (cost === 0) break;
    nMv = 0;
    const r0 = rnd();
    if (PERM > 0 && r0 < PERM) {
      // slot permutation: move the whole content of slot i to position j, shifting the slots between
      const i = M_FLOOR(rnd() * S);
      let j = M_FLOOR(rnd() * (S - 1));
      if (j >= i) j++;
      const lo = M_MIN(i, j);
      const hi = M_MAX(i, j);
      let ok = true;
      for (let s = lo; s <= hi && ok; s++) {
        const ns = s === i ? j : i < j ? s - 1 : s + 1;
        if (st.cnt[s] > cap[ns]) ok = false;
        const list = st.inSlot[s];
        for (let k = 0; k < st.cnt[s] && ok; k++) {
          const x = list[k];
          if (fixedSlot[x] !== NONE || !allowedMask[x * S + ns]) ok = false;
          else {
            mvX[nMv] = x;
            mvFrom[nMv] = s;
            mvTo[nMv++] = ns;
          }
        }
      }
      if (!ok || nMv === 0) continue;
    } else {
      let m: number;
      let s2: number;
      if (badN > 0 && rnd() < TARGETED) {
        // targeted: a participant with breaks; move one of its meetings into/next to its span.
        // In the final phase, people above the fairness limit get most of the attention.
        if (polish && (it & 1023) === 0) {
          nOver = 0;
          for (let k = 0; k < badN; k++) if (brk[bad[k]] > d) overList[nOver++] = bad[k];
        }
        const p = polish && nOver > 0 && rnd() < 0.7 ? overList[M_FLOOR(rnd() * nOver)] : bad[M_FLOOR(rnd() * badN)];
        if (brk[p] === 0) continue;
        const row = p * S;
        let first = -1;
        let last = -1;
        let nOcc = 0;
        if (useMask) {
          for (let w = 0; w < W; w++) {
            const mm = pMask[p * W + w];
            if (mm === 0) continue;
            if (first < 0) first = slotOfBit[w * 32 + 31 - M_CLZ32(mm & -mm)];
            last = slotOfBit[w * 32 + 31 - M_CLZ32(mm)];
            nOcc += popcount(mm);
          }
        } else {
          for (let s = 0; s < S; s++) if (occ[row + s]) {
            if (first < 0) first = s;
            last = s;
            nOcc++;
          }
        }
        let pickK = M_FLOOR(rnd() * nOcc);
        m = -1;
        if (useMask) {
          for (let w = 0; w < W; w++) {
            let mm = pMask[p * W + w];
            const c = popcount(mm);
            if (pickK >= c) {
              pickK -= c;
              continue;
            }
            while (pickK-- > 0) mm &= mm - 1;
            m = occ[row + slotOfBit[w * 32 + 31 - M_CLZ32(mm & -mm)]] - 1;
            break;
          }
        } else {
          for (let s = first; s <= last; s++) if (occ[row + s] && pickK-- === 0) {
            m = occ[row + s] - 1;
            break;
          }
        }
        if (fixedSlot[m] !== NONE) continue;
        const lo = M_MAX(0, first - 1);
        const hi = M_MIN(S - 1, last + 1);
        let nC = 0;
        s2 = NONE;
        for (let s = lo; s <= hi; s++) {
          if (occ[row + s] || !allowedMask[m * S + s]) continue;
          if (rnd() * ++nC < 1) s2 = s;
        }
        if (s2 === NONE) continue;
      } else {
        m = mov[M_FLOOR(rnd() * mov.length)];
        const al = allowed[m];
        s2 = al[M_FLOOR(rnd() * al.length)];
      }
      if (!kempe(m, s2)) continue;
    }
    // participants touched, old values, moved delta; then apply
    pst++;
    nParts = 0;
    let movedDelta = 0;
    for (let k = 0; k < nMv; k++) {
      const x = mvX[k];
      for (let q = 0; q < 2; q++) {
        const p = q === 0 ? ma[x] : mb[x];
        if (pmark[p] === pst) continue;
        pmark[p] = pst;
        partIdx[p] = nParts;
        parts[nParts] = p;
        oldB[nParts] = brk[p];
        oldI[nParts++] = idleOf[p];
      }
      if (hasPrev) movedDelta += moveCount(x, mvTo[k]) - moveCount(x, mvFrom[k]);
    }
    if (hasPrev && movedDelta > 0 && moved + movedDelta > moveBudget) continue;
    if (useMask) {
      // evaluate on the people's new bit masks; the state only changes if the move is accepted
      for (let k = 0; k < nParts; k++) for (let w = 0; w < W; w++) newMask[k * W + w] = pMask[parts[k] * W + w];
      for (let k = 0; k < nMv; k++) {
        const w = wordOf[mvFrom[k]];
        const bit = ~(1 << bitOf[mvFrom[k]]);
        newMask[partIdx[ma[mvX[k]]] * W + w] &= bit;
        newMask[partIdx[mb[mvX[k]]] * W + w] &= bit;
      }
      for (let k = 0; k < nMv; k++) {
        const w = wordOf[mvTo[k]];
        const bit = 1 << bitOf[mvTo[k]];
        newMask[partIdx[ma[mvX[k]]] * W + w] |= bit;
        newMask[partIdx[mb[mvX[k]]] * W + w] |= bit;
      }
    } else applyMove(mvTo);
    let dTotal = 0;
    let dEx = 0;
    let dIdle = 0;
    for (let k = 0; k < nParts; k++) {
      const p = parts[k];
      const nb = useMask ? maskCost(newMask, k * W) : pCost(p);
      idleOf[p] = lastIdle;
      dIdle += lastIdle - oldI[k];
      dTotal += nb - oldB[k];
      dEx += M_MAX(0, nb - d) - M_MAX(0, oldB[k] - d);
      if (nb !== oldB[k]) setBrk(p, nb);
    }
    const delta = dTotal + FAIR_W * dEx + MOVE_W * movedDelta;
    const deltaA = delta + IDLE_W * dIdle;
    if (deltaA <= 0 || rnd() < M_EXP(-deltaA / T)) {
      if (cost + delta > bestCost && bestSlots === null) {
        // leaving an unsaved best state: snapshot it first
        if (!useMask) applyMove(mvFrom);
        bestBuf.set(st.slotOf);
        bestSlots = bestBuf;
        nSnap++;
        if (!useMask) applyMove(mvTo);
      }
      if (useMask) applyMove(mvTo);
      cost += delta;
      total += dTotal;
      moved += movedDelta;
      idleTotal += dIdle;
      if (cost < bestCost) {
        bestCost = cost;
        bestSlots = null;
      }
    } else {
      if (!useMask) applyMove(mvFrom);
      for (let k = 0; k < nParts; k++) {
        if (brk[parts[k]] !== oldB[k]) setBrk(parts[k], oldB[k]);
        idleOf[parts[k]] = oldI[k];
      }
    }
  }
  if (process.env.SCHED_DEBUG) console.error(`[anneal] iterations ${itDone}/${iters} cost ${cost} best ${bestCost} snapshots ${nSnap}`);
  if (bestSlots !== null && cost > bestCost) {
    st.load(bestSlots);
    if (useMask) setMasks();
  }
  let tot = 0;
  for (let p = 0; p < P; p++) tot += pCost(p);
  return tot;
}

function assignTables(input: SchedulingInput, model: Model, st: State): Placement[] {
  const { S, M, ma, mb, sessionOf, fixedTable, prevSlot, prevTable, cap } = model;
  const tableOf = new Int32Array(M);
  const lastTable = new Int32Array(model.P);
  const lastSession = new Int32Array(model.P).fill(NONE);
  const used = new Uint8Array(M_MAX(1, ...Array.from(cap)) + 2);
  for (let s = 0; s < S; s++) {
    const n = st.cnt[s];
    if (n === 0) continue;
    used.fill(0);
    const list = Array.from(st.inSlot[s].subarray(0, n)).sort((x, y) => x - y);
    const rest: number[] = [];
    for (const i of list) if (fixedTable[i] > 0) {
      tableOf[i] = fixedTable[i];
      used[fixedTable[i]] = 1;
    }
    for (const i of list) {
      if (fixedTable[i] > 0) continue;
      const t = prevTable[i];
      if (prevSlot[i] === s && t >= 1 && t <= cap[s] && !used[t]) {
        tableOf[i] = t;
        used[t] = 1;
      } else rest.push(i);
    }
    // Keep someone's table in as many meetings as possible: a maximum matching of
    // meetings onto the free tables their two people sat at last in this session
    // (augmenting paths; first come, first served left avoidable changes). Which of
    // the two stays put made no measurable difference.
    const want = (p: number) => (lastSession[p] === sessionOf[s] && lastTable[p] <= cap[s] && !used[lastTable[p]] ? lastTable[p] : 0);
    const cand: number[][] = rest.map((i) => [want(ma[i]), want(mb[i])].filter((t, k, all) => t > 0 && all.indexOf(t) === k));
    const holder = new Map<number, number>(); // table -> index into rest
    const augment = (k: number, seen: Set<number>): boolean => {
      for (const t of cand[k]) {
        if (seen.has(t)) continue;
        seen.add(t);
        const h = holder.get(t);
        if (h === undefined || augment(h, seen)) {
          holder.set(t, k);
          return true;
        }
      }
      return false;
    };
    for (let k = 0; k < rest.length; k++) if (cand[k].length > 0) augment(k, new Set());
    const rest2: number[] = [];
    const got = new Int32Array(rest.length);
    for (const [t, k] of holder) got[k] = t;
    rest.forEach((i, k) => {
      if (got[k]) {
        tableOf[i] = got[k];
        used[got[k]] = 1;
      } else rest2.push(i);
    });
    let next = 1;
    for (const i of rest2) {
      while (used[next]) next++;
      tableOf[i] = next;
      used[next] = 1;
    }
    for (const i of list) {
      for (const p of [ma[i], mb[i]]) {
        lastTable[p] = tableOf[i];
        lastSession[p] = sessionOf[s];
      }
    }
  }
  const out: Placement[] = [];
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] === NONE) continue;
    out.push({ meetingId: input.meetings[i].id, slotId: input.slots[st.slotOf[i]].id, table: tableOf[i] });
  }
  return out;
}
