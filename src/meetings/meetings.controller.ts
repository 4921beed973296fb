import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { EventsService } from '../events/events.service';
import { Organiser } from '../organisers/organiser.entity';
import { CurrentOrganiser, OrganiserGuard } from '../organisers/organiser.guard';
import { CurrentParticipant, ParticipantGuard, ParticipantIdentity } from '../registrations/participant.guard';
import { ScheduleService } from '../scheduling/schedule.service';
import { CreateMeetingDto, CreateMeetingRequestDto, DirectoryQuery, UpdateMeetingDto } from './meeting.dto';
import { meetingRequestView, meetingView } from './meeting.view';
import { MeetingsService } from './meetings.service';

@ApiTags('participant')
@ApiBearerAuth()
@UseGuards(RateLimitGuard, ParticipantGuard)
@Controller('api/me')
export class MeetingRequestsController {
  constructor(private readonly meetings: MeetingsService) {}

  @Get('directory')
  async directory(@CurrentParticipant() participant: ParticipantIdentity, @Query() query: DirectoryQuery) {
    const { total, items } = await this.meetings.directory(participant, query);
    return { total, limit: query.limit ?? 100, offset: query.offset ?? 0, items };
  }

  @Get('meeting-requests')
  async list(@CurrentParticipant() participant: ParticipantIdentity) {
    const items = (await this.meetings.listRequests(participant)).map(meetingRequestView);
    return { total: items.length, items };
  }

  @Post('meeting-requests')
  async create(@CurrentParticipant() participant: ParticipantIdentity, @Body() dto: CreateMeetingRequestDto) {
    return meetingRequestView(await this.meetings.requestMeeting(participant, dto));
  }

  @Post('meeting-requests/:requestId/accept')
  async accept(@CurrentParticipant() participant: ParticipantIdentity, @Param('requestId', ParseUUIDPipe) requestId: string) {
    return meetingRequestView(await this.meetings.answerRequest(participant, requestId, 'accept'));
  }

  @Post('meeting-requests/:requestId/decline')
  async decline(@CurrentParticipant() participant: ParticipantIdentity, @Param('requestId', ParseUUIDPipe) requestId: string) {
    return meetingRequestView(await this.meetings.answerRequest(participant, requestId, 'decline'));
  }

  @Post('meeting-requests/:requestId/withdraw')
  async withdraw(@CurrentParticipant() participant: ParticipantIdentity, @Param('requestId', ParseUUIDPipe) requestId: string) {
    return meetingRequestView(await this.meetings.answerRequest(participant, requestId, 'withdraw'));
  }
}

@ApiTags('meetings (organiser)')
@ApiBearerAuth()
@UseGuards(OrganiserGuard)
@Controller('api/events/:eventId/meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly events: EventsService,
    private readonly schedule: ScheduleService,
  ) {}

  @Post()
  async create(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string, @Body() dto: CreateMeetingDto) {
    const event = await this.events.getOwned(organiser, eventId);
    return meetingView(await this.meetings.createMeeting(event, dto));
  }

  @Get()
  async list(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string) {
    const event = await this.events.getOwned(organiser, eventId);
    const items = (await this.meetings.listMeetings(event)).map(meetingView);
    return { total: items.length, items };
  }

  /** Moves, pins or cancels a meeting in the current schedule version. */
  @Patch(':meetingId')
  async update(
    @CurrentOrganiser() organiser: Organiser,
    @Param('eventId', ParseUUIDPipe) eventId: string,
    @Param('meetingId', ParseUUIDPipe) meetingId: string,
    @Body() dto: UpdateMeetingDto,
  ) {
    const event = await this.events.getOwned(organiser, eventId);
    if (dto.status === 'cancelled') {
      // the database takes a cancelled meeting out of the current schedule version (migration 0003)
      return meetingView(await this.meetings.cancelMeeting(event, meetingId));
    }
    const { status: _status, ...change } = dto;
    await this.schedule.adjust(event, meetingId, change);
    return this.schedule.placementOf(event, meetingId);
  }

  @Delete(':meetingId')
  async cancel(
    @CurrentOrganiser() organiser: Organiser,
    @Param('eventId', ParseUUIDPipe) eventId: string,
    @Param('meetingId', ParseUUIDPipe) meetingId: string,
  ) {
    const event = await this.events.getOwned(organiser, eventId);
    return meetingView(await this.meetings.cancelMeeting(event, meetingId));
  }
}
