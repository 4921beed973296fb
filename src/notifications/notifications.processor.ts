import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Env } from '../config/env';
import { JobQueue } from '../queue/job-queue.service';
import { JobProcessor, ProcessesQueue } from '../queue/job-processor.decorator';
import { WorkersService } from '../queue/workers.service';
import { DeliveryJob, NotificationsService } from './notifications.service';
import { OutboxRepository } from './outbox.repository';

/** Emails get more tries than other jobs: an SMTP outage of a few minutes must not lose mail. */
const EMAIL_ATTEMPTS = 10;
/** A pending row enqueued this long ago is enqueued again (same job id, so a job still in Redis is not duplicated). */
const REENQUEUE_AFTER_SECONDS = 600;

@Injectable()
@ProcessesQueue('notifications')
export class NotificationsProcessor implements JobProcessor<DeliveryJob>, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private poller?: NodeJS.Timeout;

  constructor(
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobQueue,
    private readonly env: Env,
  ) {}

  async process(data: DeliveryJob, job: { attemptsMade: number; opts?: { attempts?: number } }): Promise<string> {
    try {
      return await this.notifications.deliver(data.outboxId);
    } catch (error) {
      // An SMTP 5xx (unknown mailbox, rejected content) will not change on retry.
      const permanent = Number((error as { responseCode?: number }).responseCode) >= 500;
      const final = permanent || job.attemptsMade + 1 >= (job.opts?.attempts ?? EMAIL_ATTEMPTS);
      await this.notifications.recordFailure(data.outboxId, error as Error, final);
      throw permanent ? new UnrecoverableError((error as Error).message) : error;
    }
  }

  /**
   * The outbox, not the queue, is the record of what must be sent: wherever
   * workers run, pending rows are (re)enqueued under their own id, so a crash
   * or a Redis outage between commit and enqueue loses nothing.
   */
  onApplicationBootstrap(): void {
    if (!WorkersService.forceStart && !this.env.WORKER_IN_PROCESS) return;
    this.poller = setInterval(() => void this.enqueuePending(), this.env.OUTBOX_POLL_MS);
    this.poller.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.poller);
  }

  private polling = false;

  private async enqueuePending(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    let claimed: string[] = [];
    try {
      claimed = await this.outbox.claimForQueue(1000, REENQUEUE_AFTER_SECONDS);
      if (!claimed.length) return;
      const options = { attempts: EMAIL_ATTEMPTS, backoff: { type: 'exponential' as const, delay: this.env.JOB_BACKOFF_MS } };
      await this.jobs.addBulk<DeliveryJob>('notifications', claimed.map((outboxId) => ({ jobId: outboxId, data: { outboxId } })), options);
    } catch (error) {
      // Redis may be down: give the rows back so the next poll tries again.
      if (claimed.length) await this.outbox.unclaim(claimed).catch(() => undefined);
      this.logger.warn(`Outbox poll failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }
}
