import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { slotView } from './event.view';
import { EventsService } from './events.service';

@ApiTags('public')
@UseGuards(RateLimitGuard)
@Controller('api/public/events')
export class PublicEventsController {
  constructor(private readonly events: EventsService) {}

  @Get(':slug')
  async get(@Param('slug') slug: string) {
    const event = await this.events.getBySlug(slug);
    return {
      slug: event.slug,
      title: event.title,
      description: event.description,
      venue: event.venue,
      timezone: event.timezone,
      startsAt: event.startsAt.toISOString(),
      endsAt: event.endsAt.toISOString(),
      registrationOpensAt: event.registrationOpensAt.toISOString(),
      registrationClosesAt: event.registrationClosesAt.toISOString(),
      participantTypes: event.participantTypes,
      meetingMinutes: event.meetingMinutes,
      registration: this.events.registrationState(event),
      slots: (await this.events.slots(event.id)).map(slotView),
    };
  }
}
