import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error';
import { explainConstraints } from '../common/constraint-errors';
import { Clock } from '../common/clock';
import { isPastDeadline, parseInstant } from '../common/time';
import { Organiser } from '../organisers/organiser.entity';
import { lockEvent, promoteFromWaitlist } from '../registrations/waitlist';
import { CreateEventDto, UpdateEventDto } from './event.dto';
import { Event, EventSession, Slot } from './event.entity';
import { deriveSlots } from './slots';

const INSTANT_FIELDS = [
  'startsAt', 'endsAt', 'registrationOpensAt', 'registrationClosesAt', 'meetingRequestsCloseAt', 'cancellationClosesAt',
] as const;

type EventTimes = Record<(typeof INSTANT_FIELDS)[number], Date> & { sessions: { startsAt: Date; endsAt: Date }[] };
export type RegistrationState = 'open' | 'not_open' | 'closed' | 'full';

@Injectable()
export class EventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(organiser: Organiser, dto: CreateEventDto): Promise<Event> {
    const times = this.readTimes(dto, dto.timezone);
    return this.dataSource.transaction(async (manager) => {
      const { sessions: _sessions, ...fields } = dto;
      const event = await this.saveEvent(manager, manager.create(Event, {
        ...fields, ...times, sessions: [], organiserId: organiser.id,
        description: dto.description ?? '', venue: dto.venue ?? '', capacity: dto.capacity ?? null,
        waitlist: dto.waitlist ?? false, changeoverMinutes: dto.changeoverMinutes ?? 0,
        forbiddenTypePairs: this.readForbiddenTypePairs(dto), maxRequestsPerParticipant: dto.maxRequestsPerParticipant ?? null,
        requestExpiryHours: dto.requestExpiryHours ?? null, contactEmail: dto.contactEmail ?? '', language: dto.language ?? 'en',
      }));
      await this.replaceSessions(manager, event, times.sessions);
      return this.load(manager, event.id);
    });
  }

  list(organiser: Organiser): Promise<Event[]> {
    return this.dataSource.getRepository(Event).find({
      where: { organiserId: organiser.id }, relations: { sessions: true }, order: { startsAt: 'ASC', sessions: { startsAt: 'ASC' } },
    });
  }

  /** An organiser sees only its own events; anyone else's look like they do not exist. */
  async getOwned(organiser: Organiser, eventId: string, manager = this.dataSource.manager): Promise<Event> {
    const event = await this.load(manager, eventId).catch(() => null);
    if (!event || event.organiserId !== organiser.id) throw ApiError.notFound('Event');
    return event;
  }

  async getById(eventId: string): Promise<Event> {
    return this.load(this.dataSource.manager, eventId);
  }

  async getBySlug(slug: string): Promise<Event> {
    const event = await this.dataSource.getRepository(Event).findOne({
      where: { slug }, relations: { sessions: true }, order: { sessions: { startsAt: 'ASC' } },
    });
    if (!event) throw ApiError.notFound('Event');
    return event;
  }

  /**
   * The event row alone, read with plain SQL: registration calls this on every
   * request, and the ORM's entity hydration cost more than the query itself.
   */
  async getForRegistration(slug: string): Promise<Event> {
    const columns = this.dataSource.getMetadata(Event).columns.map((column) => `"${column.databaseName}" AS "${column.propertyName}"`);
    const [row] = await this.dataSource.query(`SELECT ${columns.join(', ')} FROM events WHERE slug = $1`, [slug]);
    if (!row) throw ApiError.notFound('Event');
    return row as Event;
  }

  async update(organiser: Organiser, eventId: string, dto: UpdateEventDto): Promise<Event> {
    return this.dataSource.transaction(async (manager) => {
      await this.getOwned(organiser, eventId, manager);
      await lockEvent(manager, eventId);
      const current = await this.load(manager, eventId);
      const merged = { ...this.toInput(current), ...dto } as CreateEventDto;
      const times = this.readTimes(merged, merged.timezone);
      const forbiddenTypePairs = this.readForbiddenTypePairs(merged);
      const { sessions: _sessions, ...fields } = dto;
      Object.assign(current, fields, times, { forbiddenTypePairs, sessions: undefined });
      await this.saveEvent(manager, current);
      if (dto.sessions || dto.meetingMinutes !== undefined || dto.changeoverMinutes !== undefined) {
        await this.replaceSessions(manager, current, times.sessions);
      }
      // More seats (or unlimited) may let people in from the waiting list.
      await promoteFromWaitlist(manager, eventId, this.clock.now());
      return this.load(manager, eventId);
    });
  }

  slots(eventId: string, manager = this.dataSource.manager): Promise<Slot[]> {
    return manager.getRepository(Slot).find({ where: { eventId }, order: { startsAt: 'ASC' } });
  }

  registrationState(event: Event, now = this.clock.now()): RegistrationState {
    if (now < event.registrationOpensAt) return 'not_open';
    if (isPastDeadline(now, event.registrationClosesAt)) return 'closed';
    if (event.capacity !== null && event.confirmedCount >= event.capacity && !event.waitlist) return 'full';
    return 'open';
  }

  private load(manager: EntityManager, id: string): Promise<Event> {
    return manager.getRepository(Event).findOneOrFail({
      where: { id }, relations: { sessions: true }, order: { sessions: { startsAt: 'ASC' } },
    });
  }

  private saveEvent(manager: EntityManager, event: Event): Promise<Event> {
    const { sessions: _sessions, ...row } = event;
    return explainConstraints({
      events_slug_key: () => ApiError.conflict('slug_taken', `An event with slug "${event.slug}" already exists`),
      events_capacity_respected: () =>
        ApiError.conflict('capacity_below_confirmed', `Capacity cannot be lower than the ${event.confirmedCount} confirmed registrations`),
    }, () => manager.save(Event, row as Event));
  }

  /**
   * Replaces the sessions and re-derives the slots. A slot that starts at the
   * same instant as before keeps its id, so participants' availability and
   * meetings placed in it survive an edit of the programme.
   */
  private async replaceSessions(manager: EntityManager, event: Event, sessions: { startsAt: Date; endsAt: Date }[]): Promise<void> {
    const oldSessions = await manager.find(EventSession, { where: { eventId: event.id } });
    const oldSlots = new Map((await this.slots(event.id, manager)).map((slot) => [slot.startsAt.getTime(), slot]));
    const kept = new Set<string>();
    for (const range of sessions) {
      const session = await manager.save(EventSession, manager.create(EventSession, { eventId: event.id, ...range }));
      for (const slot of deriveSlots(range, event.meetingMinutes, event.changeoverMinutes)) {
        const existing = oldSlots.get(slot.startsAt.getTime());
        if (existing) kept.add(existing.id);
        await manager.save(Slot, { ...(existing ?? {}), eventId: event.id, sessionId: session.id, ...slot });
      }
    }
    const dropped = [...oldSlots.values()].filter((slot) => !kept.has(slot.id)).map((slot) => slot.id);
    if (dropped.length) await manager.delete(Slot, dropped);
    if (oldSessions.length) await manager.delete(EventSession, oldSessions.map((session) => session.id));
  }

  /** Turns the ISO strings into instants (in the event's zone) and checks that they are in a sensible order. */
  private readTimes(dto: CreateEventDto, zone: string): EventTimes {
    const details: Record<string, string[]> = {};
    const read = (field: string, value: string): Date => {
      const parsed = parseInstant(value, zone);
      if (parsed instanceof Date) return parsed;
      details[field] = [`${field} ${parsed.error}`];
      return new Date(NaN);
    };
    const times = Object.fromEntries(INSTANT_FIELDS.map((field) => [field, read(field, dto[field])])) as unknown as EventTimes;
    times.sessions = dto.sessions.map((session, index) => ({
      startsAt: read(`sessions.${index}.startsAt`, session.startsAt),
      endsAt: read(`sessions.${index}.endsAt`, session.endsAt),
    }));
    if (Object.keys(details).length) throw ApiError.validation(details);

    const order = (earlier: string, a: Date, later: string, b: Date, strict = true) => {
      if (strict ? a >= b : a > b) details[later] = [`${later} must be ${strict ? 'after' : 'at or after'} ${earlier}`];
    };
    order('startsAt', times.startsAt, 'endsAt', times.endsAt);
    order('registrationOpensAt', times.registrationOpensAt, 'registrationClosesAt', times.registrationClosesAt);
    order('registrationClosesAt', times.registrationClosesAt, 'endsAt', times.endsAt);
    order('meetingRequestsCloseAt', times.meetingRequestsCloseAt, 'endsAt', times.endsAt);
    order('cancellationClosesAt', times.cancellationClosesAt, 'endsAt', times.endsAt, false);
    const sorted = [...times.sessions].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    times.sessions.forEach((session, index) => {
      const field = `sessions.${index}`;
      if (session.startsAt >= session.endsAt) details[field] = [`${field}.endsAt must be after its startsAt`];
      else if (session.startsAt < times.startsAt || session.endsAt > times.endsAt) details[field] = [`${field} must lie within the event (startsAt..endsAt)`];
      else if (deriveSlots(session, dto.meetingMinutes, dto.changeoverMinutes ?? 0).length === 0) {
        details[field] = [`${field} is too short for one meeting of ${dto.meetingMinutes} + ${dto.changeoverMinutes ?? 0} minutes`];
      }
    });
    sorted.forEach((session, index) => {
      if (index > 0 && session.startsAt < sorted[index - 1].endsAt) details.sessions = ['sessions must not overlap'];
    });
    if (Object.keys(details).length) throw ApiError.validation(details);
    times.sessions = sorted;
    return times;
  }

  /** Checks the pairs against the event's participant types; stores each pair sorted, once. */
  private readForbiddenTypePairs(dto: CreateEventDto): string[][] {
    const pairs = dto.forbiddenTypePairs ?? [];
    const unknown = pairs.flat().filter((type) => !dto.participantTypes.includes(type));
    if (unknown.length) {
      throw ApiError.validation({ forbiddenTypePairs: [`not participant types of this event: ${[...new Set(unknown)].join(', ')}`] });
    }
    const keys = new Set(pairs.map((pair) => JSON.stringify([...pair].sort())));
    return [...keys].map((key) => JSON.parse(key) as string[]);
  }

  private toInput(event: Event): CreateEventDto {
    const iso = (date: Date) => date.toISOString();
    return {
      title: event.title, slug: event.slug, description: event.description, venue: event.venue, timezone: event.timezone,
      startsAt: iso(event.startsAt), endsAt: iso(event.endsAt), registrationOpensAt: iso(event.registrationOpensAt),
      registrationClosesAt: iso(event.registrationClosesAt), meetingRequestsCloseAt: iso(event.meetingRequestsCloseAt),
      cancellationClosesAt: iso(event.cancellationClosesAt), capacity: event.capacity, waitlist: event.waitlist,
      participantTypes: event.participantTypes, meetingMinutes: event.meetingMinutes, changeoverMinutes: event.changeoverMinutes,
      tables: event.tables, forbiddenTypePairs: event.forbiddenTypePairs, maxRequestsPerParticipant: event.maxRequestsPerParticipant,
      requestExpiryHours: event.requestExpiryHours, contactEmail: event.contactEmail, language: event.language,
      sessions: event.sessions.map((session) => ({ startsAt: iso(session.startsAt), endsAt: iso(session.endsAt) })),
    };
  }
}
