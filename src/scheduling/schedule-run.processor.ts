import { Injectable } from '@nestjs/common';
import { JobProcessor, ProcessesQueue } from '../queue/job-processor.decorator';
import { ScheduleRunJob, ScheduleRunsService } from './schedule-runs.service';

@Injectable()
@ProcessesQueue('scheduling')
export class ScheduleRunProcessor implements JobProcessor<ScheduleRunJob> {
  constructor(private readonly runs: ScheduleRunsService) {}

  process(data: ScheduleRunJob, job: { updateProgress(progress: number): Promise<void> }) {
    return this.runs.execute(data.runId, (percent) => job.updateProgress(percent));
  }

  onFinalFailure(data: ScheduleRunJob, error: Error): Promise<void> {
    return this.runs.markFailed(data.runId, error);
  }
}
