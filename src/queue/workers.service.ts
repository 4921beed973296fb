import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Job, Worker } from 'bullmq';
import { Env } from '../config/env';
import { jobsTotal } from '../observability/metrics';
import { JOB_PROCESSOR, JobProcessor, QueueName } from './job-processor.decorator';
import { bullConnection, bullPrefix } from './job-queue.service';

/**
 * Starts one BullMQ worker per queue for the providers marked @ProcessesQueue,
 * in the API process (WORKER_IN_PROCESS) or in the worker process. Shutdown
 * waits for running jobs to finish; a job of a killed process is handed to
 * another worker once its lock expires.
 */
@Injectable()
export class WorkersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Workers');
  private readonly workers: Worker[] = [];
  /** The worker entry point sets this; the API process follows WORKER_IN_PROCESS. */
  static forceStart = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly env: Env,
  ) {}

  onApplicationBootstrap(): void {
    const processors = this.findProcessors();
    if (!WorkersService.forceStart && !this.env.WORKER_IN_PROCESS) return;
    for (const [queue, processor] of processors) this.workers.push(this.startWorker(queue, processor));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private findProcessors(): Map<QueueName, JobProcessor> {
    const processors = new Map<QueueName, JobProcessor>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const queue = this.reflector.get<QueueName | undefined>(JOB_PROCESSOR, wrapper.metatype);
      if (!queue) continue;
      if (processors.has(queue)) throw new Error(`Two processors for queue "${queue}"`);
      processors.set(queue, wrapper.instance as JobProcessor);
    }
    return processors;
  }

  private startWorker(queue: QueueName, processor: JobProcessor): Worker {
    const concurrency = queue === 'notifications' ? this.env.EMAIL_CONCURRENCY : this.env.WORKER_CONCURRENCY;
    const worker = new Worker(queue, (job: Job) => processor.process(job.data, job), {
      connection: bullConnection(this.env),
      prefix: bullPrefix(this.env),
      concurrency,
      lockDuration: this.env.JOB_LOCK_MS,
      stalledInterval: Math.max(500, Math.floor(this.env.JOB_LOCK_MS / 2)),
      maxStalledCount: 2,
    });
    worker.on('completed', () => jobsTotal.inc({ queue, outcome: 'completed' }));
    worker.on('failed', (job, error) => {
      jobsTotal.inc({ queue, outcome: 'failed' });
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger.warn({ message: 'job failed', queue, jobId: job.id, attempt: job.attemptsMade, final, error: error.message });
      if (final) void processor.onFinalFailure?.(job.data, error).catch((hookError) => this.logger.error(hookError));
    });
    worker.on('error', (error) => this.logger.error({ message: 'worker error', queue, error: error.message }));
    this.logger.log(`Worker for queue "${queue}" started (concurrency ${concurrency})`);
    return worker;
  }
}
