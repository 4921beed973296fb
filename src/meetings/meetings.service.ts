import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { explainConstraints } from '../common/constraint-errors';
import { Clock } from '../common/clock';
import { isPastDeadline } from '../common/time';
import { Event } from '../events/event.entity';
import { EventsService } from '../events/events.service';
import { ParticipantIdentity } from '../registrations/participant.guard';
import { CreateMeetingDto, CreateMeetingRequestDto, DirectoryQuery } from './meeting.dto';
import { MeetingParty, MeetingRequestRow, MeetingRow, MeetingsRepository, PublicProfile } from './meetings.repository';

/** Rules the database enforces, as the API explains them. */
const MEETING_CONSTRAINTS = {
  meeting_requests_one_open_per_pair: () => ApiError.conflict('duplicate_request', 'There is already an open meeting request between you two'),
  meetings_one_active_per_pair: () => ApiError.conflict('duplicate_meeting', 'These two participants already have a meeting'),
};

export type RequestAnswer = 'accept' | 'decline' | 'withdraw';

const ANSWERED_STATUS = { accept: 'accepted', decline: 'declined', withdraw: 'withdrawn' } as const;

@Injectable()
export class MeetingsService {
  constructor(
    private readonly meetings: MeetingsRepository,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  async directory(participant: ParticipantIdentity, query: DirectoryQuery): Promise<{ total: number; items: PublicProfile[] }> {
    await this.assertConfirmed(participant.id);
    return this.meetings.directory(participant.event_id, participant.id, query);
  }

  async listRequests(participant: ParticipantIdentity): Promise<MeetingRequestRow[]> {
    await this.assertConfirmed(participant.id);
    return this.meetings.listRequests(participant.id, this.clock.now());
  }

  /**
   * A participant asks another for a meeting. Both registration rows are locked
   * first: that serialises the cap check of the requester; the partial unique
   * index on the pair refuses a second open request whatever the timing.
   */
  async requestMeeting(participant: ParticipantIdentity, dto: CreateMeetingRequestDto): Promise<MeetingRequestRow> {
    if (dto.participantId === participant.id) throw ApiError.conflict('cannot_meet_self', 'You cannot request a meeting with yourself');
    const event = await this.events.getById(participant.event_id);
    const now = this.clock.now();
    this.assertRequestsOpen(event, now);
    return this.meetings.transaction(async (manager) => {
      const parties = await this.meetings.lockParties(manager, [participant.id, dto.participantId]);
      const requester = parties.get(participant.id)!;
      const recipient = parties.get(dto.participantId);
      if (requester.status !== 'confirmed') throw this.notConfirmed();
      if (!recipient || recipient.event_id !== event.id || recipient.status !== 'confirmed') throw ApiError.notFound('Participant');
      this.assertMayMeet(event, requester, recipient);
      if (event.requestExpiryHours !== null) {
        await this.meetings.expireRequests(manager, requester.id, recipient.id, new Date(now.getTime() - event.requestExpiryHours * 3_600_000));
      }
      const cap = event.maxRequestsPerParticipant;
      if (cap !== null && (await this.meetings.countOpenSent(manager, requester.id)) >= cap) {
        throw ApiError.conflict('request_cap_reached', `You have ${cap} open meeting requests, the most this event allows`);
      }
      const id = await explainConstraints(MEETING_CONSTRAINTS, () => this.meetings.insertRequest(manager, {
        eventId: event.id, requesterId: requester.id, recipientId: recipient.id, message: dto.message ?? '', priority: dto.priority ?? 1, now,
      }));
      return (await this.meetings.findRequest(participant.id, id, now, manager))!;
    });
  }

  /** Only the recipient accepts or declines, only the requester withdraws, and only while pending. Accepting creates the meeting. */
  async answerRequest(participant: ParticipantIdentity, requestId: string, answer: RequestAnswer): Promise<MeetingRequestRow> {
    const event = await this.events.getById(participant.event_id);
    const now = this.clock.now();
    return this.meetings.transaction(async (manager) => {
      const found = await this.meetings.findRequest(participant.id, requestId, now, manager);
      if (!found) throw ApiError.notFound('Meeting request');
      // Same lock order as requestMeeting; the request's status is then read again under the locks.
      const parties = await this.meetings.lockParties(manager, [found.requester_id, found.recipient_id]);
      if (parties.get(participant.id)!.status !== 'confirmed') throw this.notConfirmed();
      const request = (await this.meetings.findRequest(participant.id, requestId, now, manager))!;
      if (answer === 'withdraw' && request.direction !== 'sent') throw ApiError.conflict('not_requester', 'Only the requester can withdraw a request');
      if (answer !== 'withdraw' && request.direction !== 'received') throw ApiError.conflict('not_recipient', `Only the recipient can ${answer} a request`);
      if (request.status === 'expired') throw ApiError.conflict('request_expired', `This request expired at ${request.expires_at!.toISOString()}`);
      if (request.status !== 'pending') throw ApiError.conflict('request_not_pending', `This request is ${request.status}, not pending`);
      if (answer === 'accept') {
        this.assertRequestsOpen(event, now);
        // the rules may have changed since the request (the organiser's type pairs, someone's
        // organisation or type, the requester's registration): the meeting must obey today's
        const [requester, recipient] = [parties.get(request.requester_id)!, parties.get(request.recipient_id)!];
        if (requester.status !== 'confirmed') throw ApiError.conflict('participant_not_confirmed', 'The requester is no longer a confirmed participant');
        this.assertMayMeet(event, requester, recipient);
      }
      await this.meetings.setRequestStatus(manager, request.id, ANSWERED_STATUS[answer], now);
      if (answer === 'accept') {
        await explainConstraints(MEETING_CONSTRAINTS, () => this.meetings.insertMeeting(manager, {
          eventId: event.id, participantIds: [request.requester_id, request.recipient_id], requestId: request.id,
          priority: request.priority, source: 'request', now,
        }));
      }
      return (await this.meetings.findRequest(participant.id, requestId, now, manager))!;
    });
  }

  /** Organiser matchmaking: the same rules as a request, without the participant's cap and deadline. */
  async createMeeting(event: Event, dto: CreateMeetingDto): Promise<MeetingRow> {
    const [first, second] = dto.participantIds;
    if (first === second) throw ApiError.conflict('cannot_meet_self', 'A meeting needs two different participants');
    const now = this.clock.now();
    return this.meetings.transaction(async (manager) => {
      const parties = await this.meetings.lockParties(manager, [first, second]);
      const [a, b] = [parties.get(first), parties.get(second)];
      if (!a || !b || a.event_id !== event.id || b.event_id !== event.id) throw ApiError.notFound('Participant');
      if (a.status !== 'confirmed' || b.status !== 'confirmed') {
        throw ApiError.conflict('participant_not_confirmed', 'Both participants must be confirmed');
      }
      this.assertMayMeet(event, a, b);
      const id = await explainConstraints(MEETING_CONSTRAINTS, () => this.meetings.insertMeeting(manager, {
        eventId: event.id, participantIds: [first, second], requestId: null, priority: dto.priority ?? 1, source: 'organiser', now,
      }));
      return (await this.meetings.findMeeting(event.id, id, manager))!;
    });
  }

  listMeetings(event: Event): Promise<MeetingRow[]> {
    return this.meetings.listActiveMeetings(event.id);
  }

  async cancelMeeting(event: Event, meetingId: string): Promise<MeetingRow> {
    return this.meetings.transaction(async (manager) => {
      // The event row first, as publishing and saving a schedule version take it: a
      // version being written is then complete before this meeting leaves it (the
      // trigger takes it out of the current version), and the order never deadlocks.
      await this.meetings.lockEventShared(manager, event.id);
      const meeting = await this.meetings.lockMeeting(manager, event.id, meetingId);
      if (!meeting) throw ApiError.notFound('Meeting');
      if (meeting.status === 'cancelled') throw ApiError.conflict('meeting_already_cancelled', 'This meeting is already cancelled');
      await this.meetings.cancelMeeting(manager, meetingId, this.clock.now());
      return (await this.meetings.findMeeting(event.id, meetingId, manager))!;
    });
  }

  private assertMayMeet(event: Event, a: MeetingParty, b: MeetingParty): void {
    const organisation = (party: MeetingParty) => party.organisation.trim().toLowerCase();
    if (organisation(a) === organisation(b)) {
      throw ApiError.conflict('same_organisation', 'Participants of the same organisation do not meet each other here');
    }
    const [x, y] = [a.participant_type, b.participant_type];
    if (event.forbiddenTypePairs.some(([p, q]) => (p === x && q === y) || (p === y && q === x))) {
      throw ApiError.conflict('forbidden_type_pair', `The organiser does not allow meetings between "${x}" and "${y}"`);
    }
  }

  private assertRequestsOpen(event: Event, now: Date): void {
    if (isPastDeadline(now, event.meetingRequestsCloseAt)) {
      throw ApiError.conflict('meeting_requests_closed', `Meeting requests closed at ${event.meetingRequestsCloseAt.toISOString()}`);
    }
  }

  private async assertConfirmed(registrationId: string): Promise<void> {
    if ((await this.meetings.findStatus(registrationId)) !== 'confirmed') throw this.notConfirmed();
  }

  private notConfirmed(): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, 'not_confirmed', 'Only confirmed participants take part in matchmaking');
  }
}
