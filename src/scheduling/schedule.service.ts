import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { explainConstraints } from '../common/constraint-errors';
import { Clock } from '../common/clock';
import { Event } from '../events/event.entity';
import { noSchedule } from './schedule-runs.service';
import { PlacementRow, ScheduleRepository } from './schedule.repository';

export interface PlacementChange {
  slotId?: string;
  table?: number;
  pinned?: boolean;
}

/** The database refuses double bookings; this says which one. */
const PLACEMENT_CONSTRAINTS = {
  schedule_placements_event_id_version_slot_id_table_no_key: () => ApiError.conflict('table_taken', 'That table is already used in that slot'),
  schedule_attendance_pkey: () => ApiError.conflict('participant_busy', 'A participant already has a meeting in that slot'),
};

function meetingView(row: PlacementRow) {
  return {
    id: row.meeting_id,
    slotId: row.slot_id,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    table: row.table_no,
    participantIds: [row.participant_a, row.participant_b],
    pinned: row.pinned,
  };
}

/** Reading, adjusting and publishing the schedule an event's runs produced. */
@Injectable()
export class ScheduleService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly clock: Clock,
  ) {}

  async schedule(event: Event, view: 'list' | 'grid' | 'participants' = 'list') {
    const { schedule_version: version, published_version: publishedVersion } = await this.schedules.versions(event.id);
    const rows = version === null ? [] : await this.schedules.placements(event.id, version);
    const meetings = rows.map(meetingView);
    const body: Record<string, unknown> = { version, publishedVersion, meetings };
    if (view === 'grid') {
      const bySlot = new Map<string, { slotId: string; startsAt: string; tables: { table: number; meetingId: string }[] }>();
      for (const meeting of meetings) {
        const slot = bySlot.get(meeting.slotId) ?? { slotId: meeting.slotId, startsAt: meeting.startsAt, tables: [] };
        slot.tables.push({ table: meeting.table, meetingId: meeting.id });
        bySlot.set(meeting.slotId, slot);
      }
      body.grid = [...bySlot.values()];
    }
    if (view === 'participants') {
      const agenda = new Map<string, { meetingId: string; slotId: string; startsAt: string; table: number; partnerId: string }[]>();
      for (const meeting of meetings) {
        meeting.participantIds.forEach((id, index) => {
          const list = agenda.get(id) ?? [];
          list.push({ meetingId: meeting.id, slotId: meeting.slotId, startsAt: meeting.startsAt, table: meeting.table, partnerId: meeting.participantIds[1 - index] });
          agenda.set(id, list);
        });
      }
      body.participants = [...agenda.entries()].map(([participantId, items]) => ({ participantId, meetings: items }));
    }
    return body;
  }

  /**
   * Pins, moves or places a meeting in the current version. The database
   * refuses a slot/table that is taken or a person who is busy; the
   * availability and table range checks are here.
   */
  async adjust(event: Event, meetingId: string, change: PlacementChange): Promise<void> {
    if (change.table !== undefined && (change.table < 1 || change.table > event.tables)) {
      throw ApiError.validation({ table: [`table must be between 1 and ${event.tables}`] });
    }
    await explainConstraints(PLACEMENT_CONSTRAINTS, () => this.schedules.transaction(async (manager) => {
      // the event row first, as writing a version does: an edit waits for a version
      // being written and then edits that one
      const { schedule_version: version, published_version: publishedVersion } = await this.schedules.versions(event.id, manager, 'FOR SHARE');
      if (version === null) throw noSchedule();
      const [current] = await manager.query(
        `SELECT slot_id, table_no FROM schedule_placements WHERE event_id = $1 AND version = $2 AND meeting_id = $3 FOR UPDATE`,
        [event.id, version, meetingId],
      );
      const [meeting] = await manager.query(
        `SELECT participant_a, participant_b, status FROM meetings WHERE id = $1 AND event_id = $2`,
        [meetingId, event.id],
      );
      if (!meeting) throw ApiError.notFound('Meeting');
      if (meeting.status !== 'active') throw ApiError.conflict('meeting_cancelled', 'The meeting is cancelled');
      const slotId = change.slotId ?? current?.slot_id;
      const table = change.table ?? current?.table_no;
      if (!slotId || !table) throw ApiError.validation({ slotId: ['an unscheduled meeting needs both slotId and table to be placed'] });
      const [slot] = await manager.query(`SELECT id FROM slots WHERE id = $1 AND event_id = $2`, [slotId, event.id]);
      if (!slot) throw ApiError.validation({ slotId: ['not a slot of this event'] });
      const [busy] = await manager.query(
        `SELECT registration_id FROM registration_unavailable_slots WHERE slot_id = $1 AND registration_id IN ($2, $3) LIMIT 1`,
        [slotId, meeting.participant_a, meeting.participant_b],
      );
      if (busy) throw ApiError.conflict('participant_unavailable', 'A participant of this meeting is not available in that slot');
      if (current) {
        await manager.query(
          `UPDATE schedule_placements SET slot_id = $4, table_no = $5, pinned = COALESCE($6, pinned)
           WHERE event_id = $1 AND version = $2 AND meeting_id = $3`,
          [event.id, version, meetingId, slotId, table, change.pinned ?? null],
        );
        const moved = current.slot_id !== slotId || current.table_no !== table;
        if (moved && version === publishedVersion) {
          await this.schedules.queueMoved(manager, event.id, version, meetingId, { slotId: current.slot_id, table: current.table_no });
        }
      } else {
        await manager.query(
          `INSERT INTO schedule_placements (event_id, version, meeting_id, slot_id, table_no, pinned, participant_a, participant_b)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [event.id, version, meetingId, slotId, table, change.pinned ?? true, meeting.participant_a, meeting.participant_b],
        );
      }
      // a run solving from this version meanwhile sees the count change and solves again
      await manager.query(`UPDATE schedule_versions SET edits = edits + 1 WHERE event_id = $1 AND version = $2`, [event.id, version]);
    }));
  }

  /** The meeting as the current version places it (null when it is not placed). */
  async placementOf(event: Event, meetingId: string) {
    const { schedule_version: version } = await this.schedules.versions(event.id);
    const rows = version === null ? [] : await this.schedules.placements(event.id, version);
    const row = rows.find((placement) => placement.meeting_id === meetingId);
    return row ? meetingView(row) : null;
  }

  async publish(event: Event): Promise<{ publishedVersion: number }> {
    const publishedVersion = await this.schedules.publish(event.id, this.clock.now());
    if (publishedVersion === null) throw noSchedule();
    return { publishedVersion };
  }

  /** The participant's meetings in the published version, with partner details. */
  async agenda(eventId: string, participantId: string) {
    const { published_version: version } = await this.schedules.versions(eventId);
    if (version === null) return { publishedVersion: null, meetings: [] };
    const rows = await this.schedules.placements(eventId, version, participantId);
    const partnerOf = (row: PlacementRow) => (row.participant_a === participantId ? row.participant_b : row.participant_a);
    const byId = new Map((await this.schedules.people(rows.map(partnerOf))).map((person) => [person.id, person]));
    return {
      publishedVersion: version,
      meetings: rows.map((row) => {
        const partner = byId.get(partnerOf(row))!;
        return {
          meetingId: row.meeting_id, slotId: row.slot_id, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(), table: row.table_no,
          partner: { id: partner.id, name: partner.name, organisation: partner.organisation, participantType: partner.participant_type, country: partner.country },
        };
      }),
    };
  }
}
