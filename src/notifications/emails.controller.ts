import { Controller, Get, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EventsService } from '../events/events.service';
import { Organiser } from '../organisers/organiser.entity';
import { CurrentOrganiser, OrganiserGuard } from '../organisers/organiser.guard';
import { OutboxRepository } from './outbox.repository';

export class EmailsQuery {
  @ApiPropertyOptional({ enum: ['pending', 'sent', 'failed'] }) @IsOptional() @IsIn(['pending', 'sent', 'failed']) status?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

@ApiTags('emails (organiser)')
@ApiBearerAuth()
@UseGuards(OrganiserGuard)
@Controller('api/events/:eventId/emails')
export class EmailsController {
  constructor(
    private readonly events: EventsService,
    private readonly outbox: OutboxRepository,
  ) {}

  /** What was sent, what is waiting, and what could not be delivered and why (`?status=failed`). */
  @Get()
  async list(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string, @Query() query: EmailsQuery) {
    await this.events.getOwned(organiser, eventId);
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const rows = await this.outbox.list(eventId, query.status, limit, offset);
    return {
      total: Number(rows[0]?.total ?? 0),
      limit,
      offset,
      items: rows.map((row: Record<string, never>) => ({
        id: row.id, cause: row.cause, status: row.status, attempts: row.attempts, error: row.last_error,
        recipient: { registrationId: row.registration_id, email: row.email, name: row.name },
        createdAt: (row.created_at as Date).toISOString(), sentAt: (row.sent_at as Date | null)?.toISOString() ?? null,
      })),
    };
  }
}
