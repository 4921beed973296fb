import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { OrganisersModule } from '../organisers/organisers.module';
import { RegistrationsModule } from '../registrations/registrations.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { MeetingRequestsController, MeetingsController } from './meetings.controller';
import { MeetingsRepository } from './meetings.repository';
import { MeetingsService } from './meetings.service';

@Module({
  imports: [EventsModule, OrganisersModule, RegistrationsModule, SchedulingModule],
  controllers: [MeetingRequestsController, MeetingsController],
  providers: [MeetingsService, MeetingsRepository],
})
export class MeetingsModule {}
