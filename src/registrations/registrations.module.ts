import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { OrganisersModule } from '../organisers/organisers.module';
import { ParticipantGuard } from './participant.guard';
import { MeController, PublicRegistrationsController, RegistrationsController } from './registrations.controller';
import { RegistrationsRepository } from './registrations.repository';
import { RegistrationsService } from './registrations.service';

@Module({
  imports: [EventsModule, OrganisersModule],
  controllers: [PublicRegistrationsController, RegistrationsController, MeController],
  providers: [RegistrationsService, RegistrationsRepository, ParticipantGuard],
  exports: [RegistrationsService, ParticipantGuard],
})
export class RegistrationsModule {}
