import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { eventView, slotView } from './event.view';
import { EventsService } from './events.service';

@ApiTags('public')
@UseGuards(RateLimitGuard)
@Controller('api/public/events')
export class PublicEventsController {
  constructor(private readonly events: EventsService) {}

  @Get(':slug')
  async get(@Param('slug') slugParam: string) {
    const event = await this.events.getBySlug(slugParam);
    const { slug, title, description, venue, timezone, startsAt, endsAt, registrationOpensAt, registrationClosesAt, participantTypes, meetingMinutes } =
      eventView(event);
    return {
      slug, title, description, venue, timezone, startsAt, endsAt, registrationOpensAt, registrationClosesAt, participantTypes, meetingMinutes,
      registration: this.events.registrationState(event),
      slots: (await this.events.slots(event.id)).map(slotView),
    };
  }
}
