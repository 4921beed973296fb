/**
 * Deterministic generator of realistic brokerage (B2B matchmaking) events, for
 * tests and benchmarks. Same options => same event (seeded mulberry32 PRNG).
 *
 * Shape of a generated event:
 *  - `days` days (default 2); each day a morning 09:00-12:30 and an afternoon
 *    13:30-17:00, cut into slots of `slotMinutes` (default 20 => 10 + 10 slots a
 *    day, 40 slots in all). Slot ids "d1-0900", sessions "d1-am" / "d1-pm":
 *    one session per half-day, so the lunch gap is never counted as a break.
 *  - tables: ample by default, ceil(participants / 2.5) per slot; with
 *    tablesBottleneck, max(1, floor(0.5 * meetings / slots)), so that total
 *    table capacity (about half the requests) is the binding limit.
 *  - availability: ~70% of participants are there all the time; 15% only one
 *    (random) day, 7% only one half-day, 8% miss one half-day; independently
 *    10% have 1-3 forbidden single slots (another appointment).
 *  - maxMeetings: 10% of participants are capped at 6..12 meetings.
 *  - exhibitors: 3% of participants host all their meetings at their own
 *    stand (fixedTable, distinct tables); two exhibitors never request each
 *    other. With tablesBottleneck, no exhibitors (stands need tables).
 *  - meetings = participants * requestsPerParticipant (default 10, so every
 *    participant is in ~20 meetings on average), capped at 75% of all pairs.
 *    Requester uniform; target drawn with probability 0.4 from a Zipf-like law
 *    (weight 1/(rank + 20) over a random ranking: a few popular participants
 *    receive far more requests than they have slots) and otherwise uniform.
 *    No self meetings, no duplicate pairs. 4% of meetings are restricted to
 *    one session ("mornings only": all "-am" sessions), 5% have priority 2.
 *  - no fixed meetings and no `previous` schedule.
 */
import type { MeetingInput, ParticipantInput, SchedulingInput, SlotInput } from './types';

export interface GenerateEventOptions {
  participants: number;
  /** Accepted requests per participant; meetings = participants * this. Default 10. */
  requestsPerParticipant?: number;
  seed: number;
  /** Tight tables: total table capacity becomes the binding bound. */
  tablesBottleneck?: boolean;
  /** Default 2. */
  days?: number;
  /** Default 20. */
  slotMinutes?: number;
}

/** mulberry32: small, fast, deterministic 32-bit PRNG; returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hhmm(min: number): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  return `${h < 10 ? '0' : ''}${h}${m < 10 ? '0' : ''}${m}`;
}

export function generateEvent(opts: GenerateEventOptions): SchedulingInput {
  const nP = Math.max(0, Math.floor(opts.participants));
  const perP = opts.requestsPerParticipant ?? 10;
  const days = Math.max(1, Math.floor(opts.days ?? 2));
  const slotMinutes = Math.max(5, Math.floor(opts.slotMinutes ?? 20));
  const rnd = mulberry32(opts.seed ^ 0x5bd1e995);
  const int = (n: number) => Math.floor(rnd() * n); // 0..n-1

  // Slots and sessions.
  const halves: Array<{ tag: string; from: number; to: number }> = [
    { tag: 'am', from: 9 * 60, to: 12 * 60 + 30 },
    { tag: 'pm', from: 13 * 60 + 30, to: 17 * 60 },
  ];
  const slotIds: string[] = [];
  const slotSession: string[] = [];
  const sessionSlots: string[][] = []; // per half-day, in order
  for (let d = 1; d <= days; d++) {
    for (const h of halves) {
      const ids: string[] = [];
      for (let t = h.from; t + slotMinutes <= h.to; t += slotMinutes) {
        const id = `d${d}-${hhmm(t)}`;
        ids.push(id);
        slotIds.push(id);
        slotSession.push(`d${d}-${h.tag}`);
      }
      sessionSlots.push(ids);
    }
  }
  const nS = slotIds.length;
  const maxPairs = (nP * (nP - 1)) / 2;
  const nM = Math.max(0, Math.min(Math.floor(nP * perP), Math.floor(maxPairs * 0.75)));
  const tables = opts.tablesBottleneck
    ? Math.max(1, Math.floor((0.5 * nM) / Math.max(1, nS)))
    : Math.max(1, Math.ceil(nP / 2.5));
  const slots: SlotInput[] = slotIds.map((id, i) => ({ id, session: slotSession[i], tables }));

  // Participants.
  const participants: ParticipantInput[] = [];
  const exhibitor = new Uint8Array(nP);
  let nextStand = 1;
  for (let i = 0; i < nP; i++) {
    const p: ParticipantInput = { id: `p${i + 1}` };
    const r = rnd();
    let avail: string[] | undefined;
    if (r < 0.15) {
      const d = int(days);
      avail = [...sessionSlots[2 * d], ...sessionSlots[2 * d + 1]];
    } else if (r < 0.22) {
      avail = [...sessionSlots[int(sessionSlots.length)]];
    } else if (r < 0.3 && sessionSlots.length > 1) {
      const miss = int(sessionSlots.length);
      avail = sessionSlots.flatMap((ids, k) => (k === miss ? [] : ids));
    }
    if (rnd() < 0.1) {
      const base = avail ?? slotIds;
      const k = 1 + int(3);
      const forbidden = new Set<string>();
      for (let j = 0; j < k; j++) forbidden.add(base[int(base.length)]);
      avail = base.filter((id) => !forbidden.has(id));
    }
    if (avail) p.availableSlotIds = avail;
    if (rnd() < 0.1) p.maxMeetings = 6 + int(7);
    if (!opts.tablesBottleneck && rnd() < 0.03 && nextStand <= tables) {
      p.fixedTable = nextStand++;
      exhibitor[i] = 1;
    }
    participants.push(p);
  }

  // Popularity: Zipf-like weights over a random ranking, as a cumulative table.
  const rank = new Int32Array(nP);
  for (let i = 0; i < nP; i++) rank[i] = i;
  for (let i = nP - 1; i > 0; i--) {
    const j = int(i + 1);
    const t = rank[i];
    rank[i] = rank[j];
    rank[j] = t;
  }
  const cum = new Float64Array(nP);
  let acc = 0;
  for (let r = 0; r < nP; r++) {
    acc += 1 / (r + 21);
    cum[r] = acc;
  }
  const zipfTarget = (): number => {
    const x = rnd() * acc;
    let lo = 0;
    let hi = nP - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return rank[lo];
  };

  // Meetings.
  const pairs = new Set<number>();
  const meetings: MeetingInput[] = [];
  const amSessions: string[] = [];
  const pmSessions: string[] = [];
  for (let d = 1; d <= days; d++) {
    amSessions.push(`d${d}-am`);
    pmSessions.push(`d${d}-pm`);
  }
  let attempts = 0;
  while (meetings.length < nM) {
    attempts++;
    const a = int(nP);
    const b = attempts > 50 * nM || rnd() >= 0.4 ? int(nP) : zipfTarget();
    if (a === b || (exhibitor[a] && exhibitor[b])) continue;
    const key = a < b ? a * nP + b : b * nP + a;
    if (pairs.has(key)) continue;
    pairs.add(key);
    const m: MeetingInput = { id: `m${meetings.length + 1}`, participantIds: [`p${a + 1}`, `p${b + 1}`] };
    const r = rnd();
    if (r < 0.04) m.sessionIds = rnd() < 0.5 ? amSessions : pmSessions;
    if (rnd() < 0.05) m.priority = 2;
    meetings.push(m);
    if (attempts > 200 * nM + 1000) break; // only for absurdly dense requests
  }
  return { slots, participants, meetings };
}
