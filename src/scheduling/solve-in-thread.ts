import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScheduleResult, SchedulingInput, SolveOptions, SolveProgress } from './engine';

/**
 * Runs the engine in a worker thread. The solve is CPU-bound for seconds; on
 * the main thread it would stall the event loop, so neither progress reports
 * nor the queue's lock renewals could get through.
 */
export function solveInThread(
  input: SchedulingInput,
  options: Omit<SolveOptions, 'onProgress'>,
  onProgress: (progress: SolveProgress) => void,
): Promise<ScheduleResult> {
  const typescript = extname(__filename) === '.ts';
  const worker = new Worker(join(__dirname, `solve-thread${typescript ? '.ts' : '.js'}`), {
    workerData: { input, options },
    execArgv: typescript ? ['-r', 'ts-node/register/transpile-only'] : [],
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: { progress?: SolveProgress; result?: ScheduleResult }) => {
      if (message.progress) onProgress(message.progress);
      if (message.result) resolve(message.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`scheduling thread exited with code ${code}`))));
  });
}
