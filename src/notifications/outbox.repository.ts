import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Cause } from './templates';

export interface OutboxEmail {
  id: string;
  cause: Cause;
  dedupe_key: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'sent' | 'failed';
  registration_id: string;
  email: string;
  name: string;
  event_id: string;
  slug: string;
  title: string;
  description: string;
  venue: string;
  timezone: string;
  starts_at: Date;
  ends_at: Date;
  contact_email: string;
  language: 'en' | 'de';
}

export interface MeetingForEmail {
  meeting_id: string;
  sequence: number;
  starts_at: Date;
  ends_at: Date;
  table_no: number;
  partner_id: string;
  partner_name: string;
  partner_organisation: string;
}

/** The transactional outbox: rows are written by the changes that cause them (triggers and services), read here to deliver. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Claims pending rows that are not in the queue (never enqueued, or so long ago that the job may be lost). */
  async claimForQueue(limit: number, staleSeconds: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE email_outbox SET enqueued_at = now()
         WHERE id IN (SELECT id FROM email_outbox
                      WHERE status = 'pending' AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $2))
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, created_at)
       SELECT id FROM claimed ORDER BY created_at`,
      [limit, staleSeconds],
    );
    return rows.map((row) => row.id);
  }

  async unclaim(ids: string[]): Promise<void> {
    await this.dataSource.query(`UPDATE email_outbox SET enqueued_at = NULL WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async load(id: string): Promise<OutboxEmail | null> {
    const [row] = await this.dataSource.query(
      `SELECT o.id, o.cause, o.dedupe_key, o.payload, o.status, o.registration_id, r.email, r.name,
              e.id AS event_id, e.slug, e.title, e.description, e.venue, e.timezone, e.starts_at, e.ends_at, e.contact_email, e.language
       FROM email_outbox o JOIN registrations r ON r.id = o.registration_id JOIN events e ON e.id = o.event_id
       WHERE o.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** The participant's meetings in a version (all of them, or one), with the partner. */
  meetings(eventId: string, version: number, registrationId: string, meetingId?: string): Promise<MeetingForEmail[]> {
    return this.dataSource.query(
      `SELECT m.id AS meeting_id, m.sequence, s.starts_at, s.ends_at, p.table_no,
              partner.id AS partner_id, partner.name AS partner_name, partner.organisation AS partner_organisation
       FROM schedule_placements p
       JOIN meetings m ON m.id = p.meeting_id
       JOIN slots s ON s.id = p.slot_id
       JOIN registrations partner ON partner.id = CASE WHEN p.participant_a = $3 THEN p.participant_b ELSE p.participant_a END
       WHERE p.event_id = $1 AND p.version = $2 AND $3 IN (p.participant_a, p.participant_b)
         AND ($4::uuid IS NULL OR m.id = $4)
       ORDER BY s.starts_at`,
      [eventId, version, registrationId, meetingId ?? null],
    );
  }

  /** A meeting that is no longer placed (cancelled): what it was, for the cancellation email. */
  async formerMeeting(meetingId: string, registrationId: string, slotId: string, table: number): Promise<MeetingForEmail | null> {
    const [row] = await this.dataSource.query(
      `SELECT m.id AS meeting_id, m.sequence, s.starts_at, s.ends_at, $4::int AS table_no,
              partner.id AS partner_id, partner.name AS partner_name, partner.organisation AS partner_organisation
       FROM meetings m JOIN slots s ON s.id = $3
       JOIN registrations partner ON partner.id = CASE WHEN m.participant_a = $2 THEN m.participant_b ELSE m.participant_a END
       WHERE m.id = $1`,
      [meetingId, registrationId, slotId, table],
    );
    return row ?? null;
  }

  async slotStart(slotId: string): Promise<Date> {
    const [row] = await this.dataSource.query(`SELECT starts_at FROM slots WHERE id = $1`, [slotId]);
    return row.starts_at;
  }

  async markSent(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END
       WHERE id = $1 AND status = 'pending'`,
      [id, error.slice(0, 2000), final],
    );
  }

  list(eventId: string, status: string | undefined, limit: number, offset: number) {
    return this.dataSource.query(
      `SELECT o.id, o.cause, o.status, o.attempts, o.last_error, o.created_at, o.sent_at, r.id AS registration_id, r.email, r.name,
              count(*) OVER () AS total
       FROM email_outbox o JOIN registrations r ON r.id = o.registration_id
       WHERE o.event_id = $1 AND ($2::text IS NULL OR o.status = $2)
       ORDER BY o.created_at, o.id LIMIT $3 OFFSET $4`,
      [eventId, status ?? null, limit, offset],
    );
  }
}
