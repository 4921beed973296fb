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
 *     person (+ 0.5 per meeting of `previous` moved away from its slot, for
 *     acceptance only: the state kept has the fewest breaks, then moves); idle
 *     slots inside gaps add 0.6 each to the acceptance test only, to guide the
 *     search. Deltas are computed on the few people a move touches (from
 *     per-person bit masks of occupied slots, whole sessions in 31-bit words:
 *     popcounts per session). Small events may go on with the exact SAT phase
 *     (breaks-sat.ts). Both end at a floor: the people whose meetings fit no
 *     gap-free day each have a break in every schedule, so reaching their count
 *     is optimal.
 *  4. Tables: per slot, fixed tables first, then previous tables, then a
 *     maximum matching onto the tables the participants used just before in
 *     the same session, else the lowest free table.
 * Deterministic: seeded PRNG (mulberry32); stopping is iteration based, the
 * time budget (less a margin, see runSolver) is a safety cap that also speeds up the
 * cooling when it binds (then results depend on machine speed).
 * index.ts may run several of these searches at once (portfolio.ts).
 */
import { anneal } from './anneal';
import { breaksLowerBound, exactBreaks } from './breaks-sat';
import { compile, mulberry32, NONE, State } from './model';
import { better, breaksOf, chainRepair, construct, explain, meetingCapacity, repair } from './placement';
import { assignTables } from './tables';
import type { Placement, SchedulingInput, SolveOptions, UnplacedReason } from './types';

// Math functions as module constants: the hot loops call them millions of times, and
// under jest (a vm context) every global lookup of Math goes through an interceptor.
const { floor: M_FLOOR, max: M_MAX, min: M_MIN } = Math;

export interface SolverOutput {
  placed: Placement[];
  unplaced: { meetingIndex: number; reason: UnplacedReason; detail?: string }[];
  /** Certified fewest breaks of the placed meetings (breaksLowerBound); 0 above EXACT_MAX_MEETINGS. */
  breaksFloor: number;
}

/** Events up to this many meetings get the exact (SAT) break phase after annealing, and a breaks floor. */
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
  /** No exact phase: the annealer's schedule is the result (bench:exact starts from it). */
  annealOnly?: boolean;
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
  const exactFits = !hasPrev && M <= EXACT_MAX_MEETINGS && !options.annealOnly;
  const exactAsked = exactFits && options.exactPhase === true;
  const annealDeadline = exactAsked ? t0 + M_MAX(1, M_FLOOR(budget * 0.8 * ANNEAL_SHARE)) : deadline;
  // A schedule with this many breaks is optimal: the searches end when they reach it
  // (events up to the exact phase's size: larger ones have thousands of people to check
  // for a floor of 1-5). Not with a previous schedule, whose moves still count after breaks.
  const floorOf = () => (M <= EXACT_MAX_MEETINGS ? breaksLowerBound(model, st.slotOf) : 0);
  let breaksFloor = floorOf();
  const floor = hasPrev ? 0 : breaksFloor;
  let breaks = anneal(model, st, rnd, d, hasPrev, annealDeadline, effort, moveBudget, options.stopFlag, floor);
  dbg(`anneal breaks ${breaks} (floor ${floor})`);
  let proved = breaks <= floor;
  const now = Date.now();
  const exactUntil = exactAsked ? deadline : M_MIN(deadline, now + 2 * (now - t0));
  const exact = exactAsked || (exactFits && exactUntil - now >= EXACT_MIN_MS);
  if (exact && !proved && !(options.stopFlag && Atomics.load(options.stopFlag, 0) !== 0)) {
    const res = exactBreaks(model, st.slotOf, d, exactUntil, M_FLOOR(EXACT_CONFLICTS * effort), options.stopFlag, floor);
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
  let inserted = false;
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] !== NONE || model.impossible[i] || fixedConflict[i]) continue;
    for (const s of allowed[i]) if (st.fits(i, s)) {
      st.place(i, s);
      inserted = true;
      break;
    }
  }
  if (inserted) breaksFloor = floorOf(); // the floor holds for the meetings it was computed on

  // ---- tables
  const placed = assignTables(input, model, st);
  const unplaced: SolverOutput['unplaced'] = [];
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] !== NONE) continue;
    unplaced.push({ meetingIndex: i, ...explain(input, model, st, i, fixedConflict[i]) });
  }
  return { placed, unplaced, breaksFloor };
}
