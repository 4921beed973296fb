import { Injectable } from '@nestjs/common';
import { SqlFilter } from '../common/sql-filter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ListRegistrationsQuery } from './registration.dto';
import { RegistrationStatus } from './registration.entity';

/** A registration as the API shows it: the row plus its live waiting-list position. */
export interface RegistrationRow {
  id: string;
  event_id: string;
  email: string;
  name: string;
  organisation: string;
  participant_type: string;
  country: string;
  profile: string;
  topics: string[];
  status: RegistrationStatus;
  waitlist_position: number | null;
  unavailable_slot_ids: string[];
  max_meetings: number | null;
  created_at: Date;
  updated_at: Date;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  feed_version: number;
}

export interface NewRegistration {
  id: string;
  eventId: string;
  email: string;
  name: string;
  organisation: string;
  participantType: string;
  country: string;
  profile: string;
  topics: string[];
  tokenHash: string;
  feedTokenHash: string;
  now: Date;
}

export type SeatOutcome =
  | { outcome: 'full' }
  | { outcome: 'already_registered' }
  | { outcome: 'registered'; id: string; status: 'confirmed' | 'waitlisted'; waitlistPosition: number | null };

const SELECT_VIEW = `
  SELECT r.id, r.event_id, r.email, r.name, r.organisation, r.participant_type, r.country, r.profile, r.topics, r.status, r.max_meetings,
         r.created_at, r.updated_at, r.confirmed_at, r.cancelled_at, r.feed_version,
         CASE WHEN r.status = 'waitlisted' THEN
           (SELECT count(*)::int FROM registrations w
             WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.waitlist_seq <= r.waitlist_seq)
         END AS waitlist_position,
         COALESCE((SELECT array_agg(u.slot_id ORDER BY s.starts_at) FROM registration_unavailable_slots u
                    JOIN slots s ON s.id = u.slot_id WHERE u.registration_id = r.id), '{}') AS unavailable_slot_ids
  FROM registrations r`;

/** Plain persistence for registrations; the rules live in RegistrationsService. */
@Injectable()
export class RegistrationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get autocommit(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Takes a seat or a waiting-list place in ONE statement: lock the event row,
   * decide from its exact counts, insert. Doing it in one round trip keeps the
   * lock inside Postgres for microseconds instead of across the Node event
   * loop, which is what lets one popular event take hundreds of registrations
   * a second. Every value it decides from is on the locked row (READ COMMITTED
   * re-reads that row after the lock wait), so concurrent calls cannot
   * oversell or hand out a waiting-list position twice.
   */
  async takeSeat(manager: EntityManager, registration: NewRegistration, unavailableSlotIds: string[]): Promise<SeatOutcome> {
    const [row] = await manager.query(
      `WITH event AS (
         SELECT capacity, waitlist, confirmed_count, waitlisted_count FROM events WHERE id = $1 FOR UPDATE
       ), decision AS (
         SELECT CASE WHEN capacity IS NULL OR confirmed_count < capacity THEN 'confirmed'
                     WHEN waitlist THEN 'waitlisted' END AS status,
                waitlisted_count + 1 AS position
         FROM event
       ), inserted AS (
         INSERT INTO registrations (id, event_id, email, name, organisation, participant_type, country, profile, topics, status,
                                    waitlist_seq, token_hash, feed_token_hash, created_at, updated_at, confirmed_at)
         SELECT $12, $1, $2, $3, $4, $5, $6, $7, $8, d.status,
                CASE WHEN d.status = 'waitlisted' THEN nextval('waitlist_seq') END, $9, $13, clock_timestamp(), $10,
                CASE WHEN d.status = 'confirmed' THEN $10::timestamptz END
         FROM decision d WHERE d.status IS NOT NULL
         ON CONFLICT (event_id, lower(email)) WHERE status <> 'cancelled' DO NOTHING
         RETURNING id, status
       ), unavailable AS (
         INSERT INTO registration_unavailable_slots (registration_id, slot_id)
         SELECT i.id, s FROM inserted i, unnest($11::uuid[]) AS s
       )
       SELECT d.status AS decided, d.position, i.id, i.status FROM decision d LEFT JOIN inserted i ON true`,
      [
        registration.eventId, registration.email, registration.name, registration.organisation, registration.participantType,
        registration.country, registration.profile, registration.topics, registration.tokenHash, registration.now, unavailableSlotIds,
        registration.id, registration.feedTokenHash,
      ],
    );
    if (!row || row.decided === null) return { outcome: 'full' };
    if (row.id === null) return { outcome: 'already_registered' };
    return { outcome: 'registered', id: row.id, status: row.status, waitlistPosition: row.status === 'waitlisted' ? row.position : null };
  }

  async setUnavailableSlots(manager: EntityManager, registrationId: string, slotIds: string[]): Promise<void> {
    await manager.query(`DELETE FROM registration_unavailable_slots WHERE registration_id = $1`, [registrationId]);
    if (slotIds.length) {
      await manager.query(
        `INSERT INTO registration_unavailable_slots (registration_id, slot_id) SELECT $1, unnest($2::uuid[])`,
        [registrationId, slotIds],
      );
    }
  }

  async unknownSlotIds(manager: EntityManager, eventId: string, slotIds: string[]): Promise<string[]> {
    if (!slotIds.length) return [];
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM unnest($2::uuid[]) AS given(id) WHERE NOT EXISTS (SELECT 1 FROM slots s WHERE s.id = given.id AND s.event_id = $1)`,
      [eventId, slotIds],
    );
    return rows.map((row) => row.id);
  }

  async findView(eventId: string | null, registrationId: string, manager = this.dataSource.manager): Promise<RegistrationRow | null> {
    const [row] = await manager.query(`${SELECT_VIEW} WHERE r.id = $1 AND ($2::uuid IS NULL OR r.event_id = $2)`, [registrationId, eventId]);
    return row ?? null;
  }

  async findIdByTokenHash(tokenHash: string): Promise<{ id: string; event_id: string } | null> {
    const [row] = await this.dataSource.query(`SELECT id, event_id FROM registrations WHERE token_hash = $1`, [tokenHash]);
    return row ?? null;
  }

  async lockRegistration(manager: EntityManager, registrationId: string): Promise<{ id: string; status: RegistrationStatus; email: string }> {
    const [row] = await manager.query(`SELECT id, status, email FROM registrations WHERE id = $1 FOR UPDATE`, [registrationId]);
    return row;
  }

  async setStatus(manager: EntityManager, registrationId: string, status: RegistrationStatus, now: Date): Promise<void> {
    await manager.query(
      `UPDATE registrations SET status = $2, updated_at = $3,
         waitlist_seq = CASE WHEN $2 = 'waitlisted' THEN nextval('waitlist_seq') END,
         confirmed_at = CASE WHEN $2 = 'confirmed' THEN $3 ELSE confirmed_at END,
         cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END
       WHERE id = $1`,
      [registrationId, status, now],
    );
  }

  async updateProfile(manager: EntityManager, registrationId: string, fields: Record<string, unknown>, now: Date): Promise<void> {
    const columns: Record<string, string> = {
      name: 'name', organisation: 'organisation', country: 'country', profile: 'profile', topics: 'topics', maxMeetings: 'max_meetings',
    };
    const entries = Object.entries(fields).filter(([key, value]) => key in columns && value !== undefined);
    if (!entries.length) return;
    const sets = entries.map(([key], index) => `${columns[key]} = $${index + 3}`).join(', ');
    await manager.query(`UPDATE registrations SET ${sets}, updated_at = $2 WHERE id = $1`, [registrationId, now, ...entries.map(([, value]) => value)]);
  }

  async list(eventId: string, query: ListRegistrationsQuery): Promise<{ total: number; items: RegistrationRow[] }> {
    const where = new SqlFilter(['v.event_id = $1'], [eventId]);
    if (query.status) where.add('v.status = ?', query.status);
    if (query.participantType) where.add('v.participant_type = ?', query.participantType);
    if (query.country) where.add('v.country = ?', query.country);
    if (query.q) where.addSearch(`(v.name || ' ' || v.organisation || ' ' || v.email)`, query.q);
    const filter = `FROM (${SELECT_VIEW} WHERE r.event_id = $1) v WHERE ${where.where}`;
    const params = where.params;
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total ${filter}`, params);
    const items = await this.dataSource.query(
      `SELECT v.* ${filter} ORDER BY v.created_at, v.waitlist_position, v.id LIMIT ${query.limit ?? 100} OFFSET ${query.offset ?? 0}`,
      params,
    );
    return { total, items };
  }

  /** Every registration of the event, for export (no paging: an export is complete or it is wrong). */
  all(eventId: string): Promise<RegistrationRow[]> {
    return this.dataSource.query(`${SELECT_VIEW} WHERE r.event_id = $1 ORDER BY r.created_at, r.id`, [eventId]);
  }
}
