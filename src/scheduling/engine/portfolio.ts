/**
 * Deterministic portfolio: the same search with different derived seeds, one
 * in the calling thread and the others in worker threads, all sharing the
 * caller's clock (same deadline). The engine API is synchronous, so the caller
 * blocks on a shared flag (Atomics.wait) once its own search is done and then
 * reads the workers' results with receiveMessageOnPort. A worker that fails or
 * does not answer in time is simply left out (the caller's own result always
 * exists), so the result is never worse than that of the caller's own search
 * (seed k = 0, the plain single-thread search; but on a machine whose cores are
 * busy with other work, the extra thread slows that search down).
 */
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { InternalOptions, runSolver, SolverOutput } from './solver';
import type { SchedulingInput, SolveOptions } from './types';

/** Events with fewer meetings are solved in one thread (a thread costs more than it gains). */
export const PORTFOLIO_MIN_MEETINGS = 64;
/** Larger events are solved in one thread (memory, and the second search rarely differs). */
export const PORTFOLIO_MAX_MEETINGS = 20000;
const MAX_THREADS = 8;
/** Time a worker may still take after the caller's budget before it is given up. */
const GRACE_MS = 1000;

export function defaultThreads(): number {
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(2, n));
}

/** Number of searches to run for this input. */
export function threadsFor(input: SchedulingInput, options: SolveOptions): number {
  const asked = options.threads ?? defaultThreads();
  const t = Math.min(MAX_THREADS, Math.max(1, Math.floor(Number.isFinite(asked) ? asked : 1)));
  const m = input.meetings.length;
  if (m < PORTFOLIO_MIN_MEETINGS || m > PORTFOLIO_MAX_MEETINGS) return 1;
  return t;
}

/** Seed of search k (k = 0 is the caller's seed itself, so threads = 1 is the plain search). */
export function seedFor(seed: number, k: number): number {
  if (k === 0) return seed;
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(k, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Code of a worker: one search with its own seed; posts the output on the given
 * port, then raises the shared flag. The solver is required from the compiled
 * solver.js next to this file. When the engine runs as TypeScript (ts-node,
 * jest), the first worker transpiles solver.ts and the modules it imports itself (in parallel with the
 * caller's search, which is never held up by it) and posts the JavaScript back,
 * so that later workers start at once.
 */
const WORKER_MAIN = `
const { workerData } = require('worker_threads');
const d = workerData;
try {
  let solver;
  let js = d.solverJs;
  if (!js && d.sourceDir) {
    const ts = require(d.typescriptPath);
    js = {};
    for (const name of d.modules) {
      js[name] = ts.transpileModule(require('fs').readFileSync(d.sourceDir + '/' + name + '.ts', 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
      }).outputText;
    }
    d.port.postMessage({ solverJs: js });
  }
  if (js) {
    // a tiny module loader: './name' from the transpiled sources, anything else from node
    const loaded = {};
    const load = (name) => {
      if (loaded[name]) return loaded[name].exports;
      const m = (loaded[name] = { exports: {} });
      new Function('exports', 'require', 'module', js[name])(m.exports, req, m);
      return m.exports;
    };
    const req = (id) => (id.startsWith('./') && js[id.slice(2)] !== undefined ? load(id.slice(2)) : require(id));
    solver = load('solver');
  } else solver = require(d.solverPath);
  d.port.postMessage({ out: solver.runSolver(d.input, d.options) });
} catch (e) {
  d.port.postMessage({ error: String(e) });
} finally {
  Atomics.store(d.flag, 0, 1);
  Atomics.notify(d.flag, 0);
}
`;

/** The solver's own modules (it imports the SAT phase); the rest of its imports are types only. */
const SOLVER_MODULES = ['solver', 'breaks-sat', 'sat'];

type Transpiled = Record<string, string>;
type WorkerCode = { solverJs?: Transpiled; sourceDir?: string; modules?: string[]; typescriptPath?: string; solverPath?: string };
let cachedCode: WorkerCode | null | undefined;
let transpiled: Transpiled | undefined;

function workerCode(): WorkerCode | null {
  if (transpiled !== undefined) return { solverJs: transpiled };
  if (cachedCode !== undefined) return cachedCode;
  try {
    if (path.extname(__filename) === '.ts') {
      cachedCode = { sourceDir: __dirname, modules: SOLVER_MODULES, typescriptPath: require.resolve('typescript') };
    } else {
      const solverPath = path.join(__dirname, 'solver.js');
      cachedCode = fs.existsSync(solverPath) ? { solverPath } : null;
    }
  } catch {
    cachedCode = null; // no worker: one search
  }
  return cachedCode;
}

/**
 * Runs `threads` searches; returns the outputs in seed order (index 0 = the
 * caller's own search; a failed worker gives null).
 */
export function runPortfolio(
  input: SchedulingInput,
  options: InternalOptions,
  threads: number,
  unbeatable: (out: SolverOutput) => boolean = () => false,
): (SolverOutput | null)[] {
  const startedAt = options.startedAt ?? Date.now();
  const seed = options.seed ?? 1;
  const budget = options.timeBudgetMs ?? 2000;
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (k !== 'onProgress' && k !== 'threads' && typeof v !== 'function') plain[k] = v;
  plain.stopFlag = new Int32Array(new SharedArrayBuffer(4)); // shared by all searches
  const code = workerCode();
  const workers: { worker: Worker; port: MessagePort; flag: Int32Array }[] = [];
  for (let k = 1; k < threads && code; k++) {
    try {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_MAIN, {
        eval: true,
        // every second search ends with the exact phase: the two methods win on different events
        workerData: { ...code, input, options: { ...plain, seed: seedFor(seed, k), startedAt, exactPhase: k % 2 === 1 }, port: port2, flag },
        transferList: [port2],
      });
      worker.unref();
      worker.on('error', () => undefined); // reported through the missing answer
      workers.push({ worker, port: port1, flag });
    } catch {
      // no thread available: fewer searches
    }
  }
  const outs: (SolverOutput | null)[] = [runSolver(input, { ...options, seed, startedAt, stopFlag: plain.stopFlag as Int32Array })];
  const giveUpAt = startedAt + budget + GRACE_MS;
  // nothing can beat the caller's result (and ties go to seed order): no need to wait
  const done = unbeatable(outs[0]!);
  for (const w of workers) {
    for (;;) {
      if (done) break;
      if (Atomics.load(w.flag, 0) !== 0) break;
      const left = giveUpAt - Date.now();
      if (left <= 0) break;
      Atomics.wait(w.flag, 0, 0, left);
    }
    let out: SolverOutput | null = null;
    const finished = Atomics.load(w.flag, 0) !== 0;
    for (;;) {
      // (the transpiled solver may be there even when the search is not finished or not needed)
      const msg = receiveMessageOnPort(w.port) as { message?: { out?: SolverOutput; solverJs?: Transpiled } } | undefined;
      if (!msg) break;
      if (msg.message?.solverJs) transpiled = msg.message.solverJs;
      if (msg.message?.out && finished && !done) out = msg.message.out;
    }
    outs.push(out);
    w.port.close();
    void w.worker.terminate().catch(() => undefined);
  }
  return outs;
}
