import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConnectionOptions, JobsOptions, Queue } from 'bullmq';
import { Env } from '../config/env';
import { QueueName } from './job-processor.decorator';

/** Options rather than a client, so BullMQ owns its connections and closes them with the queue or worker. */
export function bullConnection(env: Env): ConnectionOptions {
  return { url: env.REDIS_URL, maxRetriesPerRequest: null };
}

export function bullPrefix(env: Env): string {
  return `${env.REDIS_PREFIX}:bull`;
}

/** Enqueues jobs. Job ids are the caller's (e.g. the run id), so enqueueing the same work twice is a no-op. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly env: Env) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: bullConnection(this.env),
        prefix: bullPrefix(this.env),
        defaultJobOptions: {
          attempts: this.env.JOB_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.env.JOB_BACKOFF_MS },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<T extends object>(name: QueueName, jobId: string, data: T, options: JobsOptions = {}): Promise<void> {
    await this.queue(name).add(name, data, { ...options, jobId });
  }

  async addBulk<T extends object>(name: QueueName, jobs: { jobId: string; data: T }[], options: JobsOptions = {}): Promise<void> {
    await this.queue(name).addBulk(jobs.map(({ jobId, data }) => ({ name, data, opts: { ...options, jobId } })));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
