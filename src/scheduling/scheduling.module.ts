import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { OrganisersModule } from '../organisers/organisers.module';
import { RegistrationsModule } from '../registrations/registrations.module';
import { ScheduleRunProcessor } from './schedule-run.processor';
import { ScheduleRunsService } from './schedule-runs.service';
import { AgendaController, ScheduleController } from './schedule.controller';
import { ScheduleRepository } from './schedule.repository';
import { ScheduleService } from './schedule.service';

/** Schedule runs through the queue, schedule versions, review and publication. The algorithm itself is ./engine. */
@Module({
  imports: [EventsModule, OrganisersModule, RegistrationsModule],
  controllers: [ScheduleController, AgendaController],
  providers: [ScheduleRepository, ScheduleRunsService, ScheduleService, ScheduleRunProcessor],
  exports: [ScheduleService],
})
export class SchedulingModule {}
