/**
 * Public entry point of the scheduling engine (pure TypeScript library).
 */
import { upperBound } from './bound';
import { computeFigures } from './validate';
import { runPortfolio, threadsFor } from './portfolio';
import { runSolver, InternalOptions, SolverOutput } from './solver';
import type { ScheduleResult, SchedulingInput, SolveOptions, Unplaced } from './types';

export * from './types';
export { countBreaks } from './breaks';
export { upperBound } from './bound';
export { parseDzn, parseDznData, dznToInput } from './dzn';
export { scheduleDznCommand } from './dzn-command';

/**
 * Checks ids and references; throws an Error with a clear message on bad input.
 * A meeting naming an unknown participant is NOT an error: it is reported as
 * unplaced with reason 'unknown_participant' (e.g. a participant who left).
 * `previous` may name meetings that no longer exist (they are ignored).
 */
export function validateInput(input: SchedulingInput): void {
  if (!input || !Array.isArray(input.slots) || !Array.isArray(input.participants) || !Array.isArray(input.meetings)) {
    throw new Error('scheduling input needs slots, participants and meetings arrays');
  }
  const dup = (kind: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (typeof id !== 'string' || id === '') throw new Error(`${kind} with an empty or non-string id`);
      if (seen.has(id)) throw new Error(`duplicate ${kind} id "${id}"`);
      seen.add(id);
    }
    return seen;
  };
  const slotIds = dup('slot', input.slots.map((s) => s.id));
  dup('participant', input.participants.map((p) => p.id));
  dup('meeting', input.meetings.map((m) => m.id));
  // sessions must be contiguous in slot order
  const closed = new Set<string>();
  let cur: string | undefined;
  for (const s of input.slots) {
    if (!Number.isInteger(s.tables) || s.tables < 0) throw new Error(`slot "${s.id}" has an invalid table count ${s.tables}`);
    if (s.session !== cur) {
      if (cur !== undefined) closed.add(cur);
      if (closed.has(s.session)) throw new Error(`session "${s.session}" is not contiguous in slot order (slot "${s.id}")`);
      cur = s.session;
    }
  }
  const sessions = new Set(input.slots.map((s) => s.session));
  for (const p of input.participants) {
    for (const id of p.availableSlotIds ?? []) {
      if (!slotIds.has(id)) throw new Error(`participant "${p.id}" is available in unknown slot "${id}"`);
    }
    if (p.maxMeetings !== undefined && !(p.maxMeetings >= 0)) throw new Error(`participant "${p.id}" has invalid maxMeetings`);
    if (p.fixedTable !== undefined && !(Number.isInteger(p.fixedTable) && p.fixedTable >= 1)) {
      throw new Error(`participant "${p.id}" has invalid fixedTable ${p.fixedTable}`);
    }
  }
  for (const m of input.meetings) {
    if (!Array.isArray(m.participantIds) || m.participantIds.length !== 2) {
      throw new Error(`meeting "${m.id}" must have exactly two participants`);
    }
    if (m.participantIds[0] === m.participantIds[1]) throw new Error(`meeting "${m.id}" has the same participant twice`);
    if (m.fixedSlotId !== undefined && !slotIds.has(m.fixedSlotId)) {
      throw new Error(`meeting "${m.id}" is fixed to unknown slot "${m.fixedSlotId}"`);
    }
    if (m.fixedTable !== undefined && !(Number.isInteger(m.fixedTable) && m.fixedTable >= 1)) {
      throw new Error(`meeting "${m.id}" has invalid fixedTable ${m.fixedTable}`);
    }
    for (const sid of m.sessionIds ?? []) {
      if (!sessions.has(sid)) throw new Error(`meeting "${m.id}" names unknown session "${sid}"`);
    }
    for (const id of m.allowedSlotIds ?? []) {
      if (!slotIds.has(id)) throw new Error(`meeting "${m.id}" names unknown slot "${id}"`);
    }
    if (m.priority !== undefined && !Number.isFinite(m.priority)) throw new Error(`meeting "${m.id}" has invalid priority`);
  }
  if (input.previous !== undefined && !Array.isArray(input.previous)) throw new Error('previous must be an array of placements');
  // stale previous placements (unknown meeting or slot) are tolerated and ignored
}

/**
 * Best of the portfolio's outputs: more meetings placed (per priority, highest
 * first), then fewer meetings of `previous` moved, then fewer breaks, then a
 * smaller break spread, then seed order.
 */
function pickBest(input: SchedulingInput, outs: (SolverOutput | null)[]): SolverOutput {
  const prio = new Map(input.meetings.map((m) => [m.id, m.priority ?? 1]));
  const levels = [...new Set(prio.values())].sort((a, b) => b - a);
  const key = (o: SolverOutput): number[] => {
    const byPrio = new Map<number, number>();
    for (const pl of o.placed) {
      const p = prio.get(pl.meetingId) ?? 1;
      byPrio.set(p, (byPrio.get(p) ?? 0) + 1);
    }
    const f = computeFigures(input, o.placed, { upperBound: 0, runTimeMs: 0 });
    return [...levels.map((l) => -(byPrio.get(l) ?? 0)), f.moved, f.breaks, f.breakSpread];
  };
  let best: SolverOutput | null = null;
  let bestKey: number[] = [];
  for (const o of outs) {
    if (!o) continue;
    const k = key(o);
    let cmp = 0;
    if (best) for (let i = 0; i < k.length && cmp === 0; i++) cmp = k[i] - bestKey[i];
    if (!best || cmp < 0) {
      best = o;
      bestKey = k;
    }
  }
  return best!;
}

export function solve(input: SchedulingInput, options: SolveOptions = {}): ScheduleResult {
  const t0 = Date.now();
  validateInput(input);
  if (options.maxMoves !== undefined && !(Number.isInteger(options.maxMoves) && options.maxMoves >= 0)) {
    throw new Error(`maxMoves must be a non-negative integer, got ${options.maxMoves}`);
  }
  options.onProgress?.({ percent: 0, placed: 0, breaks: 0 });
  // The bound first: the search then knows how much of the budget is left (on 10,000
  // people it took 0.9 s, which a margin after the search did not cover).
  let ub: number;
  try {
    ub = upperBound(input);
  } catch {
    ub = input.meetings.length; // trivially valid
  }
  const threads = threadsFor(input, options);
  let out: SolverOutput;
  if (threads <= 1) out = runSolver(input, { ...(options as InternalOptions), startedAt: t0 });
  else {
    // all placed, no break and nothing moved: optimal, the other searches cannot do better
    const unbeatable = (o: SolverOutput) =>
      o.unplaced.length === 0 && computeFigures(input, o.placed, { upperBound: 0, runTimeMs: 0 }).breaks === 0 && !input.previous?.length;
    const outs = runPortfolio(input, { ...(options as InternalOptions), startedAt: t0 }, threads, unbeatable);
    out = pickBest(input, outs);
  }
  const unplaced: Unplaced[] = out.unplaced.map((u) => ({
    meetingId: input.meetings[u.meetingIndex].id,
    reason: u.reason,
    ...(u.detail !== undefined ? { detail: u.detail } : {}),
  }));
  const runTimeMs = Date.now() - t0;
  const figures = computeFigures(input, out.placed, { upperBound: ub, runTimeMs, breaksLowerBound: out.breaksFloor });
  options.onProgress?.({ percent: 100, placed: figures.placed, breaks: figures.breaks });
  return { placed: out.placed, unplaced, figures };
}
