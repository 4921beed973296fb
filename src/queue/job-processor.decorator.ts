import { SetMetadata } from '@nestjs/common';

export const JOB_PROCESSOR = Symbol('JOB_PROCESSOR');

export type QueueName = 'scheduling' | 'notifications';

export interface JobProcessor<T = unknown> {
  /** Must be safe to run more than once for the same job: a retry or a duplicate never does the work twice. */
  process(data: T, job: { id?: string; attemptsMade: number; opts?: { attempts?: number }; updateProgress(progress: number): Promise<void> }): Promise<unknown>;
  /** Called once a job has used up its attempts. */
  onFinalFailure?(data: T, error: Error): Promise<void>;
}

/** Marks a provider as the one handler of a queue; start-up fails on a queue with two. */
export const ProcessesQueue = (queue: QueueName) => SetMetadata(JOB_PROCESSOR, queue);
