import type { EntityManager } from 'typeorm';

/**
 * Fills free seats from the waiting list, first come first served. The caller
 * holds the event row lock (`lockEvent`), so two transactions never promote
 * the same person or oversell; the capacity CHECK backs that up.
 * Returns the ids of the promoted registrations.
 */
export async function promoteFromWaitlist(manager: EntityManager, eventId: string, now: Date, exceptId?: string): Promise<string[]> {
  const rows: { id: string }[] = await manager.query(
    `WITH free AS (
       SELECT CASE WHEN capacity IS NULL THEN NULL ELSE greatest(capacity - confirmed_count, 0) END AS seats
       FROM events WHERE id = $1),
     next AS (
       SELECT id FROM registrations
       WHERE event_id = $1 AND status = 'waitlisted' AND id IS DISTINCT FROM $3::uuid
       ORDER BY waitlist_seq
       LIMIT (SELECT seats FROM free)),
     promoted AS (
       UPDATE registrations r
       SET status = 'confirmed', waitlist_seq = NULL, confirmed_at = $2, updated_at = $2
       FROM next WHERE r.id = next.id
       RETURNING r.id)
     SELECT id FROM promoted`,
    [eventId, now, exceptId ?? null],
  );
  return rows.map((row) => row.id);
}

export interface EventSeats {
  id: string;
  capacity: number | null;
  waitlist: boolean;
  confirmed_count: number;
}

/**
 * Serialises every change of an event's seats (the one lock order is event row
 * first) and reads the seat figures under the lock.
 */
export async function lockEvent(manager: EntityManager, eventId: string): Promise<EventSeats> {
  const [row] = await manager.query(`SELECT id, capacity, waitlist, confirmed_count FROM events WHERE id = $1 FOR UPDATE`, [eventId]);
  return row;
}
