/**
 * Exact break minimisation for a fixed set of placed meetings, as a SAT problem
 * (after Bofill et al., JAIR 2022, whose MaxSAT model finds the b2bsp optima).
 * Tables do not matter for breaks, only how many meetings share a slot, so
 * the model chooses a slot per meeting:
 *   x[i][s]  meeting i is in slot s (exactly one of its allowed slots)
 *   u[p][s]  person p is busy in slot s  (u <-> OR of p's x in s; at most one)
 *   f[p][s]  p has a meeting before s in the same session (forced up only)
 *   b[p][s]  a break of p ends at s: busy at s, idle at s-1, busy before
 * with at most cap[s] meetings per slot, one meeting per fixed-table resource
 * and slot, at most `maxSpread` breaks per person, and at most K breaks in all.
 * The search starts from the current schedule (its values are the solver's
 * first phases) and K is lowered after every schedule found, so learnt clauses
 * carry over. The first passes let only the people who have breaks now have any
 * and move everybody else's day by a few slots, then anywhere; the next ones
 * restrict where meetings may move (PASSES); Unsat at some K in the last,
 * unrestricted one proves the current schedule optimal under the per-person cap.
 */
import { Sat, SatResult } from './sat';

const NONE = -1;
/** Size limit of the objective's totalizer (inputs x bound); beyond it the phase is skipped. */
const MAX_TOTALIZER_CELLS = 400_000;

/** What the encoding needs of the solver's compiled model. */
export interface BreakModel {
  S: number;
  P: number;
  R: number;
  M: number;
  sessionOf: Int32Array;
  cap: Int32Array;
  ma: Int32Array;
  mb: Int32Array;
  /** fixed-table resource (index >= P) or -1 */
  mr: Int32Array;
  /** usable slots per meeting (availability, session, fixed slot) */
  allowed: Int32Array[];
  fixedSlot: Int32Array;
}

export interface ExactBreaksResult {
  slotOf: Int32Array;
  breaks: number;
  /** true when no schedule of these meetings has fewer breaks (under the per-person cap). */
  optimal: boolean;
  /**
   * true when, moreover, no fair schedule (break spread <= maxSpread) has fewer
   * breaks: someone has a single meeting, so has no break in any schedule, so in a
   * fair one nobody has more than maxSpread and the per-person cap never binds.
   */
  optimalAmongFair: boolean;
}

/** Breaks of every person under slotOf (a gap between meetings of one session). */
export function personBreaks(m: BreakModel, slotOf: Int32Array): Int32Array {
  const { S, P, M, sessionOf } = m;
  const busy = new Uint8Array(P * S);
  for (let i = 0; i < M; i++) if (slotOf[i] !== NONE) {
    busy[m.ma[i] * S + slotOf[i]] = 1;
    busy[m.mb[i] * S + slotOf[i]] = 1;
  }
  const out = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    let last = -1;
    for (let s = 0; s < S; s++) if (busy[p * S + s]) {
      if (last >= 0 && s - last > 1 && sessionOf[s] === sessionOf[last]) out[p]++;
      last = s;
    }
  }
  return out;
}

/** Day layouts breaksLowerBound may try in all (then the people not yet checked count 0): bounded work on large events. */
const LAYOUT_BUDGET = 20_000;
/** People whose meetings may lie in more runs than this are not checked (generated two-day events: 40-60 ms for a floor of 0-1 with 4). */
const MAX_RUNS = 2;

/**
 * A lower bound on the breaks of every schedule of the placed meetings (a schedule
 * that reaches it is optimal): the number of people whose meetings fit no day of one
 * block per run of a session's consecutive slots (meetings matched onto the blocks'
 * slots), so who have a break in any schedule. Only people with a break in slotOf are
 * checked, within LAYOUT_BUDGET and MAX_RUNS. On b2bsp it equals the optimum
 * of forum-14, forumt-14, forumt-14crafc and forumt-14crafd.
 */
export function breaksLowerBound(m: BreakModel, slotOf: Int32Array): number {
  const { S, P, M, sessionOf } = m;
  const now = personBreaks(m, slotOf);
  const mine: number[][] = Array.from({ length: P }, () => []);
  for (let i = 0; i < M; i++) if (slotOf[i] !== NONE) {
    mine[m.ma[i]].push(i);
    mine[m.mb[i]].push(i);
  }
  const runs: [number, number][] = []; // [first, end) of each run
  for (let s = 0; s < S; s++) {
    if (s > 0 && sessionOf[s] === sessionOf[s - 1]) runs[runs.length - 1][1] = s + 1;
    else runs.push([s, s + 1]);
  }
  let bound = 0;
  const budget = { left: LAYOUT_BUDGET };
  for (let p = 0; p < P; p++) if (now[p] > 0 && !blockDay(mine[p], m.allowed, runs, S, budget)) bound++;
  return bound;
}

/** Whether these meetings may form one block per run (true also when the budget runs out). */
function blockDay(meetings: number[], allowed: Int32Array[], allRuns: [number, number][], S: number, budget: { left: number }): boolean {
  const runs = allRuns.filter(([a, b]) => meetings.some((i) => allowed[i].some((s) => s >= a && s < b)));
  if (runs.length > MAX_RUNS) return true; // layouts multiply with runs: no claim
  const room = runs.map(([a, b]) => b - a);
  for (let k = room.length - 2; k >= 0; k--) room[k] += room[k + 1]; // slots in runs k..
  const inDay = new Uint8Array(S);
  const owner = new Int32Array(S);
  const visited = new Int32Array(S);
  let stamp = 0;
  // Kuhn's augmenting paths: meeting i onto a free slot of the day, or one whose meeting can move on
  const augment = (i: number): boolean => {
    for (const s of allowed[i]) {
      if (!inDay[s] || visited[s] === stamp) continue;
      visited[s] = stamp;
      if (owner[s] < 0 || augment(owner[s])) {
        owner[s] = i;
        return true;
      }
    }
    return false;
  };
  const matches = (): boolean => {
    owner.fill(-1);
    for (const i of meetings) {
      stamp++;
      if (!augment(i)) return false;
    }
    return true;
  };
  const layout = (k: number, left: number): boolean => {
    if (--budget.left < 0) return true;
    if (left === 0) return matches();
    if (k === runs.length || room[k] < left) return false;
    const [a, b] = runs[k];
    for (let len = M_MIN(left, b - a); len >= 1; len--) for (let s = a; s + len <= b; s++) {
      inDay.fill(1, s, s + len);
      const ok = layout(k + 1, left - len);
      inDay.fill(0, s, s + len);
      if (ok) return true;
    }
    return layout(k + 1, left); // nothing in run k
  };
  return layout(0, meetings.length);
}

/**
 * A pass of the search: how far meetings may move and who may have breaks.
 *   window  each meeting stays within its two people's current span widened by this
 *   shift   each meeting of someone without breaks now stays within that person's
 *           current span widened by this: their day moves by at most `shift` slots
 *   onlyBreakers  nobody without breaks now may get one
 */
interface Pass {
  window: number;
  shift: number;
  onlyBreakers: boolean;
}

/**
 * Passes of the search. A pass that proves it can do no better hands its schedule
 * to the next; only the last one's proof covers every schedule.
 * First, only the people who have breaks now may have any, and everybody else's day
 * (one block, which the first-slot variables decide early) moves by at most 1, 2, 3
 * slots, then anywhere: the schedules these find close gaps without opening others,
 * and the shifted days keep the models small enough to search in a fraction of a
 * second (from the same annealed schedules, seeds 1-24, 0.7 s: forum-13crafb 186
 * breaks in all and ticf-13crafb 138, against 236 and 187 with the unshifted pass
 * first; that pass alone took 1.2 s to reach 163 on forum-13crafb and found
 * ticf-13crafc's optimum of 1, which the window passes never did).
 * Then each meeting may only move within its two people's current span widened by
 * 2 slots, then by 4, then anywhere. The narrow models are smaller and reach the
 * annealer's neighbouring optima sooner (b2bsp, 20 seeds, 8 varying instances: 56
 * of 160 runs at the optimum, 52 with the unrestricted model alone; from a 4-break
 * forum-14 schedule the optimum came after 0.73 s instead of 1.43 s).
 */
const PASSES: Pass[] = [
  ...[1, 2, 3, Infinity].map((shift) => ({ window: Infinity, shift, onlyBreakers: true })),
  ...[2, 4, Infinity].map((window) => ({ window, shift: Infinity, onlyBreakers: false })),
];

export function exactBreaks(
  m: BreakModel,
  slotOf: Int32Array,
  maxSpread: number,
  deadline: number,
  maxConflicts: number,
  stop?: Int32Array,
  floor = 0,
  onImproved?: (breaks: number, conflicts: number) => void,
): ExactBreaksResult | null {
  let cur: Int32Array = Int32Array.from(slotOf);
  let breaks = personBreaks(m, slotOf).reduce((a, b) => a + b, 0);
  let improved = false;
  let left = maxConflicts;
  for (const pass of PASSES) {
    const spent = maxConflicts - left;
    const r = searchWithin(m, cur, maxSpread, deadline, left, stop, pass, floor, onImproved && ((b, c) => onImproved(b, spent + c)));
    if (!r) break;
    left -= r.conflicts;
    if (r.best) {
      cur = r.best;
      breaks = r.breaks;
      improved = true;
    }
    if (r.optimal && (pass === PASSES[PASSES.length - 1] || breaks <= floor)) {
      // no schedule at all, fair or not, has fewer breaks than the floor
      return { slotOf: cur, breaks, optimal: true, optimalAmongFair: breaks <= floor || r.someoneSingle };
    }
    if (!r.optimal) break;
  }
  return improved ? { slotOf: cur, breaks, optimal: false, optimalAmongFair: false } : null;
}

interface WithinResult {
  best: Int32Array | null;
  breaks: number;
  optimal: boolean;
  conflicts: number;
  someoneSingle: boolean;
}

function searchWithin(
  m: BreakModel,
  slotOf: Int32Array,
  maxSpread: number,
  deadline: number,
  maxConflicts: number,
  stop: Int32Array | undefined,
  { window, shift, onlyBreakers }: Pass,
  floor: number,
  onImproved?: (breaks: number, conflicts: number) => void,
): WithinResult | null {
  const { S, P, R, M, sessionOf, cap, ma, mb, mr, allowed, fixedSlot } = m;
  const start = personBreaks(m, slotOf);
  const current = start.reduce((a, b) => a + b, 0);
  if (current <= floor || deadline - Date.now() < 20 || maxConflicts <= 0) return null;
  const sat = new Sat();
  // Building the model of a large event takes a while (1.3 s for 3,000 meetings):
  // a solve must still end near its deadline, so the build gives up when it passes.
  const late = () => Date.now() > deadline;
  const pos = (v: number) => 2 * v;
  const neg = (v: number) => 2 * v + 1;

  // x: one variable per placed meeting and usable slot
  const placed: number[] = [];
  for (let i = 0; i < M; i++) if (slotOf[i] !== NONE) placed.push(i);
  const dom: number[][] = new Array(M);
  const xVar: Int32Array[] = new Array(M);
  const atRS: number[][] = Array.from({ length: R * S }, () => []); // x literals per resource (person, fixed table) and slot
  const atS: number[][] = Array.from({ length: S }, () => []);
  const ofPerson: number[][] = Array.from({ length: P }, () => []);
  const firstAt = new Int32Array(P).fill(S);
  const lastAt = new Int32Array(P).fill(-1);
  for (const i of placed) for (const q of [ma[i], mb[i]]) {
    firstAt[q] = M_MIN(firstAt[q], slotOf[i]);
    lastAt[q] = M_MAX(lastAt[q], slotOf[i]);
  }
  for (const i of placed) {
    if ((i & 255) === 0 && late()) return null;
    let lo = M_MIN(firstAt[ma[i]], firstAt[mb[i]]) - window;
    let hi = M_MAX(lastAt[ma[i]], lastAt[mb[i]]) + window;
    for (const q of [ma[i], mb[i]]) if (start[q] === 0) {
      lo = M_MAX(lo, firstAt[q] - shift);
      hi = M_MIN(hi, lastAt[q] + shift);
    }
    dom[i] = fixedSlot[i] !== NONE ? [fixedSlot[i]] : Array.from(allowed[i]).filter((s) => s >= lo && s <= hi);
    if (!dom[i].includes(slotOf[i])) dom[i].push(slotOf[i]); // the current schedule stays a model
    xVar[i] = new Int32Array(S).fill(NONE);
    for (const s of dom[i]) {
      const v = sat.newVar();
      xVar[i][s] = v;
      sat.setPhase(v, slotOf[i] === s);
      sat.bump(v, 1); // decide meetings first
      atRS[ma[i] * S + s].push(pos(v));
      atRS[mb[i] * S + s].push(pos(v));
      if (mr[i] !== NONE) atRS[mr[i] * S + s].push(pos(v));
      atS[s].push(pos(v));
    }
    ofPerson[ma[i]].push(i);
    ofPerson[mb[i]].push(i);
  }
  const busyNow = new Uint8Array(P * S);
  for (const i of placed) {
    busyNow[ma[i] * S + slotOf[i]] = 1;
    busyNow[mb[i] * S + slotOf[i]] = 1;
  }

  if (late()) return null;
  // u, f, b per person
  const uVar = new Int32Array(P * S).fill(NONE);
  const bLits: number[][] = Array.from({ length: P }, () => []);
  for (let p = 0; p < P; p++) {
    if (ofPerson[p].length === 0) continue;
    for (let s = 0; s < S; s++) if (atRS[p * S + s].length > 0) {
      uVar[p * S + s] = sat.newVar();
      sat.setPhase(uVar[p * S + s], busyNow[p * S + s] === 1);
    }
    if (ofPerson[p].length < 2) continue;
    let fPrev = NONE; // f[p][s-1]
    let busyBefore = false; // its value in the current schedule
    for (let s = 0; s < S; s++) {
      const sameSession = s > 0 && sessionOf[s] === sessionOf[s - 1];
      if (!sameSession) {
        fPrev = NONE;
        busyBefore = false;
      }
      const uPrev = sameSession ? uVar[p * S + s - 1] : NONE;
      const u = uVar[p * S + s];
      if (u !== NONE && fPrev !== NONE) {
        // b[p][s] <- u[s] & !u[s-1] & f[s-1]
        const b = sat.newVar();
        sat.setPhase(b, busyNow[p * S + s] === 1 && busyNow[p * S + s - 1] === 0 && busyBefore);
        sat.addClause(uPrev !== NONE ? [neg(u), neg(fPrev), pos(uPrev), pos(b)] : [neg(u), neg(fPrev), pos(b)]);
        bLits[p].push(pos(b));
      }
      if (sameSession) {
        busyBefore ||= busyNow[p * S + s - 1] === 1;
        if (fPrev !== NONE || uPrev !== NONE) {
          // f[p][s] <- f[p][s-1] | u[p][s-1]
          const f = sat.newVar();
          sat.setPhase(f, busyBefore);
          if (fPrev !== NONE) sat.addClause2(neg(fPrev), pos(f));
          if (uPrev !== NONE) sat.addClause2(neg(uPrev), pos(f));
          fPrev = f;
        }
      }
    }
  }

  if (late()) return null;
  // hard rules
  for (const i of placed) {
    if ((i & 255) === 0 && late()) return null;
    const lits = dom[i].map((s) => pos(xVar[i][s]));
    sat.addClause(lits);
    if (lits.length > 1) sat.addAtMost(lits, 1);
    for (const s of dom[i]) {
      sat.addClause2(neg(xVar[i][s]), pos(uVar[ma[i] * S + s]));
      sat.addClause2(neg(xVar[i][s]), pos(uVar[mb[i] * S + s]));
    }
  }
  for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) {
    const lits = atRS[r * S + s];
    if (lits.length > 1) sat.addAtMost(lits, 1);
    if (r < P && lits.length > 0) sat.addClause([neg(uVar[r * S + s]), ...lits]);
  }
  for (let s = 0; s < S; s++) if (atS[s].length > cap[s]) sat.addAtMost(atS[s], cap[s]);

  if (late()) return null;
  // implied constraints: without them the solver finds next to nothing (measured on b2bsp)
  const allB: number[] = [];
  for (let p = 0; p < P; p++) {
    if ((p & 31) === 0 && late()) return null;
    const n = ofPerson[p].length;
    if (n === 0) continue;
    const us: number[] = [];
    for (let s = 0; s < S; s++) if (uVar[p * S + s] !== NONE) us.push(pos(uVar[p * S + s]));
    // exactly n busy slots
    if (us.length > n) sat.addAtMost(us, n);
    // Hall: the meetings whose slots all lie in a set D need as many busy slots in D
    const sets = new Map<string, number[]>();
    sets.set('all', us.map((u) => u >> 1));
    for (const i of ofPerson[p]) sets.set(dom[i].join(','), dom[i].map((s) => uVar[p * S + s]));
    for (const vars of sets.values()) {
      const inD = new Set(vars);
      let need = 0;
      for (const i of ofPerson[p]) if (dom[i].every((s) => inD.has(uVar[p * S + s]))) need++;
      if (need > 0 && need <= vars.length) sat.addAtMost(vars.map(neg), vars.length - need);
    }
    // Without a break, p's busy slots are one block s..s+n-1 (when all of them lie in
    // one session): one variable per possible first slot, decided before the meetings
    // (measured on b2bsp over 80 seeds: ticf-14crafa optimal in 65 runs instead of 51,
    // forum-14 in 18 instead of 9)
    const first = firstAt[p];
    let oneSession = true;
    for (let s = 0; s < S; s++) if (uVar[p * S + s] !== NONE && sessionOf[s] !== sessionOf[first]) oneSession = false;
    if (n >= 2 && oneSession) {
      const firsts: number[] = [];
      for (let s = 0; s + n <= S; s++) {
        let possible = true;
        for (let t = s; t < s + n; t++) if (uVar[p * S + t] === NONE) possible = false;
        if (!possible) continue;
        const v = sat.newVar();
        sat.setPhase(v, s === first && start[p] === 0);
        sat.bump(v, 20);
        firsts.push(pos(v));
        for (let t = 0; t < S; t++) {
          const u = uVar[p * S + t];
          if (u !== NONE) sat.addClause2(neg(v), t >= s && t < s + n ? pos(u) : neg(u));
        }
      }
      sat.addClause([...firsts, ...bLits[p]]); // one block, or a break
      if (firsts.length > 1) sat.addAtMost(firsts, 1);
    }
    if (onlyBreakers && start[p] === 0) for (const b of bLits[p]) sat.addClause([b ^ 1]); // no break
    const personCap = M_MAX(maxSpread, start[p]);
    if (bLits[p].length > personCap) sat.addAtMost(bLits[p], personCap);
    allB.push(...bLits[p]);
  }
  // a slot holds at most 2 * cap busy people
  for (let s = 0; s < S; s++) {
    const us: number[] = [];
    for (let p = 0; p < P; p++) if (uVar[p * S + s] !== NONE) us.push(pos(uVar[p * S + s]));
    if (us.length > 2 * cap[s]) sat.addAtMost(us, 2 * cap[s]);
  }
  if (late()) return null;
  // total breaks < current, as a totalizer whose root registers are tightened after each schedule found
  if (allB.length * (current - 1) > MAX_TOTALIZER_CELLS) return null;
  const atLeast = totalizer(sat, allB, current - 1);
  let best: Int32Array | null = null;
  let bestBreaks = current;
  let optimal = false;
  while (Date.now() < deadline) {
    const r = sat.solve(maxConflicts - sat.conflicts, deadline, stop);
    if (r === SatResult.Unsat) optimal = true;
    if (r !== SatResult.Sat) break;
    const next = Int32Array.from(slotOf);
    for (const i of placed) for (const s of dom[i]) if (sat.modelValue(xVar[i][s])) next[i] = s;
    const total = personBreaks(m, next).reduce((a, b) => a + b, 0);
    if (total >= bestBreaks) break; // cannot happen with a sound encoding; stop rather than loop
    best = next;
    bestBreaks = total;
    onImproved?.(total, sat.conflicts);
    if (total <= floor) {
      optimal = true;
      break;
    }
    sat.addClause([atLeast[total - 1] ^ 1]);
  }
  return { best, breaks: bestBreaks, optimal, conflicts: sat.conflicts, someoneSingle: ofPerson.some((l) => l.length === 1) };
}

/**
 * At most k of lits, as a totalizer (Bailleux & Boufkhad 2003, outputs cut at
 * k + 1): each node of a balanced tree over lits has registers r[j] = "at least
 * j + 1 of my leaves are true", forced upwards only. Unlike a native at-most-k,
 * registers let the solver learn counting arguments (measured: the b2bsp optima
 * are found with them and missed with the native constraint); unlike a
 * sequential counter (Sinz 2005) they count per subtree, i.e. per group of
 * people, since lits come person by person: measured on forum-13crafb,
 * ticf-13crafb, forum-13crafc and forum-14 from seed 1's annealed schedules,
 * 11.5k conflicts/s with the resumed watch search of sat.ts, 10.3k with that
 * search and a sequential counter, 9.8k with neither; at equal conflicts
 * (100k, seeds 1-6, those four and ticf-13crafc) 111 breaks in all against the
 * counter's 112. Returns the root's registers: forbidding register j bounds
 * the count by j.
 */
function totalizer(sat: Sat, lits: number[], k: number): number[] {
  if (k === 0) {
    for (const x of lits) sat.addClause([x ^ 1]);
    return [];
  }
  const build = (lo: number, hi: number): number[] => {
    if (hi - lo === 1) return [lits[lo]];
    const mid = (lo + hi) >> 1;
    const a = build(lo, mid);
    const b = build(mid, hi);
    const n = M_MIN(a.length + b.length, k + 1);
    const r: number[] = [];
    for (let j = 0; j < n; j++) r.push(2 * sat.newVar());
    for (let i = 0; i <= a.length; i++) for (let j = 0; j <= b.length; j++) {
      const t = i + j;
      if (t === 0 || t > n) continue;
      const c: number[] = [r[t - 1]];
      if (i > 0) c.push(a[i - 1] ^ 1);
      if (j > 0) c.push(b[j - 1] ^ 1);
      sat.addClause(c);
    }
    return r;
  };
  const root = build(0, lits.length);
  if (root.length > k) sat.addClause([root[k] ^ 1]);
  return root.slice(0, k);
}

const { max: M_MAX, min: M_MIN } = Math;
