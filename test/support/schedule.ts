import { DataSource } from 'typeorm';
import { TestApp } from './app';

export async function waitForRun(t: TestApp, eventId: string, runId: string, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await t.http.get(`/api/events/${eventId}/schedule-runs/${runId}`).set('Authorization', `Bearer ${t.organiserKey}`);
    if (run.body.status === 'done' || run.body.status === 'failed') return run.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Rows that break "no participant in two meetings at once" or "no table used twice", read straight from the stored schedule. */
export async function doubleBookings(dataSource: DataSource, eventId: string) {
  return dataSource.query(
    `SELECT version, slot_id, person, count(*) FROM (
       SELECT version, slot_id, participant_a::text AS person FROM schedule_placements WHERE event_id = $1
       UNION ALL SELECT version, slot_id, participant_b::text FROM schedule_placements WHERE event_id = $1) x
     GROUP BY version, slot_id, person HAVING count(*) > 1
     UNION ALL
     SELECT version, slot_id, table_no::text, count(*) FROM schedule_placements WHERE event_id = $1
     GROUP BY version, slot_id, table_no HAVING count(*) > 1`,
    [eventId],
  );
}
