import { Controller, Get, Header, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { CurrentParticipant, ParticipantGuard, ParticipantIdentity } from '../registrations/participant.guard';
import { CalendarService } from './calendar.service';

@ApiTags('calendar')
@UseGuards(RateLimitGuard)
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** Subscribe to this URL (from GET /api/me, `calendarFeedUrl`) to keep the agenda current without emails. */
  @Get('calendar/:file')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, max-age=300')
  feed(@Param('file') file: string): Promise<string> {
    const token = /^(f_[A-Za-z0-9_-]{32})\.ics$/.exec(file)?.[1];
    if (!token) throw ApiError.notFound('Calendar feed');
    return this.calendar.feed(token);
  }

  @Post('api/me/calendar-feed/revoke')
  @ApiBearerAuth()
  @UseGuards(ParticipantGuard)
  async revoke(@CurrentParticipant() participant: ParticipantIdentity) {
    return { calendarFeedUrl: await this.calendar.revoke(participant.id) };
  }
}
