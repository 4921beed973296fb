import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error';
import { explainConstraints } from '../common/constraint-errors';
import { Clock } from '../common/clock';
import { IdempotencyStore, StoredResponse } from '../common/idempotency';
import { feedToken, hashSecret, participantToken } from '../common/secrets';
import { Env } from '../config/env';
import { isPastDeadline } from '../common/time';
import { Event } from '../events/event.entity';
import { registrationsTotal } from '../observability/metrics';
import { EventsService } from '../events/events.service';
import { CreateRegistrationDto, ListRegistrationsQuery, UpdateMeDto, UpdateRegistrationDto } from './registration.dto';
import { RegistrationStatus } from './registration.entity';
import { RegistrationRow, RegistrationsRepository } from './registrations.repository';
import { cancelMeetingsOfParticipant } from '../meetings/meetings.repository';
import { lockEvent, promoteFromWaitlist } from './waitlist';

/** Rules the database enforces, as the API explains them. */
const REGISTRATION_CONSTRAINTS = {
  registrations_one_active_per_email: () => ApiError.conflict('already_registered', 'This email address has another active registration for the event'),
  events_capacity_respected: () => ApiError.conflict('event_full', 'No free seat'),
};

export interface RegistrationCreated {
  id: string;
  status: 'confirmed' | 'waitlisted';
  token: string;
  waitlistPosition: number | null;
}

@Injectable()
export class RegistrationsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly events: EventsService,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /**
   * Registers a participant. The seat decision and the insert are one
   * statement under the event row lock (RegistrationsRepository.takeSeat).
   * With an Idempotency-Key the same statement runs in a transaction that also
   * stores the response, serialised per key, so a retry returns it unchanged.
   */
  async register(slug: string, dto: CreateRegistrationDto, idempotencyKey?: string): Promise<StoredResponse<RegistrationCreated>> {
    const event = await this.events.getForRegistration(slug);
    const key = IdempotencyStore.validateKey(idempotencyKey);
    // Without a key no transaction is opened: the one statement commits on its own, releasing the lock at once.
    if (!key) return this.takeSeat(this.registrations.autocommit, event, dto);
    const scope = `registration:${event.id}`;
    const requestHash = IdempotencyStore.hashRequest(dto);
    return this.registrations.transaction(async (manager) => {
      await this.idempotency.lock(manager, scope, key);
      const stored = await this.idempotency.find<RegistrationCreated>(manager, scope, key, requestHash);
      if (stored) return stored;
      const response = await this.takeSeat(manager, event, dto);
      await this.idempotency.save(manager, scope, key, requestHash, response);
      return response;
    });
  }

  private async takeSeat(manager: EntityManager, event: Event, dto: CreateRegistrationDto): Promise<StoredResponse<RegistrationCreated>> {
    this.assertRegistrationOpen(event, this.clock.now());
    this.assertParticipantType(event, dto.participantType);
    await this.assertSlotsOfEvent(manager, event.id, dto.unavailableSlotIds);
    const id = randomUUID();
    const token = participantToken(this.env.APP_SECRET, id);
    const seat = await this.registrations.takeSeat(manager, {
      id, feedTokenHash: hashSecret(feedToken(this.env.APP_SECRET, id, 1)),
      eventId: event.id, email: dto.email, name: dto.name, organisation: dto.organisation, participantType: dto.participantType,
      country: dto.country, profile: dto.profile ?? '', topics: dto.topics ?? [], tokenHash: hashSecret(token), now: this.clock.now(),
    }, dto.unavailableSlotIds ?? []);
    if (seat.outcome === 'full') throw ApiError.conflict('event_full', 'The event is full and has no waiting list');
    if (seat.outcome === 'already_registered') throw ApiError.conflict('already_registered', 'This email address is already registered for the event');
    registrationsTotal.inc({ status: seat.status });
    return { statusCode: HttpStatus.CREATED, body: { id: seat.id, status: seat.status, token, waitlistPosition: seat.waitlistPosition } };
  }

  /** Resolves a participant token to its registration id (the token is the participant's key to everything about themselves). */
  async authenticate(token: string): Promise<{ id: string; event_id: string } | null> {
    return this.registrations.findIdByTokenHash(hashSecret(token));
  }

  async me(registrationId: string): Promise<{ registration: RegistrationRow; event: Event }> {
    const registration = (await this.registrations.findView(null, registrationId))!;
    return { registration, event: await this.events.getById(registration.event_id) };
  }

  async updateMe(registrationId: string, dto: UpdateMeDto): Promise<RegistrationRow> {
    return this.registrations.transaction(async (manager) => {
      const current = await this.registrations.lockRegistration(manager, registrationId);
      if (current.status === 'cancelled') throw ApiError.conflict('registration_cancelled', 'This registration is cancelled');
      const view = (await this.registrations.findView(null, registrationId, manager))!;
      if (dto.unavailableSlotIds) {
        await this.assertSlotsOfEvent(manager, view.event_id, dto.unavailableSlotIds);
        await this.registrations.setUnavailableSlots(manager, registrationId, dto.unavailableSlotIds);
      }
      await this.registrations.updateProfile(manager, registrationId, { ...dto }, this.clock.now());
      return (await this.registrations.findView(null, registrationId, manager))!;
    });
  }

  /** A participant cancels; the freed seat goes to the head of the waiting list in the same transaction. */
  async cancelMe(registrationId: string): Promise<RegistrationRow> {
    const { registration, event } = await this.me(registrationId);
    const now = this.clock.now();
    if (isPastDeadline(now, event.cancellationClosesAt)) {
      throw ApiError.conflict('cancellation_closed', `Cancellation closed at ${event.cancellationClosesAt.toISOString()}`);
    }
    return this.changeStatus(event.id, registration.id, 'cancelled');
  }

  list(event: Event, query: ListRegistrationsQuery) {
    return this.registrations.list(event.id, query);
  }

  all(event: Event): Promise<RegistrationRow[]> {
    return this.registrations.all(event.id);
  }

  async update(event: Event, registrationId: string, dto: UpdateRegistrationDto): Promise<RegistrationRow> {
    const registration = await this.registrations.findView(event.id, registrationId);
    if (!registration) throw ApiError.notFound('Registration');
    if (dto.maxMeetings !== undefined || dto.unavailableSlotIds) await this.updateAvailability(event.id, registrationId, dto);
    if (dto.status) return this.changeStatus(event.id, registrationId, dto.status);
    return (await this.registrations.findView(event.id, registrationId))!;
  }

  /** The organiser sets what the scheduler must respect for one participant. */
  private updateAvailability(eventId: string, registrationId: string, dto: UpdateRegistrationDto): Promise<void> {
    return this.registrations.transaction(async (manager) => {
      await this.registrations.lockRegistration(manager, registrationId);
      if (dto.unavailableSlotIds) {
        await this.assertSlotsOfEvent(manager, eventId, dto.unavailableSlotIds);
        await this.registrations.setUnavailableSlots(manager, registrationId, dto.unavailableSlotIds);
      }
      await this.registrations.updateProfile(manager, registrationId, { maxMeetings: dto.maxMeetings }, this.clock.now());
    });
  }

  /**
   * The one place where a registration changes status. Under the event lock:
   * a confirmed seat is only taken if free, a seat freed by cancelling or
   * waitlisting goes to the head of the waiting list.
   */
  private changeStatus(eventId: string, registrationId: string, status: RegistrationStatus): Promise<RegistrationRow> {
    return this.registrations.transaction(async (manager) => {
      const seats = await lockEvent(manager, eventId);
      const current = await this.registrations.lockRegistration(manager, registrationId);
      const now = this.clock.now();
      if (current.status === status) {
        if (status === 'cancelled') throw ApiError.conflict('already_cancelled', 'This registration is already cancelled');
        return (await this.registrations.findView(eventId, registrationId, manager))!;
      }
      if (status === 'confirmed' && seats.capacity !== null && seats.confirmed_count >= seats.capacity) {
        throw ApiError.conflict('event_full', 'No free seat: raise the capacity or cancel another registration first');
      }
      await explainConstraints(REGISTRATION_CONSTRAINTS, () => this.registrations.setStatus(manager, registrationId, status, now));
      if (status === 'cancelled') await cancelMeetingsOfParticipant(manager, registrationId, now);
      // Someone the organiser just put on the waiting list is not promoted straight back.
      if (status !== 'confirmed') await promoteFromWaitlist(manager, eventId, now, registrationId);
      return (await this.registrations.findView(eventId, registrationId, manager))!;
    });
  }

  private assertRegistrationOpen(event: Event, now: Date): void {
    if (now < event.registrationOpensAt) {
      throw ApiError.conflict('registration_not_open', `Registration opens at ${event.registrationOpensAt.toISOString()}`);
    }
    if (isPastDeadline(now, event.registrationClosesAt)) {
      throw ApiError.conflict('registration_closed', `Registration closed at ${event.registrationClosesAt.toISOString()}`);
    }
  }

  private assertParticipantType(event: Event, participantType: string): void {
    if (!event.participantTypes.includes(participantType)) {
      throw ApiError.validation({ participantType: [`participantType must be one of: ${event.participantTypes.join(', ')}`] });
    }
  }

  private async assertSlotsOfEvent(manager: EntityManager, eventId: string, slotIds: string[] | undefined): Promise<void> {
    const unknown = await this.registrations.unknownSlotIds(manager, eventId, slotIds ?? []);
    if (unknown.length) throw ApiError.validation({ unavailableSlotIds: [`not slots of this event: ${unknown.join(', ')}`] });
  }
}
