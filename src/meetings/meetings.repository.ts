import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlFilter } from '../common/sql-filter';
import { RegistrationStatus } from '../registrations/registration.entity';
import { DirectoryQuery } from './meeting.dto';

/** What other participants may see of someone: never the email or anything secret. */
const publicProfile = (alias: string) => `json_build_object(
  'id', ${alias}.id, 'name', ${alias}.name, 'organisation', ${alias}.organisation, 'participantType', ${alias}.participant_type,
  'country', ${alias}.country, 'profile', ${alias}.profile, 'topics', ${alias}.topics)`;

export interface PublicProfile {
  id: string;
  name: string;
  organisation: string;
  participantType: string;
  country: string;
  profile: string;
  topics: string[];
}

/** The facts the meeting rules are decided on, read under the row lock. */
export interface MeetingParty {
  id: string;
  event_id: string;
  status: RegistrationStatus;
  organisation: string;
  participant_type: string;
}

export type MeetingRequestStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'expired' | 'cancelled';

export interface MeetingRequestRow {
  id: string;
  event_id: string;
  requester_id: string;
  recipient_id: string;
  direction: 'sent' | 'received';
  /** 'expired' for a pending request past the event's expiry, computed at read time. */
  status: MeetingRequestStatus;
  message: string;
  priority: number;
  created_at: Date;
  answered_at: Date | null;
  expires_at: Date | null;
  meeting_id: string | null;
  participant: PublicProfile;
}

export interface MeetingRow {
  id: string;
  event_id: string;
  request_id: string | null;
  priority: number;
  status: 'active' | 'cancelled';
  source: 'request' | 'organiser';
  created_at: Date;
  cancelled_at: Date | null;
  participants: [PublicProfile, PublicProfile];
}

export interface NewMeeting {
  eventId: string;
  participantIds: [string, string];
  requestId: string | null;
  priority: number;
  source: 'request' | 'organiser';
  now: Date;
}

// $1 = the participant looking, $2 = now
const SELECT_REQUEST = `
  SELECT q.id, q.event_id, q.requester_id, q.recipient_id, q.message, q.priority, q.created_at, q.answered_at,
         CASE WHEN q.requester_id = $1 THEN 'sent' ELSE 'received' END AS direction,
         q.created_at + make_interval(hours => e.request_expiry_hours) AS expires_at,
         CASE WHEN q.status = 'pending' AND q.created_at + make_interval(hours => e.request_expiry_hours) <= $2 THEN 'expired'
              ELSE q.status END AS status,
         m.id AS meeting_id,
         ${publicProfile('o')} AS participant
  FROM meeting_requests q
  JOIN events e ON e.id = q.event_id
  JOIN registrations o ON o.id = CASE WHEN q.requester_id = $1 THEN q.recipient_id ELSE q.requester_id END
  LEFT JOIN meetings m ON m.request_id = q.id`;

const SELECT_MEETING = `
  SELECT m.id, m.event_id, m.request_id, m.priority, m.status, m.source, m.created_at, m.cancelled_at,
         json_build_array(${publicProfile('a')}, ${publicProfile('b')}) AS participants
  FROM meetings m
  JOIN registrations a ON a.id = m.participant_a
  JOIN registrations b ON b.id = m.participant_b`;

/** Plain persistence for meeting requests and meetings; the rules live in MeetingsService. */
@Injectable()
export class MeetingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Locks both participants' registration rows, always in id order so two
   * requests between the same people in opposite directions cannot deadlock.
   * The requester's lock is what makes the per-participant cap race-free.
   */
  async lockParties(manager: EntityManager, ids: string[]): Promise<Map<string, MeetingParty>> {
    const rows: MeetingParty[] = await manager.query(
      `SELECT id, event_id, status, organisation, participant_type FROM registrations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  async findStatus(registrationId: string): Promise<RegistrationStatus | null> {
    const [row] = await this.dataSource.query(`SELECT status FROM registrations WHERE id = $1`, [registrationId]);
    return row?.status ?? null;
  }

  async directory(eventId: string, viewerId: string, query: DirectoryQuery): Promise<{ total: number; items: PublicProfile[] }> {
    const filter = new SqlFilter([`r.event_id = $1`, `r.status = 'confirmed'`, `r.id <> $2`], [eventId, viewerId]);
    if (query.type) filter.add('r.participant_type = ?', query.type);
    if (query.country) filter.add('r.country = ?', query.country);
    if (query.topic) filter.add('EXISTS (SELECT 1 FROM unnest(r.topics) AS topic WHERE lower(topic) = lower(?))', query.topic);
    if (query.q) filter.addSearch(`(r.name || ' ' || r.organisation || ' ' || r.profile || ' ' || array_to_string(r.topics, ' '))`, query.q);
    const from = `FROM registrations r WHERE ${filter.where}`;
    const params = filter.params;
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total ${from}`, params);
    const rows: { participant: PublicProfile }[] = await this.dataSource.query(
      `SELECT ${publicProfile('r')} AS participant ${from} ORDER BY lower(r.organisation), lower(r.name), r.id
       LIMIT ${query.limit ?? 100} OFFSET ${query.offset ?? 0}`,
      params,
    );
    return { total, items: rows.map((row) => row.participant) };
  }

  /**
   * Writes 'expired' on unanswered requests past the expiry that would still
   * count against the requester's cap or block the pair. Only the requester's
   * own and the pair's rows are touched, so concurrent calls overlap in at most one row.
   */
  async expireRequests(manager: EntityManager, requesterId: string, otherId: string, createdBefore: Date): Promise<void> {
    await manager.query(
      `UPDATE meeting_requests SET status = 'expired'
       WHERE status = 'pending' AND created_at <= $3
         AND (requester_id = $1 OR (requester_id = $2 AND recipient_id = $1))`,
      [requesterId, otherId, createdBefore],
    );
  }

  async countOpenSent(manager: EntityManager, requesterId: string): Promise<number> {
    const [{ count }] = await manager.query(
      `SELECT count(*)::int AS count FROM meeting_requests WHERE requester_id = $1 AND status IN ('pending', 'accepted')`,
      [requesterId],
    );
    return count;
  }

  async insertRequest(
    manager: EntityManager,
    request: { eventId: string; requesterId: string; recipientId: string; message: string; priority: number; now: Date },
  ): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO meeting_requests (event_id, requester_id, recipient_id, message, priority, status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id`,
      [request.eventId, request.requesterId, request.recipientId, request.message, request.priority, request.now],
    );
    return row.id;
  }

  async findRequest(viewerId: string, requestId: string, now: Date, manager = this.dataSource.manager): Promise<MeetingRequestRow | null> {
    const [row] = await manager.query(`${SELECT_REQUEST} WHERE q.id = $3 AND (q.requester_id = $1 OR q.recipient_id = $1)`, [viewerId, now, requestId]);
    return row ?? null;
  }

  listRequests(viewerId: string, now: Date): Promise<MeetingRequestRow[]> {
    return this.dataSource.query(
      `${SELECT_REQUEST} WHERE q.requester_id = $1 OR q.recipient_id = $1 ORDER BY q.created_at DESC, q.id`,
      [viewerId, now],
    );
  }

  async setRequestStatus(manager: EntityManager, requestId: string, status: MeetingRequestStatus, now: Date): Promise<void> {
    await manager.query(`UPDATE meeting_requests SET status = $2, answered_at = $3 WHERE id = $1`, [requestId, status, now]);
  }

  async insertMeeting(manager: EntityManager, meeting: NewMeeting): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO meetings (event_id, participant_a, participant_b, request_id, priority, status, source, created_at)
       VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) RETURNING id`,
      [meeting.eventId, ...meeting.participantIds, meeting.requestId, meeting.priority, meeting.source, meeting.now],
    );
    return row.id;
  }

  async findMeeting(eventId: string, meetingId: string, manager = this.dataSource.manager): Promise<MeetingRow | null> {
    const [row] = await manager.query(`${SELECT_MEETING} WHERE m.id = $1 AND m.event_id = $2`, [meetingId, eventId]);
    return row ?? null;
  }

  listActiveMeetings(eventId: string): Promise<MeetingRow[]> {
    return this.dataSource.query(`${SELECT_MEETING} WHERE m.event_id = $1 AND m.status = 'active' ORDER BY m.created_at, m.id`, [eventId]);
  }

  async lockEventShared(manager: EntityManager, eventId: string): Promise<void> {
    await manager.query(`SELECT 1 FROM events WHERE id = $1 FOR SHARE`, [eventId]);
  }

  async lockMeeting(manager: EntityManager, eventId: string, meetingId: string): Promise<{ status: string; request_id: string | null } | null> {
    const [row] = await manager.query(`SELECT status, request_id FROM meetings WHERE id = $1 AND event_id = $2 FOR UPDATE`, [meetingId, eventId]);
    return row ?? null;
  }

  /** Cancels a meeting and the request it came from, so the pair may ask again. */
  async cancelMeeting(manager: EntityManager, meetingId: string, now: Date): Promise<void> {
    await manager.query(`UPDATE meetings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1`, [meetingId, now]);
    await manager.query(
      `UPDATE meeting_requests SET status = 'cancelled' WHERE id = (SELECT request_id FROM meetings WHERE id = $1) AND status = 'accepted'`,
      [meetingId],
    );
  }
}

/**
 * A cancelled participant meets nobody: their open requests and active
 * meetings end in the same transaction as the cancellation. A plain function
 * (like promoteFromWaitlist) so registrations need not import the meetings module.
 */
export async function cancelMeetingsOfParticipant(manager: EntityManager, registrationId: string, now: Date): Promise<void> {
  await manager.query(
    `UPDATE meeting_requests SET status = 'cancelled' WHERE (requester_id = $1 OR recipient_id = $1) AND status IN ('pending', 'accepted')`,
    [registrationId],
  );
  await manager.query(
    `UPDATE meetings SET status = 'cancelled', cancelled_at = $2 WHERE (participant_a = $1 OR participant_b = $1) AND status = 'active'`,
    [registrationId, now],
  );
}
