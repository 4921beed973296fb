import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Organiser } from '../organisers/organiser.entity';
import { CurrentOrganiser, OrganiserGuard } from '../organisers/organiser.guard';
import { CreateEventDto, UpdateEventDto } from './event.dto';
import { eventView, slotView } from './event.view';
import { EventsService } from './events.service';

@ApiTags('events (organiser)')
@ApiBearerAuth()
@UseGuards(OrganiserGuard)
@Controller('api/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  async create(@CurrentOrganiser() organiser: Organiser, @Body() dto: CreateEventDto) {
    return eventView(await this.events.create(organiser, dto));
  }

  @Get()
  async list(@CurrentOrganiser() organiser: Organiser) {
    return (await this.events.list(organiser)).map(eventView);
  }

  @Get(':eventId')
  async get(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string) {
    return eventView(await this.events.getOwned(organiser, eventId));
  }

  @Patch(':eventId')
  async update(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string, @Body() dto: UpdateEventDto) {
    return eventView(await this.events.update(organiser, eventId, dto));
  }

  @Get(':eventId/slots')
  async slots(@CurrentOrganiser() organiser: Organiser, @Param('eventId', ParseUUIDPipe) eventId: string) {
    await this.events.getOwned(organiser, eventId);
    return (await this.events.slots(eventId)).map(slotView);
  }
}
