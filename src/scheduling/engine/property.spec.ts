/**
 * Property tests on random tiny instances (seeded fast-check):
 *  - the certified bound is never below the exhaustive optimum;
 *  - the exhaustive optimum's schedule obeys the hard rules;
 *  - the solver (./index solve) obeys the hard rules, places the optimum
 *    number when all priorities are equal, never more than the bound, and its
 *    figures agree with validate.ts; rescheduling loses no surviving meeting.
 */
import fc from 'fast-check';
import { boundDetails, prepare, upperBound } from './bound';
import { exactSchedule, maxPlaceable, maxPlaceableLex, minBreaksExhaustive } from './exact';
import { checkHardRules, computeFigures } from './validate';
import type { MeetingInput, ParticipantInput, SchedulingInput, SlotInput, ScheduleResult, SolveOptions } from './types';

/** ENGINE_PROPERTY_RUNS=10 multiplies every numRuns (deeper local runs). */
const RUNS = Math.max(1, Number(process.env.ENGINE_PROPERTY_RUNS ?? 1) || 1);

type SolveFn = (input: SchedulingInput, options?: SolveOptions) => ScheduleResult;
let solve: SolveFn | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  solve = (require('./index') as { solve?: SolveFn }).solve;
} catch {
  solve = undefined;
}

/** null with weight `nullWeight`, a value with weight 1. */
const sometimes = <T>(arb: fc.Arbitrary<T>, nullWeight: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: nullWeight }, { arbitrary: arb, weight: 1 });

const slotArb = fc.record({
  session: fc.integer({ min: 0, max: 1 }),
  tables: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 8 }),
});
const participantArb = fc.record({
  avail: sometimes(fc.integer({ min: 0, max: 31 }), 2),
  max: sometimes(fc.integer({ min: 0, max: 3 }), 3),
  fixedTable: sometimes(fc.integer({ min: 1, max: 3 }), 8),
});
const meetingArb = fc.record({
  a: fc.nat(),
  b: fc.nat(),
  session: sometimes(fc.integer({ min: 0, max: 1 }), 4),
  allowed: sometimes(fc.integer({ min: 0, max: 31 }), 6),
  fixedSlot: sometimes(fc.nat(), 6),
  fixedTable: sometimes(fc.integer({ min: 1, max: 3 }), 10),
  priority: sometimes(fc.integer({ min: 1, max: 3 }), 3),
});

interface Raw {
  slots: Array<{ session: number; tables: number }>;
  participants: Array<{ avail: number | null; max: number | null; fixedTable: number | null }>;
  meetings: Array<{
    a: number;
    b: number;
    session: number | null;
    allowed: number | null;
    fixedSlot: number | null;
    fixedTable: number | null;
    priority: number | null;
  }>;
}

function build(raw: Raw, withPriority: boolean): SchedulingInput {
  const sorted = [...raw.slots].sort((x, y) => x.session - y.session); // sessions contiguous
  const slots: SlotInput[] = sorted.map((s, i) => ({ id: `s${i}`, session: `S${s.session}`, tables: s.tables }));
  const sessions = [...new Set(slots.map((s) => s.session))];
  const nS = slots.length;
  const participants: ParticipantInput[] = raw.participants.map((p, i) => {
    const out: ParticipantInput = { id: `p${i}` };
    if (p.avail !== null) out.availableSlotIds = slots.filter((_, k) => p.avail! & (1 << k)).map((s) => s.id);
    if (p.max !== null) out.maxMeetings = p.max;
    if (p.fixedTable !== null) out.fixedTable = p.fixedTable;
    return out;
  });
  const nP = participants.length;
  const meetings: MeetingInput[] = raw.meetings.map((m, i) => {
    const a = m.a % nP;
    const b = (a + 1 + (m.b % (nP - 1))) % nP;
    const out: MeetingInput = { id: `m${i}`, participantIds: [`p${a}`, `p${b}`] };
    if (m.session !== null) out.sessionIds = [sessions[m.session % sessions.length]];
    if (m.allowed !== null) out.allowedSlotIds = slots.filter((_, k) => m.allowed! & (1 << k)).map((s) => s.id);
    if (m.fixedSlot !== null) out.fixedSlotId = slots[m.fixedSlot % nS].id;
    if (m.fixedTable !== null) out.fixedTable = m.fixedTable;
    if (withPriority && m.priority !== null) out.priority = m.priority;
    return out;
  });
  return { slots, participants, meetings };
}

const rawArb = (maxSlots: number, maxMeetings: number, plain: boolean, maxParticipants: number): fc.Arbitrary<Raw> =>
  fc.record({
    slots: fc.array(slotArb, { minLength: 2, maxLength: maxSlots, size: 'max' }),
    participants: fc.array(
      plain ? participantArb.map((p) => ({ ...p, fixedTable: null, max: p.max === null ? null : p.max + 1 })) : participantArb,
      { minLength: 3, maxLength: maxParticipants, size: 'max' },
    ),
    meetings: fc.array(
      plain ? meetingArb.map((m) => ({ ...m, allowed: null, fixedSlot: null, fixedTable: null })) : meetingArb,
      { minLength: 2, maxLength: maxMeetings, size: 'max' },
    ),
  });

/**
 * Tiny random instances. `plain`: only availability, sessions, tables and
 * maxMeetings (denser, larger optima); otherwise also fixed slots and tables,
 * participants' stands and allowed-slot lists.
 */
const instanceArb = (maxSlots: number, maxMeetings: number, withPriority = false, plain = false, maxParticipants = 6) =>
  rawArb(maxSlots, maxMeetings, plain, maxParticipants).map((r) => build(r, withPriority));

function checkBound(input: SchedulingInput): void {
  const best = exactSchedule(input);
  expect(checkHardRules(input, best)).toEqual([]);
  const d = boundDetails(input);
  expect(d.bound).toBeGreaterThanOrEqual(best.length);
  // each component is a valid bound on its own
  for (const v of [d.tableCapacity, d.placeable, d.slotFlow, d.participantSum, d.doubleCover, d.combined!]) {
    expect(v).toBeGreaterThanOrEqual(best.length);
  }
  expect(upperBound(input)).toBe(d.bound);
}

describe('bound vs exhaustive optimum', () => {
  it('upperBound >= maxPlaceable (all rules), and the optimum schedule obeys the hard rules', () => {
    fc.assert(fc.property(instanceArb(5, 8), checkBound), { seed: 42, numRuns: 300 * RUNS });
  });

  it('upperBound >= maxPlaceable (plain instances, larger optima)', () => {
    fc.assert(fc.property(instanceArb(5, 10, false, true), checkBound), { seed: 42, numRuns: 200 * RUNS });
  });

  it('upperBound >= maxPlaceable (3-4 participants, many meetings: odd cycles, repeated pairs)', () => {
    fc.assert(fc.property(instanceArb(4, 10, false, true, 4), checkBound), { seed: 42, numRuns: 200 * RUNS });
  });

  it('the bound is exact on most tiny instances (not vacuous)', () => {
    let exact = 0;
    let total = 0;
    fc.assert(
      fc.property(instanceArb(4, 7, false, true), (input) => {
        total++;
        if (upperBound(input) === maxPlaceable(input)) exact++;
      }),
      { seed: 7, numRuns: 200 * RUNS },
    );
    expect(exact / total).toBeGreaterThan(0.8);
  });

  it('minBreaksExhaustive is at most the breaks of any optimum schedule', () => {
    fc.assert(
      fc.property(instanceArb(5, 8, false, true), (input) => {
        const mb = minBreaksExhaustive(input);
        expect(mb).toBeGreaterThanOrEqual(0);
        const f = computeFigures(input, exactSchedule(input), { upperBound: 0, runTimeMs: 0 });
        expect(f.breaks).toBeGreaterThanOrEqual(mb);
      }),
      { seed: 3, numRuns: 100 * RUNS },
    );
  });
});

describe('exact search on hand-made instances', () => {
  const slots = (n: number, tables = 5): SlotInput[] =>
    Array.from({ length: n }, (_, i) => ({ id: `s${i}`, session: 'day', tables }));
  it('triangle in two slots: 2 meetings; in three slots: 3', () => {
    const participants = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const meetings: MeetingInput[] = [
      { id: 'ab', participantIds: ['a', 'b'] },
      { id: 'bc', participantIds: ['b', 'c'] },
      { id: 'ac', participantIds: ['a', 'c'] },
    ];
    expect(maxPlaceable({ slots: slots(2), participants, meetings })).toBe(2);
    expect(upperBound({ slots: slots(2), participants, meetings })).toBe(2);
    expect(maxPlaceable({ slots: slots(3), participants, meetings })).toBe(3);
  });
  it('minimum breaks: a forced gap', () => {
    // a meets b (only s0) and c (only s2): one break for a whatever happens.
    const input: SchedulingInput = {
      slots: slots(3),
      participants: [{ id: 'a' }, { id: 'b', availableSlotIds: ['s0'] }, { id: 'c', availableSlotIds: ['s2'] }, { id: 'd' }],
      meetings: [
        { id: 'ab', participantIds: ['a', 'b'] },
        { id: 'ac', participantIds: ['a', 'c'] },
        { id: 'cd', participantIds: ['c', 'd'] },
      ],
    };
    expect(maxPlaceable(input)).toBe(2); // ac and cd both need c in s2
    // placing ab + ac gives a one break; ab + cd gives none
    expect(minBreaksExhaustive(input)).toBe(0);
    input.meetings.pop();
    expect(minBreaksExhaustive(input)).toBe(1);
  });
});

const describeSolver = solve ? describe : describe.skip;
describeSolver('solver on tiny instances (./index solve)', () => {
  const BUDGET_MS = 25;
  /** Caps the run time of a failing property (shrinking calls the solver many times). */
  const limits = { interruptAfterTimeLimit: 8000 * RUNS, markInterruptAsFailure: true };
  /** Number of fixed meetings that have a usable slot at all. */
  const feasibleFixed = (input: SchedulingInput): number => {
    const pr = prepare(input);
    return input.meetings.filter((m, i) => m.fixedSlotId !== undefined && pr.feasibleCount[i] > 0).length;
  };

  /**
   * The solver places fixed meetings first (never ejects them), then maximises
   * placed meetings per priority level. When all usable fixed meetings fit
   * together, its per-priority counts must equal the exhaustive lexicographic
   * optimum; when some fixed meetings conflict, which of them win is the
   * solver's choice, so only the bounds are checked.
   */
  const perPriority = (input: SchedulingInput, placed: ScheduleResult['placed'], priorities: number[]) => {
    const byId = new Map(input.meetings.map((m) => [m.id, m]));
    const per = priorities.map(() => 0);
    for (const pl of placed) per[priorities.indexOf(byId.get(pl.meetingId)!.priority ?? 1)]++;
    return per;
  };

  const checkResult = (input: SchedulingInput, res: ScheduleResult) => {
    expect(checkHardRules(input, res.placed)).toEqual([]);
    expect(res.placed.length).toBeLessThanOrEqual(upperBound(input));
    expect(res.placed.length).toBeLessThanOrEqual(maxPlaceable(input));
    expect(res.figures.upperBound).toBeGreaterThanOrEqual(res.placed.length);
    expect(res.figures.placed).toBe(res.placed.length);
    expect(res.placed.length + res.unplaced.length).toBe(input.meetings.length);
    expect(res.figures.breaksLowerBound).toBeLessThanOrEqual(res.figures.breaks);
    const { upperBound: ub, runTimeMs, breaksLowerBound } = res.figures;
    expect(res.figures).toEqual(computeFigures(input, res.placed, { upperBound: ub, runTimeMs, breaksLowerBound }));
  };

  /**
   * The solver's time budget is wall-clock, so a short budget on a loaded
   * machine may legitimately stop early: a mismatch with the optimum is
   * retried once with 10x the budget before it counts as a failure.
   */
  const checkSolver = (input: SchedulingInput, seed: number, stats: { compared: number }) => {
    let res = solve!(input, { seed, timeBudgetMs: BUDGET_MS });
    checkResult(input, res);
    const lex = maxPlaceableLex(input);
    if (lex.fixed !== feasibleFixed(input)) return;
    stats.compared++;
    if (perPriority(input, res.placed, lex.priorities).join() !== lex.perPriority.join()) {
      res = solve!(input, { seed, timeBudgetMs: 10 * BUDGET_MS });
      checkResult(input, res);
    }
    expect({ perPriority: perPriority(input, res.placed, lex.priorities) }).toEqual({ perPriority: lex.perPriority });
    if (res.placed.length === maxPlaceable(input)) {
      const min = minBreaksExhaustive(input);
      expect(res.figures.breaks).toBeGreaterThanOrEqual(min);
      // the floor holds for the placed meetings: with all of them placed, for every schedule
      if (res.unplaced.length === 0) expect(res.figures.breaksLowerBound).toBeLessThanOrEqual(min);
    }
  };

  it('obeys the hard rules and the bound; reaches the exact optimum (equal priorities)', () => {
    const stats = { compared: 0 };
    fc.assert(
      fc.property(instanceArb(4, 7), fc.integer({ min: 1, max: 1000 }), (input, seed) => checkSolver(input, seed, stats)),
      { seed: 42, numRuns: 100 * RUNS, ...limits },
    );
    expect(stats.compared).toBeGreaterThan(50 * RUNS);
  });

  it('same on plain instances (larger optima)', () => {
    const stats = { compared: 0 };
    fc.assert(
      fc.property(instanceArb(5, 9, false, true), (input) => checkSolver(input, 1, stats)),
      { seed: 44, numRuns: 60 * RUNS, ...limits },
    );
    expect(stats.compared).toBe(60 * RUNS);
  });

  it('with priorities: lexicographic optimum per priority level', () => {
    const stats = { compared: 0 };
    fc.assert(
      fc.property(instanceArb(4, 7, true), (input) => checkSolver(input, 1, stats)),
      { seed: 43, numRuns: 60 * RUNS, ...limits },
    );
    expect(stats.compared).toBeGreaterThan(30 * RUNS);
  });

  it('rescheduling: hard rules hold, no surviving meeting is lost, and maxMoves 0 on an unchanged event moves nothing', () => {
    fc.assert(
      fc.property(instanceArb(4, 7), fc.nat(), sometimes(fc.integer({ min: 0, max: 3 }), 1), (input, dropMask, maxMoves) => {
        const first = solve!(input, { seed: 1, timeBudgetMs: BUDGET_MS });
        const meetings = input.meetings.filter((_, i) => !(dropMask & (1 << i)));
        const next: SchedulingInput = { ...input, meetings, previous: first.placed };
        const res = solve!(next, { seed: 2, timeBudgetMs: BUDGET_MS, ...(maxMoves !== null ? { maxMoves } : {}) });
        checkResult(next, res);
        // every surviving placement still fits (the change only removed meetings)
        const kept = first.placed.filter((p) => meetings.some((m) => m.id === p.meetingId)).length;
        expect(res.placed.length).toBeGreaterThanOrEqual(kept);
        if (first.unplaced.length === 0) {
          const same = solve!({ ...input, previous: first.placed }, { seed: 2, timeBudgetMs: BUDGET_MS, maxMoves: 0 });
          expect(same.figures.moved).toBe(0);
        }
      }),
      { seed: 45, numRuns: 60 * RUNS, ...limits },
    );
  });

  it('regression: a higher-priority meeting moves to make room for a lower one (found by the property above)', () => {
    // m4 (priority 3) fits in s0 or s1; m1 (p3) only in s1. Optimum: m4@s0 + m1@s1.
    const input: SchedulingInput = {
      slots: [
        { id: 's0', session: 'S0', tables: 1 },
        { id: 's1', session: 'S0', tables: 1 },
      ],
      participants: [{ id: 'p0' }, { id: 'p2' }, { id: 'p3', availableSlotIds: ['s1'] }],
      meetings: [
        { id: 'm1', participantIds: ['p0', 'p3'] },
        { id: 'm4', participantIds: ['p2', 'p0'], priority: 3 },
      ],
    };
    expect(maxPlaceableLex(input).perPriority).toEqual([1, 1]);
    const res = solve!(input, { seed: 1, timeBudgetMs: 200 });
    expect(checkHardRules(input, res.placed)).toEqual([]);
    expect(res.placed.map((p) => p.meetingId).sort()).toEqual(['m1', 'm4']);
  });
});
