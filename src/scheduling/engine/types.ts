/**
 * Public types of the scheduling engine. The engine is a pure library: no Nest,
 * TypeORM or Redis imports anywhere under src/scheduling/engine, so it can be
 * tested, benchmarked and reused on its own.
 *
 * Identifiers are strings chosen by the caller (database ids, or "1".."n" for
 * benchmark files). Tables are numbered 1..slot.tables.
 */

export interface SlotInput {
  id: string;
  /**
   * Slots of one session (a day, a morning...) are consecutive. Breaks are counted
   * within a session (see breaks.ts): give a whole day one session label if a gap
   * across lunch should count, as the b2bsp loader does.
   */
  session: string;
  /** Tables usable in this slot (numbered 1..tables). */
  tables: number;
}

export interface ParticipantInput {
  id: string;
  /** Slots the participant can meet in; undefined means every slot. */
  availableSlotIds?: string[];
  /** At most this many meetings; undefined means no cap. */
  maxMeetings?: number;
  /** The participant hosts every meeting at this table (e.g. an exhibitor's stand). */
  fixedTable?: number;
}

export interface MeetingInput {
  id: string;
  participantIds: [string, string];
  /** Larger is more important; default 1. Placing one meeting of priority p beats placing any number of lower ones. */
  priority?: number;
  /** Only slots of these sessions; undefined means any session. */
  sessionIds?: string[];
  /** Pinned by the organiser: must stay exactly here (hard rule). */
  fixedSlotId?: string;
  fixedTable?: number;
  /**
   * Optional extra restriction: only these slots (intersected with sessionIds
   * and both participants' availability). Used by the b2bsp loader, whose
   * morning/afternoon restriction must not split the break-counting session.
   */
  allowedSlotIds?: string[];
}

export interface Placement {
  meetingId: string;
  slotId: string;
  table: number;
}

export interface SchedulingInput {
  /** In time order. */
  slots: SlotInput[];
  participants: ParticipantInput[];
  meetings: MeetingInput[];
  /** A previous schedule to stay close to (objective 4). */
  previous?: Placement[];
}

export type UnplacedReason =
  | 'no_common_free_slot'
  | 'participant_at_maximum'
  | 'no_table'
  | 'fixed_placement_conflict'
  | 'unknown_participant'
  | 'outranked';

export interface Unplaced {
  meetingId: string;
  reason: UnplacedReason;
  /** Human-readable detail, e.g. which participant is at maximum. */
  detail?: string;
}

export interface ScheduleFigures {
  requested: number;
  placed: number;
  /** Certified: no schedule obeying the hard rules places more meetings. */
  upperBound: number;
  /** Sum over participants of idle gaps between consecutive meetings. */
  breaks: number;
  /**
   * Certified: no schedule of the placed meetings has fewer breaks (the people whose
   * meetings fit no gap-free day; 0 when not computed, on events of over 3,000 meetings).
   * Equal to `breaks`: the schedule is optimal in breaks.
   */
  breaksLowerBound: number;
  /** Breaks of the worst-off participant. */
  maxBreaks: number;
  /** max - min breaks over participants with at least one meeting. */
  breakSpread: number;
  /** Lowest share placed/requested over participants with at least one request (0..1). */
  worstParticipantShare: number;
  /** Meetings of `previous` whose slot or table changed, or that were dropped. */
  moved: number;
  /** Table changes of a person between consecutive meetings within a session. */
  tableChanges: number;
  runTimeMs: number;
}

export interface ScheduleResult {
  placed: Placement[];
  unplaced: Unplaced[];
  figures: ScheduleFigures;
}

export interface SolveProgress {
  /** 0..100 */
  percent: number;
  placed: number;
  breaks: number;
}

export interface SolveOptions {
  /** Same input + seed => same output. Default 1. */
  seed?: number;
  /** Wall-clock budget of the whole solve (bound, search, tables, figures): the search stops early enough for the rest. Default 2000 ms. */
  timeBudgetMs?: number;
  /** Fairness target: max - min breaks over participants. Default 2. */
  maxBreakSpread?: number;
  onProgress?: (progress: SolveProgress) => void;
  /**
   * Independent searches (different derived seeds) run in parallel worker
   * threads; the best result is kept. Default min(2, available cores); events
   * under 64 or over 20,000 meetings always use one. Results are deterministic
   * for the same input, seed and threads when the iteration budget (not the
   * clock) ends the searches.
   */
  threads?: number;
  /**
   * With `previous`: at most this many of its meetings move to reduce breaks (0:
   * none). Default: the placements of `previous` whose meeting is no longer
   * requested, i.e. no more than the change affected directly. Meetings whose
   * previous place no longer fits (a participant became unavailable, a table
   * went) move regardless, and placing strictly more meetings may move others.
   */
  maxMoves?: number;
}
