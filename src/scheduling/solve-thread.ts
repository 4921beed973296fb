import { parentPort, workerData } from 'node:worker_threads';
import { solve } from './engine';

// Entry point of the thread started by solveInThread.
const { input, options } = workerData;
const result = solve(input, { ...options, onProgress: (progress) => parentPort!.postMessage({ progress }) });
parentPort!.postMessage({ result });
