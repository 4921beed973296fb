import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Placement } from './engine';
import { EventSnapshot, VersionStamp } from './engine-input';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface RunRow {
  id: string;
  event_id: string;
  status: RunStatus;
  progress: number;
  attempts: number;
  time_budget_ms: number;
  seed: number;
  max_moves: number | null;
  version: number | null;
  result: unknown;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface PlacementRow {
  meeting_id: string;
  slot_id: string;
  starts_at: Date;
  ends_at: Date;
  table_no: number;
  pinned: boolean;
  participant_a: string;
  participant_b: string;
}

/** Persistence of schedule runs and schedule versions. */
@Injectable()
export class ScheduleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async createRun(eventId: string, timeBudgetMs: number, seed: number, maxMoves: number | null): Promise<RunRow> {
    const [row] = await this.dataSource.query(
      `INSERT INTO schedule_runs (event_id, time_budget_ms, seed, max_moves) VALUES ($1, $2, $3, $4) RETURNING *`,
      [eventId, timeBudgetMs, seed, maxMoves],
    );
    return row;
  }

  async findRun(runId: string, eventId?: string): Promise<RunRow | null> {
    const [row] = await this.dataSource.query(
      `SELECT * FROM schedule_runs WHERE id = $1 AND ($2::uuid IS NULL OR event_id = $2)`,
      [runId, eventId ?? null],
    );
    return row ?? null;
  }

  listRuns(eventId: string): Promise<RunRow[]> {
    return this.dataSource.query(
      `SELECT id, event_id, status, progress, attempts, version, error, created_at, started_at, finished_at
       FROM schedule_runs WHERE event_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [eventId],
    );
  }

  /** Runs enqueued but never picked up (e.g. Redis was down at the time): the sweeper enqueues them again. */
  async staleQueuedRuns(olderThanSeconds: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM schedule_runs WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    );
    return rows.map((row) => row.id);
  }

  async markRunning(runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE schedule_runs SET status = 'running', attempts = attempts + 1, started_at = now(), progress = 0, error = NULL WHERE id = $1`,
      [runId],
    );
  }

  async setProgress(runId: string, percent: number): Promise<void> {
    await this.dataSource.query(`UPDATE schedule_runs SET progress = $2 WHERE id = $1 AND status = 'running'`, [runId, percent]);
  }

  async markFailed(runId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE schedule_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status <> 'done'`,
      [runId, error.slice(0, 2000)],
    );
  }

  /**
   * Holds a session-level advisory lock on the event while `work` runs, so runs
   * of one event are serialised across every worker process. A crashed worker's
   * connection closes, which releases the lock.
   */
  async withEventLock<T>(eventId: string, work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtextextended('schedule:' || $1, 0))`, [eventId]);
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtextextended('schedule:' || $1, 0))`, [eventId]).catch(() => undefined);
      await runner.release();
    }
  }

  /** The event's tables and current version, with that version's removed placements and manual edits. */
  private async currentVersion(eventId: string, manager = this.dataSource.manager) {
    const [row] = await manager.query(
      `SELECT e.tables, e.schedule_version AS version, COALESCE(v.removed, 0) AS removed, COALESCE(v.edits, 0) AS edits
       FROM events e LEFT JOIN schedule_versions v ON v.event_id = e.id AND v.version = e.schedule_version
       WHERE e.id = $1`,
      [eventId],
    );
    return row as { tables: number; version: number | null; removed: number; edits: number };
  }

  async loadSnapshot(eventId: string): Promise<EventSnapshot> {
    const event = await this.currentVersion(eventId);
    const slots = await this.dataSource.query(
      `SELECT id, session_id AS "sessionId" FROM slots WHERE event_id = $1 ORDER BY starts_at`,
      [eventId],
    );
    const participants = await this.dataSource.query(
      `SELECT r.id, r.max_meetings AS "maxMeetings",
              COALESCE(array_agg(u.slot_id) FILTER (WHERE u.slot_id IS NOT NULL), '{}') AS "unavailableSlotIds"
       FROM registrations r LEFT JOIN registration_unavailable_slots u ON u.registration_id = r.id
       WHERE r.event_id = $1 AND r.status = 'confirmed'
       GROUP BY r.id ORDER BY r.id`,
      [eventId],
    );
    const meetings = await this.dataSource.query(
      `SELECT m.id, m.participant_a AS "participantA", m.participant_b AS "participantB", m.priority
       FROM meetings m
       JOIN registrations a ON a.id = m.participant_a AND a.status = 'confirmed'
       JOIN registrations b ON b.id = m.participant_b AND b.status = 'confirmed'
       WHERE m.event_id = $1 AND m.status = 'active' ORDER BY m.created_at, m.id`,
      [eventId],
    );
    const current = event.version === null ? [] : await this.dataSource.query(
      `SELECT meeting_id AS "meetingId", slot_id AS "slotId", table_no AS "table", pinned
       FROM schedule_placements WHERE event_id = $1 AND version = $2`,
      [eventId, event.version],
    );
    const stamp = { version: event.version, edits: event.edits };
    return { tables: event.tables, slots, participants, meetings, current, removed: event.removed, stamp };
  }

  /**
   * Writes the run's schedule as a new version and makes it current, all in one
   * transaction: readers see the old version or the new one, never a mix. A run
   * that already wrote its version (a retry after a crash at the last moment, or
   * a duplicate) writes nothing again. Returns null, writing nothing, when the
   * current version is no longer the one the run read (`stamp`): the organiser
   * edited it meanwhile, and the run must read it again.
   */
  async saveVersion(
    run: RunRow,
    placed: Placement[],
    meetingPeople: Map<string, [string, string]>,
    pinned: Set<string>,
    result: { scheduled: number } & Record<string, unknown>,
    stamp: VersionStamp,
  ): Promise<number | null> {
    return this.transaction(async (manager) => {
      const [existing] = await manager.query(`SELECT version FROM schedule_versions WHERE run_id = $1`, [run.id]);
      if (existing) return existing.version;
      await manager.query(`SELECT 1 FROM events WHERE id = $1 FOR UPDATE`, [run.event_id]);
      // read after the lock, in a statement of its own: one that waited for the lock
      // would see the edit count as it was before the wait
      const now = await this.currentVersion(run.event_id, manager);
      if (now.version !== stamp.version || now.edits !== stamp.edits) return null;
      const [{ version }] = await manager.query(
        `INSERT INTO schedule_versions (event_id, version, run_id)
         SELECT $1, COALESCE(max(version), 0) + 1, $2 FROM schedule_versions WHERE event_id = $1
         RETURNING version`,
        [run.event_id, run.id],
      );
      await manager.query(
        `INSERT INTO schedule_placements (event_id, version, meeting_id, slot_id, table_no, pinned, participant_a, participant_b)
         SELECT $1, $2, * FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::boolean[], $7::uuid[], $8::uuid[])`,
        [
          run.event_id, version,
          placed.map((p) => p.meetingId), placed.map((p) => p.slotId), placed.map((p) => p.table),
          placed.map((p) => pinned.has(p.meetingId)),
          placed.map((p) => meetingPeople.get(p.meetingId)![0]), placed.map((p) => meetingPeople.get(p.meetingId)![1]),
        ],
      );
      // Meetings cancelled while the run was solving left the version that was current
      // then, not this one: they leave it here, and count as removed (a later run may
      // close their gaps).
      const [[{ removed }]] = await manager.query(
        `WITH gone AS (
           DELETE FROM schedule_placements p USING meetings m
           WHERE p.event_id = $1 AND p.version = $2 AND m.id = p.meeting_id AND m.status <> 'active' RETURNING 1)
         UPDATE schedule_versions SET removed = (SELECT count(*) FROM gone) WHERE event_id = $1 AND version = $2 RETURNING removed`,
        [run.event_id, version],
      );
      await manager.query(`UPDATE events SET schedule_version = $2 WHERE id = $1`, [run.event_id, version]);
      await manager.query(
        `UPDATE schedule_runs SET status = 'done', progress = 100, version = $2, result = $3, finished_at = now(), error = NULL WHERE id = $1`,
        [run.id, version, JSON.stringify(removed ? { ...result, scheduled: result.scheduled - removed, cancelledWhileRunning: removed } : result)],
      );
      return version;
    });
  }

  /** The event's current and published versions; with `lock`, under the event row lock that every schedule change takes first. */
  async versions(
    eventId: string,
    manager = this.dataSource.manager,
    lock: '' | 'FOR SHARE' | 'FOR UPDATE' = '',
  ): Promise<{ schedule_version: number | null; published_version: number | null }> {
    const [row] = await manager.query(`SELECT schedule_version, published_version FROM events WHERE id = $1 ${lock}`, [eventId]);
    return row;
  }

  /** Placed meetings of a version that are still active. */
  placements(eventId: string, version: number, participantId?: string, manager = this.dataSource.manager): Promise<PlacementRow[]> {
    return manager.query(
      `SELECT p.meeting_id, p.slot_id, s.starts_at, s.ends_at, p.table_no, p.pinned, p.participant_a, p.participant_b
       FROM schedule_placements p
       JOIN slots s ON s.id = p.slot_id
       JOIN meetings m ON m.id = p.meeting_id AND m.status = 'active'
       WHERE p.event_id = $1 AND p.version = $2 AND ($3::uuid IS NULL OR $3 IN (p.participant_a, p.participant_b))
       ORDER BY s.starts_at, p.table_no`,
      [eventId, version, participantId ?? null],
    );
  }

  people(ids: string[]): Promise<{ id: string; name: string; organisation: string; participant_type: string; country: string }[]> {
    return this.dataSource.query(`SELECT id, name, organisation, participant_type, country FROM registrations WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Makes the current version the one participants see, and in the same
   * transaction queues each participant's agenda email and raises the calendar
   * SEQUENCE of every meeting that moved since the previously published
   * version. A meeting of that version which the new one no longer places (a
   * participant became unavailable, fewer tables...) is cancelled in both
   * people's calendars; one that comes back later gets a higher SEQUENCE than
   * that CANCEL, or calendars would ignore its invite. Publishing the version
   * that is already published does nothing.
   */
  async publish(eventId: string, now: Date): Promise<number | null> {
    return this.transaction(async (manager) => {
      const { schedule_version: version, published_version: previous } = await this.versions(eventId, manager, 'FOR UPDATE');
      if (version === null || version === previous) return version;
      // moved since the previous published version, or back after a CANCEL (sequence > 0
      // without a placement there: a meeting never published is still at 0)
      await manager.query(
        `UPDATE meetings m SET sequence = m.sequence + 1
         FROM schedule_placements n
         LEFT JOIN schedule_placements o ON o.event_id = n.event_id AND o.version = $3 AND o.meeting_id = n.meeting_id
         WHERE n.event_id = $1 AND n.version = $2 AND m.id = n.meeting_id
           AND (o.meeting_id IS NULL AND m.sequence > 0 OR o.slot_id <> n.slot_id OR o.table_no <> n.table_no)`,
        [eventId, version, previous],
      );
      if (previous !== null) {
        await manager.query(
          `WITH dropped AS (
             SELECT o.meeting_id, o.slot_id, o.table_no FROM schedule_placements o
             JOIN meetings m ON m.id = o.meeting_id AND m.status = 'active'
             WHERE o.event_id = $1 AND o.version = $3
               AND NOT EXISTS (SELECT 1 FROM schedule_placements n WHERE n.event_id = $1 AND n.version = $2 AND n.meeting_id = o.meeting_id)
           ), raised AS (
             UPDATE meetings m SET sequence = m.sequence + 1 FROM dropped d WHERE m.id = d.meeting_id
             RETURNING m.id, m.participant_a, m.participant_b
           )
           INSERT INTO email_outbox (event_id, registration_id, cause, dedupe_key, payload)
           SELECT $1, person, 'meeting_cancelled', person || ':' || d.meeting_id || ':dropped:' || $2::int,
                  jsonb_build_object('meetingId', d.meeting_id, 'slotId', d.slot_id, 'table', d.table_no)
           FROM dropped d JOIN raised r ON r.id = d.meeting_id, unnest(ARRAY[r.participant_a, r.participant_b]) AS person
           ON CONFLICT (dedupe_key) DO NOTHING`,
          [eventId, version, previous],
        );
      }
      await manager.query(`UPDATE events SET published_version = $2, published_at = $3 WHERE id = $1`, [eventId, version, now]);
      await manager.query(
        `INSERT INTO email_outbox (event_id, registration_id, cause, dedupe_key, payload)
         SELECT DISTINCT $1::uuid, a.registration_id, 'schedule_published', a.registration_id || ':published:' || $2::int, jsonb_build_object('version', $2::int)
         FROM schedule_attendance a WHERE a.event_id = $1 AND a.version = $2::int
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [eventId, version],
      );
      return version;
    });
  }

  /** A published meeting moved: raise its SEQUENCE and queue an update of exactly that invite to both people. */
  async queueMoved(manager: EntityManager, eventId: string, version: number, meetingId: string, before: { slotId: string; table: number }): Promise<void> {
    const [[meeting]] = await manager.query(
      `UPDATE meetings SET sequence = sequence + 1 WHERE id = $1 RETURNING sequence, participant_a, participant_b`,
      [meetingId],
    );
    await manager.query(
      `INSERT INTO email_outbox (event_id, registration_id, cause, dedupe_key, payload)
       SELECT $1, person, 'meeting_moved', person || ':' || $3 || ':moved:' || $4,
              jsonb_build_object('meetingId', $3::uuid, 'version', $2::int, 'beforeSlotId', $5::uuid, 'beforeTable', $6::int)
       FROM unnest($7::uuid[]) AS person
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [eventId, version, meetingId, meeting.sequence, before.slotId, before.table, [meeting.participant_a, meeting.participant_b]],
    );
  }
}
