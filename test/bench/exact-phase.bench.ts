/**
 * Exact-phase benchmark: `npm run bench:exact`. Measures the SAT break phase
 * (breaks-sat.ts) alone, in conflicts instead of milliseconds, so that two
 * versions of the model or of sat.ts compare exactly on one machine or on two:
 * the 2 s bench:scheduler runs change with the machine's load (one instance went
 * from 1 to 12 of 16 runs at the optimum between two benches of the same code).
 * Per instance and seed: the annealer's schedule (one search, no time limit, so
 * it ends at its iteration budget: the same schedule as the first search of a
 * 2 s solve whenever that one is not cut short), then the exact phase from it
 * with a conflict limit and no clock; the table gives the breaks reached within
 * each conflict checkpoint, summed over the seeds, and the runs at the optimum.
 * The time of the exact phase, the one machine-dependent column, converts them:
 * a 2 s solve leaves the exact phase about 0.7 s, 10,000-14,000 conflicts here.
 * Environment: BENCH_FILTER=text[,text] (default: the five instances whose
 * optimum is not always reached), BENCH_SEEDS=a-b or a,b,c (default 1-8),
 * BENCH_CONFLICTS=n (default 40000, the last checkpoint), BENCH_EFFORT=x to
 * scale the annealer's iterations (default 1; the split of a solve's time
 * between annealing and the exact phase).
 */
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { exactBreaks, personBreaks } from '../../src/scheduling/engine/breaks-sat';
import { parseDzn } from '../../src/scheduling/engine/dzn';
import { compile, NONE } from '../../src/scheduling/engine/model';
import { runSolver } from '../../src/scheduling/engine/solver';
import { B2BSP_DIR, envInt, fail, OPTIMA, parseSeeds } from './b2bsp';

const BENCH = 'bench:exact';
const filter = process.env.BENCH_FILTER || 'forum-13crafb,forum-13crafc,forum-14.,ticf-13crafb,ticf-13crafc';
const seeds = parseSeeds(BENCH, process.env.BENCH_SEEDS) ?? [1, 2, 3, 4, 5, 6, 7, 8];
const limit = envInt(BENCH, 'BENCH_CONFLICTS', 1000) ?? 40000;
const effort = Number(process.env.BENCH_EFFORT ?? 1);
if (!(effort > 0)) fail(BENCH, `BENCH_EFFORT: expected a number > 0, got "${process.env.BENCH_EFFORT}"`);
const checkpoints = [5000, 10000, 20000, 40000].filter((c) => c < limit).concat(limit);
const pad = (s: unknown, n: number) => String(s).padEnd(n);
const lpad = (s: unknown, n: number) => String(s).padStart(n);

const files = readdirSync(B2BSP_DIR)
  .filter((f) => f.endsWith('.dzn') && filter.split(',').some((x) => `${f.slice(0, -4)}.`.includes(x)))
  .sort();
if (files.length === 0) fail(BENCH, `BENCH_FILTER: no instance in ${B2BSP_DIR} matches "${filter}"`);
console.log(`exact phase from the annealer's schedule (effort ${effort}), seeds ${seeds.join(',')}; breaks summed over the seeds (runs at the optimum)`);
console.log([pad('instance', 15), lpad('annealed', 9), ...checkpoints.map((c) => lpad(`@${c / 1000}k`, 9)), lpad('optimum', 8), lpad('exact ms', 9)].join(' '));
const totals = new Array<number>(checkpoints.length + 1).fill(0);
const atOpt = new Array<number>(checkpoints.length + 1).fill(0);
for (const f of files) {
  const name = f.slice(0, -4);
  const input = parseDzn(readFileSync(path.join(B2BSP_DIR, f), 'utf8'));
  const model = compile(input);
  const slotIndex = new Map(input.slots.map((s, k) => [s.id, k]));
  const meetingIndex = new Map(input.meetings.map((m, k) => [m.id, k]));
  const sums = new Array<number>(checkpoints.length + 1).fill(0);
  const opt = new Array<number>(checkpoints.length + 1).fill(0);
  let ms = 0;
  for (const seed of seeds) {
    const annealed = runSolver(input, { seed, timeBudgetMs: 600_000, annealOnly: true, effort });
    if (annealed.unplaced.length > 0) fail(BENCH, `${name} seed ${seed}: the annealer left meetings unplaced`);
    const slotOf = new Int32Array(model.M).fill(NONE);
    for (const p of annealed.placed) slotOf[meetingIndex.get(p.meetingId)!] = slotIndex.get(p.slotId)!;
    const found: [number, number][] = [];
    const t0 = Date.now();
    exactBreaks(model, slotOf, 2, Infinity, limit, undefined, annealed.breaksFloor, (b, c) => found.push([b, c]));
    ms += Date.now() - t0;
    const start = personBreaks(model, slotOf).reduce((a, b) => a + b, 0);
    [start, ...checkpoints.map((c) => found.filter(([, at]) => at <= c).reduce((b, [x]) => Math.min(b, x), start))].forEach((b, k) => {
      sums[k] += b;
      if (b <= OPTIMA[name]) opt[k]++;
    });
  }
  sums.forEach((s, k) => {
    totals[k] += s;
    atOpt[k] += opt[k];
  });
  console.log([pad(name, 15), ...sums.map((s, k) => lpad(`${s} (${opt[k]})`, 9)), lpad(OPTIMA[name], 8), lpad(ms, 9)].join(' '));
}
console.log([pad('all', 15), ...totals.map((s, k) => lpad(`${s} (${atOpt[k]})`, 9))].join(' '));
