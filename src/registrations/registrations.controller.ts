import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { calendarFeedUrl } from '../common/secrets';
import { Env } from '../config/env';
import { eventView } from '../events/event.view';
import { EventsService } from '../events/events.service';
import { Organiser } from '../organisers/organiser.entity';
import { CurrentOrganiser, OrganiserGuard } from '../organisers/organiser.guard';
import { CurrentParticipant, ParticipantGuard, ParticipantIdentity } from './participant.guard';
import { CreateRegistrationDto, CsvQuery, ListRegistrationsQuery, UpdateMeDto, UpdateRegistrationDto } from './registration.dto';
import { registrationView } from './registration.view';
import { registrationsCsv } from './registrations.csv';
import { RegistrationsService } from './registrations.service';

@ApiTags('public')
@UseGuards(RateLimitGuard)
@Controller('api/public/events/:slug/registrations')
export class PublicRegistrationsController {
  constructor(private readonly registrations: RegistrationsService) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response' })
  async register(
    @Param('slug') slug: string,
    @Body() dto: CreateRegistrationDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.registrations.register(slug, dto, idempotencyKey);
    response.status(result.statusCode);
    return result.body;
  }
}

@ApiTags('registrations (organiser)')
@ApiBearerAuth()
@UseGuards(OrganiserGuard)
@Controller('api/events/:eventId')
export class RegistrationsController {
  constructor(
    private readonly registrations: RegistrationsService,
    private readonly events: EventsService,
  ) {}

  @Get('registrations')
  async list(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string, @Query() query: ListRegistrationsQuery) {
    const event = await this.events.getOwned(organiser, eventId);
    const { total, items } = await this.registrations.list(event, query);
    return { total, limit: query.limit ?? 100, offset: query.offset ?? 0, items: items.map(registrationView) };
  }

  @Get('registrations.csv')
  async csv(
    @CurrentOrganiser() organiser: Organiser,
    @Param('eventId', ParseUUIDPipe) eventId: string,
    @Query() query: CsvQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const event = await this.events.getOwned(organiser, eventId);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${event.slug}-registrations.csv"`);
    return registrationsCsv(await this.registrations.all(event), event.timezone, query.delimiter === 'semicolon' ? ';' : ',');
  }

  @Patch('registrations/:registrationId')
  async update(
    @CurrentOrganiser() organiser: Organiser,
    @Param('eventId', ParseUUIDPipe) eventId: string,
    @Param('registrationId', ParseUUIDPipe) registrationId: string,
    @Body() dto: UpdateRegistrationDto,
  ) {
    const event = await this.events.getOwned(organiser, eventId);
    return registrationView(await this.registrations.update(event, registrationId, dto));
  }
}

@ApiTags('participant')
@ApiBearerAuth()
@UseGuards(RateLimitGuard, ParticipantGuard)
@Controller('api/me')
export class MeController {
  constructor(
    private readonly registrations: RegistrationsService,
    private readonly env: Env,
  ) {}

  @Get()
  async get(@CurrentParticipant() participant: ParticipantIdentity) {
    const { registration, event } = await this.registrations.me(participant.id);
    const { id, slug, title, venue, timezone, startsAt, endsAt, cancellationClosesAt, meetingRequestsCloseAt } = eventView(event);
    return {
      ...registrationView(registration),
      calendarFeedUrl: calendarFeedUrl(this.env.PUBLIC_BASE_URL, this.env.APP_SECRET, registration.id, registration.feed_version),
      event: { id, slug, title, venue, timezone, startsAt, endsAt, cancellationClosesAt, meetingRequestsCloseAt },
    };
  }

  @Patch()
  async update(@CurrentParticipant() participant: ParticipantIdentity, @Body() dto: UpdateMeDto) {
    return registrationView(await this.registrations.updateMe(participant.id, dto));
  }

  @Post('cancel')
  async cancel(@CurrentParticipant() participant: ParticipantIdentity) {
    return registrationView(await this.registrations.cancelMe(participant.id));
  }
}
