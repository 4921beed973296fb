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
/** Time a worker has to wind up (annealing, SAT) once told to stop. */
const STOP_GRACE_MS = 200;

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
 * Code of a worker thread. Workers are kept between solves (a fresh thread
 * runs cold code for its first half second: measured, a third of the caller's
 * iterations per second). Each job is one search with its own seed: the output
 * goes to the job's port, then the job's flag is raised. The solver is required
 * from the compiled solver.js next to this file or, when the engine runs as
 * TypeScript (ts-node, jest), loaded from JavaScript transpiled once by the
 * calling thread.
 */
const WORKER_MAIN = `
const { workerData, parentPort } = require('worker_threads');
const js = workerData.solverJs;
let solver;
let loadError = 'solver not loaded';
try {
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
  } else solver = require(workerData.solverPath);
} catch (e) {
  loadError = String(e); // every job then fails at once, rather than the caller waiting for it
}
parentPort.on('message', (job) => {
  try {
    if (!solver) throw new Error(loadError);
    job.port.postMessage({ out: solver.runSolver(job.input, job.options) });
  } catch (e) {
    job.port.postMessage({ error: String(e) });
  } finally {
    job.port.close();
    Atomics.store(job.flag, 0, 1);
    Atomics.notify(job.flag, 0);
  }
});
`;

/** The solver and the modules it imports (its other imports are types only). */
const SOLVER_MODULES = ['solver', 'model', 'placement', 'anneal', 'tables', 'breaks-sat', 'sat'];

interface PooledWorker {
  worker: Worker;
  /** flag of its current job (raised when done), null when it never had one */
  flag: Int32Array | null;
}
const pool: PooledWorker[] = [];

/** An idle thread of the pool, or a new one; null if none can be started. */
function idleWorker(code: WorkerCode): PooledWorker | null {
  // (a retired thread has left the pool)
  for (const w of pool) if (w.flag === null || Atomics.load(w.flag, 0) !== 0) return w;
  if (pool.length >= MAX_THREADS) retire(pool[0]);
  try {
    const w: PooledWorker = { worker: new Worker(WORKER_MAIN, { eval: true, workerData: code }), flag: null };
    w.worker.unref(); // an idle pool never keeps the process alive
    w.worker.on('error', () => undefined); // reported through the missing answer
    w.worker.on('exit', () => retire(w));
    pool.push(w);
    return w;
  } catch {
    return null;
  }
}

function retire(w: PooledWorker): void {
  const i = pool.indexOf(w);
  if (i >= 0) pool.splice(i, 1);
  void w.worker.terminate().catch(() => undefined);
}

type WorkerCode = { solverJs?: Record<string, string>; solverPath?: string };
let cachedCode: WorkerCode | null | undefined;

function workerCode(): WorkerCode | null {
  if (cachedCode !== undefined) return cachedCode;
  try {
    if (path.extname(__filename) === '.ts') {
      // Once per process, here rather than in the first worker: a worker that is
      // ended early (the caller's result was unbeatable) would lose the work, and
      // the next one would start late (measured: up to 0.3 s past the deadline).
      const ts = require('typescript') as typeof import('typescript');
      const solverJs: Record<string, string> = {};
      for (const name of SOLVER_MODULES) {
        const source = fs.readFileSync(path.join(__dirname, `${name}.ts`), 'utf8');
        solverJs[name] = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
      }
      cachedCode = { solverJs };
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
  const stopFlag = new Int32Array(new SharedArrayBuffer(4)); // shared by all searches
  const code = workerCode();
  const jobs: { w: PooledWorker; port: MessagePort; flag: Int32Array }[] = [];
  for (let k = 1; k < threads && code; k++) {
    const w = idleWorker(code);
    if (!w) break; // no thread available: fewer searches
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    // every second search ends with the exact phase: the two methods win on different events
    const job = { input, options: { ...plain, stopFlag, seed: seedFor(seed, k), startedAt, exactPhase: k % 2 === 1 }, port: port2, flag };
    w.worker.postMessage(job, [port2]);
    w.flag = flag;
    jobs.push({ w, port: port1, flag });
  }
  const outs: (SolverOutput | null)[] = [runSolver(input, { ...options, seed, startedAt, stopFlag })];
  // nothing can beat the caller's result (and ties go to seed order): the others stop and are not waited for
  const done = unbeatable(outs[0]!);
  if (done) Atomics.store(stopFlag, 0, 1);
  const giveUpAt = done ? Date.now() + STOP_GRACE_MS : startedAt + budget + GRACE_MS;
  for (const { w, port, flag } of jobs) {
    for (;;) {
      if (Atomics.load(flag, 0) !== 0) break;
      const left = giveUpAt - Date.now();
      if (left <= 0) break;
      Atomics.wait(flag, 0, 0, left);
    }
    const finished = Atomics.load(flag, 0) !== 0;
    let out: SolverOutput | null = null;
    for (;;) {
      const msg = receiveMessageOnPort(port) as { message?: { out?: SolverOutput } } | undefined;
      if (!msg) break;
      if (msg.message?.out && finished && !done) out = msg.message.out;
    }
    outs.push(out);
    port.close();
    if (!finished) retire(w); // still busy past its time: a new thread next time
  }
  return outs;
}
