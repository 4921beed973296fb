import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { EventsService } from '../events/events.service';
import { Organiser } from '../organisers/organiser.entity';
import { CurrentOrganiser, OrganiserGuard } from '../organisers/organiser.guard';
import { CurrentParticipant, ParticipantGuard, ParticipantIdentity } from '../registrations/participant.guard';
import { CreateMeetingDto, CreateMeetingRequestDto, DirectoryQuery } from './meeting.dto';
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
