import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EventsService } from '../events/events.service';
import { Organiser } from '../organisers/organiser.entity';
import { CurrentOrganiser, OrganiserGuard } from '../organisers/organiser.guard';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { CurrentParticipant, ParticipantGuard, ParticipantIdentity } from '../registrations/participant.guard';
import { CreateScheduleRunDto, ScheduleQuery } from './schedule.dto';
import { runView, ScheduleRunsService } from './schedule-runs.service';
import { ScheduleService } from './schedule.service';

@ApiTags('schedule (organiser)')
@ApiBearerAuth()
@UseGuards(OrganiserGuard)
@Controller('api/events/:eventId')
export class ScheduleController {
  constructor(
    private readonly events: EventsService,
    private readonly runs: ScheduleRunsService,
    private readonly schedule: ScheduleService,
  ) {}

  @Post('schedule-runs')
  @HttpCode(HttpStatus.ACCEPTED)
  async requestRun(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string, @Body() dto: CreateScheduleRunDto) {
    const event = await this.events.getOwned(organiser, eventId);
    return runView(await this.runs.request(event, dto));
  }

  @Get('schedule-runs')
  async listRuns(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string) {
    await this.events.getOwned(organiser, eventId);
    return (await this.runs.list(eventId)).map(runView);
  }

  @Get('schedule-runs/:runId')
  async getRun(
    @CurrentOrganiser() organiser: Organiser,
    @Param('eventId', ParseUUIDPipe) eventId: string,
    @Param('runId', ParseUUIDPipe) runId: string,
  ) {
    await this.events.getOwned(organiser, eventId);
    return runView(await this.runs.get(eventId, runId));
  }

  @Get('schedule')
  async getSchedule(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string, @Query() query: ScheduleQuery) {
    return this.schedule.schedule(await this.events.getOwned(organiser, eventId), query.view);
  }

  @Post('schedule/publish')
  @HttpCode(HttpStatus.OK)
  async publish(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string) {
    return this.schedule.publish(await this.events.getOwned(organiser, eventId));
  }
}

@ApiTags('participant')
@ApiBearerAuth()
@UseGuards(RateLimitGuard, ParticipantGuard)
@Controller('api/me/agenda')
export class AgendaController {
  constructor(private readonly schedule: ScheduleService) {}

  @Get()
  agenda(@CurrentParticipant() participant: ParticipantIdentity) {
    return this.schedule.agenda(participant.event_id, participant.id);
  }
}
