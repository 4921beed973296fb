/**
 * Exhaustive (branch-and-bound) optima for TINY instances (<= ~10 meetings,
 * <= ~5 slots). For tests: ground truth for the bound and the solver.
 * Hard rules as in validate.ts checkHardRules (placing a fixed meeting is
 * optional, but only at its fixed slot). maxPlaceable ignores priorities and
 * fixedness (pure count); maxPlaceableLex is the lexicographic optimum.
 */
import { countBreaks } from './breaks';
import { prepare } from './bound';
import type { Placement, SchedulingInput } from './types';

interface Tiny {
  S: number;
  n: number;
  /** Meeting indices of the input, in search order. */
  order: number[];
  /** Per search position: feasible slot list. */
  options: number[][];
  a: number[];
  b: number[];
  req: number[];
  tables: Int32Array;
  maxMeetings: Int32Array;
  P: number;
  sessionOf: number[];
}

function tiny(input: SchedulingInput): Tiny {
  const pr = prepare(input);
  const { S, W, feasible, feasibleCount } = pr;
  const idx: number[] = [];
  for (let m = 0; m < pr.M; m++) if (feasibleCount[m] > 0) idx.push(m);
  // Fewest options first: earlier failures, better pruning.
  idx.sort((x, y) => feasibleCount[x] - feasibleCount[y] || x - y);
  const options = idx.map((m) => {
    const l: number[] = [];
    for (let s = 0; s < S; s++) if (feasible[m * W + (s >>> 5)] & (1 << (s & 31))) l.push(s);
    return l;
  });
  const sessions = new Map<string, number>();
  const sessionOf = input.slots.map((s) => {
    let k = sessions.get(s.session);
    if (k === undefined) sessions.set(s.session, (k = sessions.size));
    return k;
  });
  return {
    S,
    n: idx.length,
    order: idx,
    options,
    a: idx.map((m) => pr.mA[m]),
    b: idx.map((m) => pr.mB[m]),
    req: idx.map((m) => pr.reqTable[m]),
    tables: pr.tables,
    maxMeetings: pr.maxMeetings,
    P: pr.P,
    sessionOf,
  };
}

/**
 * Enumerates assignments (slot per search position, -1 = unplaced) obeying the
 * hard rules. `visit(placedCount)` is called at every leaf; `prune(placed,
 * remaining)` may cut a subtree.
 */
function search(
  t: Tiny,
  prune: (placed: number, remaining: number) => boolean,
  visit: (placed: number, assign: Int32Array) => void,
  weight?: number[],
): void {
  // weight per search position (default 1); placed/remaining are weight sums
  const w = weight ?? new Array<number>(t.n).fill(1);
  const suffix = new Array<number>(t.n + 1).fill(0);
  for (let i = t.n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + w[i];
  const { S, n, options, a, b, req, tables, maxMeetings } = t;
  const busy = new Uint8Array(t.P * S);
  const count = new Int32Array(t.P);
  const perSlot = new Int32Array(S);
  const tableUsed = new Set<number>(); // s * 1e6 + table
  const assign = new Int32Array(n).fill(-1);
  const rec = (i: number, placed: number): void => {
    if (prune(placed, suffix[i])) return;
    if (i === n) {
      visit(placed, assign);
      return;
    }
    const pa = a[i];
    const pb = b[i];
    if (count[pa] < maxMeetings[pa] && count[pb] < maxMeetings[pb]) {
      for (const s of options[i]) {
        if (busy[pa * S + s] || busy[pb * S + s] || perSlot[s] >= tables[s]) continue;
        const key = s * 1e6 + req[i];
        if (req[i] > 0 && tableUsed.has(key)) continue;
        busy[pa * S + s] = 1;
        busy[pb * S + s] = 1;
        count[pa]++;
        count[pb]++;
        perSlot[s]++;
        if (req[i] > 0) tableUsed.add(key);
        assign[i] = s;
        rec(i + 1, placed + w[i]);
        assign[i] = -1;
        if (req[i] > 0) tableUsed.delete(key);
        perSlot[s]--;
        count[pa]--;
        count[pb]--;
        busy[pa * S + s] = 0;
        busy[pb * S + s] = 0;
      }
    }
    rec(i + 1, placed);
  };
  rec(0, 0);
}

/** Maximum number of meetings placeable under the hard rules (exhaustive). */
export function maxPlaceable(input: SchedulingInput): number {
  return exactSchedule(input).length;
}

/** One schedule placing the maximum number of meetings (tables assigned). */
export function exactSchedule(input: SchedulingInput): Placement[] {
  const t = tiny(input);
  return toPlacements(input, t, bestWeighted(t));
}

function bestWeighted(t: Tiny, weight?: number[]): Int32Array {
  let best = -1;
  let bestAssign = new Int32Array(t.n).fill(-1);
  search(
    t,
    (placed, remaining) => placed + remaining <= best,
    (placed, assign) => {
      if (placed > best) {
        best = placed;
        bestAssign = assign.slice();
      }
    },
    weight,
  );
  return bestAssign;
}

export interface LexOptimum {
  /** Fixed meetings placed (maximised first). */
  fixed: number;
  /** Distinct priorities, highest first. */
  priorities: number[];
  /** Placed meetings per priority of `priorities` (maximised in that order). */
  perPriority: number[];
  total: number;
  schedule: Placement[];
}

/**
 * Lexicographic optimum, the solver's objective 1 as documented: first as many
 * fixed meetings as possible, then as many meetings of the highest priority,
 * then of the next one, etc. (exhaustive).
 */
export function maxPlaceableLex(input: SchedulingInput): LexOptimum {
  const t = tiny(input);
  const prio = (i: number) => input.meetings[t.order[i]].priority ?? 1;
  const priorities = [...new Set(input.meetings.map((m) => m.priority ?? 1))].sort((x, y) => y - x);
  const base = t.n + 1;
  const levelWeight = new Map<number, number>();
  priorities.forEach((p, k) => levelWeight.set(p, base ** (priorities.length - 1 - k)));
  const fixedWeight = base ** priorities.length;
  const weight = Array.from(
    { length: t.n },
    (_, i) => levelWeight.get(prio(i))! + (input.meetings[t.order[i]].fixedSlotId !== undefined ? fixedWeight : 0),
  );
  const assign = bestWeighted(t, weight);
  const out: LexOptimum = {
    fixed: 0,
    priorities,
    perPriority: priorities.map(() => 0),
    total: 0,
    schedule: toPlacements(input, t, assign),
  };
  for (let i = 0; i < t.n; i++) {
    if (assign[i] < 0) continue;
    out.total++;
    if (input.meetings[t.order[i]].fixedSlotId !== undefined) out.fixed++;
    out.perPriority[priorities.indexOf(prio(i))]++;
  }
  return out;
}

function toPlacements(input: SchedulingInput, t: Tiny, assign: Int32Array): Placement[] {
  const out: Placement[] = [];
  // Required tables first, then the smallest free table.
  const usedTables = new Map<number, Set<number>>();
  const used = (s: number) => {
    let u = usedTables.get(s);
    if (!u) usedTables.set(s, (u = new Set()));
    return u;
  };
  for (let i = 0; i < t.n; i++) if (assign[i] >= 0 && t.req[i] > 0) used(assign[i]).add(t.req[i]);
  for (let i = 0; i < t.n; i++) {
    const s = assign[i];
    if (s < 0) continue;
    let table = t.req[i];
    if (table <= 0) {
      const u = used(s);
      table = 1;
      while (u.has(table)) table++;
      u.add(table);
    }
    out.push({ meetingId: input.meetings[t.order[i]].id, slotId: input.slots[s].id, table });
  }
  return out;
}

/**
 * Minimum total breaks (./breaks definition) over all schedules that place the
 * maximum number of meetings (exhaustive).
 */
export function minBreaksExhaustive(input: SchedulingInput): number {
  const t = tiny(input);
  const target = maxPlaceable(input);
  let best = Infinity;
  const slotsOf: number[][] = Array.from({ length: t.P }, () => []);
  search(
    t,
    (placed, remaining) => placed + remaining < target || best === 0,
    (placed, assign) => {
      if (placed !== target) return;
      for (const l of slotsOf) l.length = 0;
      for (let i = 0; i < t.n; i++) {
        const s = assign[i];
        if (s < 0) continue;
        slotsOf[t.a[i]].push(s);
        slotsOf[t.b[i]].push(s);
      }
      let total = 0;
      for (const l of slotsOf) {
        if (l.length < 2) continue;
        l.sort((x, y) => x - y);
        total += countBreaks(l, t.sessionOf);
        if (total >= best) return;
      }
      best = total;
    },
  );
  return best === Infinity ? 0 : best;
}
