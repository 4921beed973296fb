import { HttpStatus, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { Event } from '../events/event.entity';
import { schedulingDuration } from '../observability/metrics';
import { JobQueue } from '../queue/job-queue.service';
import { toEngineInput } from './engine-input';
import { CreateScheduleRunDto } from './schedule.dto';
import { RunRow, ScheduleRepository } from './schedule.repository';
import { solveInThread } from './solve-in-thread';

export interface ScheduleRunJob {
  runId: string;
}

const PROGRESS_WRITE_MS = 500;
const SWEEP_MS = 60_000;
/** Times a run solves again because the schedule was edited meanwhile, before it gives up. */
const STALE_ATTEMPTS = 3;

@Injectable()
export class ScheduleRunsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ScheduleRuns');
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** The run row is committed first, then enqueued under its own id; a run whose enqueue was lost is swept up later. */
  async request(event: Event, dto: CreateScheduleRunDto): Promise<RunRow> {
    const run = await this.schedules.createRun(event.id, dto.timeBudgetMs ?? 5000, dto.seed ?? 1, dto.maxMoves ?? null);
    await this.enqueue(run.id).catch((error) => this.logger.warn(`Run ${run.id} not enqueued yet (${error.message}); the sweeper retries`));
    return run;
  }

  async get(eventId: string, runId: string): Promise<RunRow> {
    const run = await this.schedules.findRun(runId, eventId);
    if (!run) throw ApiError.notFound('Schedule run');
    return run;
  }

  list(eventId: string): Promise<RunRow[]> {
    return this.schedules.listRuns(eventId);
  }

  /**
   * The job. Safe to run twice: runs of one event wait for each other, a run
   * that is already done returns at once, and the version insert is unique per
   * run, so a duplicate or retried job never creates a second schedule.
   */
  async execute(runId: string, reportProgress: (percent: number) => Promise<void>): Promise<{ version: number } | undefined> {
    const pending = await this.schedules.findRun(runId);
    if (!pending || pending.status === 'done') return pending?.version ? { version: pending.version } : undefined;
    return this.schedules.withEventLock(pending.event_id, async () => {
      const run = (await this.schedules.findRun(runId))!;
      if (run.status === 'done') return { version: run.version! };
      await this.schedules.markRunning(runId);
      // An organiser's edit of the current version while the engine runs would be lost
      // in the version it writes: then it reads the event again and solves again.
      for (let attempt = 1; ; attempt++) {
        const version = await this.solveAndSave(run, reportProgress);
        if (version !== null) return { version };
        if (attempt === STALE_ATTEMPTS) {
          throw new Error(`the schedule was edited while the run was solving, ${STALE_ATTEMPTS} times in a row: start the run again`);
        }
        this.logger.log(`Run ${runId}: the schedule was edited while solving; solving again`);
      }
    });
  }

  private async solveAndSave(run: RunRow, reportProgress: (percent: number) => Promise<void>): Promise<number | null> {
    const snapshot = await this.schedules.loadSnapshot(run.event_id);
    const { input, releasedPins, maxMoves } = toEngineInput(snapshot);
    let lastWrite = 0;
    const stopTimer = schedulingDuration.startTimer();
    const options = { timeBudgetMs: run.time_budget_ms, seed: run.seed, maxMoves: run.max_moves ?? maxMoves };
    const result = await solveInThread(input, options, (progress) => {
      if (Date.now() - lastWrite < PROGRESS_WRITE_MS) return;
      lastWrite = Date.now();
      const percent = Math.min(99, Math.round(progress.percent));
      void Promise.all([this.schedules.setProgress(run.id, percent), reportProgress(percent)]).catch(() => undefined);
    });
    stopTimer();
    const people = new Map(snapshot.meetings.map((meeting) => [meeting.id, [meeting.participantA, meeting.participantB] as [string, string]]));
    const pinned = new Set(snapshot.current.filter((p) => p.pinned && !releasedPins.includes(p.meetingId)).map((p) => p.meetingId));
    const { figures } = result;
    return this.schedules.saveVersion(run, result.placed, people, pinned, {
      requested: figures.requested,
      scheduled: figures.placed,
      upperBound: figures.upperBound,
      breaks: figures.breaks,
      breaksLowerBound: figures.breaksLowerBound,
      maxBreaks: figures.maxBreaks,
      breakSpread: figures.breakSpread,
      worstParticipantShare: figures.worstParticipantShare,
      moved: figures.moved,
      maxMoves: options.maxMoves,
      releasedPins: releasedPins.length,
      runTimeMs: figures.runTimeMs,
      unscheduled: result.unplaced.map(({ meetingId, reason, detail }) => ({ meetingId, reason, ...(detail ? { detail } : {}) })),
    }, snapshot.stamp);
  }

  markFailed(runId: string, error: Error): Promise<void> {
    return this.schedules.markFailed(runId, error.message);
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private async sweep(): Promise<void> {
    const stale = await this.schedules.staleQueuedRuns(SWEEP_MS / 1000).catch(() => []);
    for (const runId of stale) await this.enqueue(runId).catch(() => undefined);
  }

  private enqueue(runId: string): Promise<void> {
    return this.jobs.add<ScheduleRunJob>('scheduling', runId, { runId });
  }
}

export function runView(run: RunRow) {
  return {
    id: run.id,
    status: run.status,
    progress: run.progress,
    attempts: run.attempts,
    timeBudgetMs: run.time_budget_ms,
    seed: run.seed,
    maxMoves: run.max_moves,
    version: run.version,
    result: run.result ?? null,
    error: run.error,
    createdAt: run.created_at.toISOString(),
    startedAt: run.started_at?.toISOString() ?? null,
    finishedAt: run.finished_at?.toISOString() ?? null,
  };
}

export const noSchedule = () => new ApiError(HttpStatus.CONFLICT, 'no_schedule', 'The event has no schedule yet: start a schedule run first');
