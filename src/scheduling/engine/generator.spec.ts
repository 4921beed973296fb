import { generateEvent, mulberry32 } from './generator';
import type { SchedulingInput } from './types';

/** Structural invariants; collects problems (expect() per item is too slow at 50,000 meetings). */
function problems(ev: SchedulingInput): string[] {
  const out: string[] = [];
  const fail = (msg: string) => out.length < 20 && out.push(msg);
  const slotIds = new Set(ev.slots.map((s) => s.id));
  if (slotIds.size !== ev.slots.length) fail('duplicate slot ids');
  const seen = new Set<string>();
  let cur = '';
  for (const s of ev.slots) {
    if (s.session !== cur) {
      if (seen.has(s.session)) fail(`session ${s.session} not contiguous`);
      seen.add(s.session);
      cur = s.session;
    }
    if (!(s.tables >= 1)) fail(`slot ${s.id} has ${s.tables} tables`);
  }
  const pIds = new Set(ev.participants.map((p) => p.id));
  if (pIds.size !== ev.participants.length) fail('duplicate participant ids');
  const stands = new Set<number>();
  for (const p of ev.participants) {
    for (const id of p.availableSlotIds ?? []) if (!slotIds.has(id)) fail(`${p.id}: unknown slot ${id}`);
    if (p.maxMeetings !== undefined && !(p.maxMeetings >= 6 && p.maxMeetings <= 12)) fail(`${p.id}: cap ${p.maxMeetings}`);
    if (p.fixedTable !== undefined) {
      if (stands.has(p.fixedTable)) fail(`stand ${p.fixedTable} twice`);
      stands.add(p.fixedTable);
      if (p.fixedTable > ev.slots[0].tables) fail(`stand ${p.fixedTable} beyond the tables`);
    }
  }
  const mIds = new Set<string>();
  const pairs = new Set<string>();
  const fixedTable = new Map(ev.participants.map((p) => [p.id, p.fixedTable]));
  const sessions = new Set(ev.slots.map((s) => s.session));
  for (const m of ev.meetings) {
    if (mIds.has(m.id)) fail(`duplicate meeting id ${m.id}`);
    mIds.add(m.id);
    const [a, b] = m.participantIds;
    if (a === b) fail(`${m.id}: self meeting`);
    if (!pIds.has(a) || !pIds.has(b)) fail(`${m.id}: unknown participant`);
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (pairs.has(key)) fail(`${m.id}: duplicate pair ${key}`);
    pairs.add(key);
    if (fixedTable.get(a) !== undefined && fixedTable.get(b) !== undefined) fail(`${m.id}: two stands`);
    for (const s of m.sessionIds ?? []) if (!sessions.has(s)) fail(`${m.id}: unknown session ${s}`);
  }
  return out;
}

const check = (ev: SchedulingInput) => expect(problems(ev)).toEqual([]);

describe('generateEvent', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('default shape: 2 days x (10 + 10) slots of 20 minutes, 4 half-day sessions', () => {
    const ev = generateEvent({ participants: 100, seed: 1 });
    expect(ev.slots).toHaveLength(40);
    expect(ev.slots[0]).toEqual({ id: 'd1-0900', session: 'd1-am', tables: 40 });
    expect(ev.slots[9].id).toBe('d1-1200');
    expect(ev.slots[10]).toMatchObject({ id: 'd1-1330', session: 'd1-pm' });
    expect(ev.slots[39]).toMatchObject({ id: 'd2-1630', session: 'd2-pm' });
    expect(new Set(ev.slots.map((s) => s.session))).toEqual(new Set(['d1-am', 'd1-pm', 'd2-am', 'd2-pm']));
    expect(ev.participants).toHaveLength(100);
    expect(ev.meetings).toHaveLength(1000);
    check(ev);
  });

  it('options: days, slot length, requests per participant', () => {
    const ev = generateEvent({ participants: 60, seed: 2, days: 3, slotMinutes: 30, requestsPerParticipant: 4 });
    expect(ev.slots).toHaveLength(3 * 2 * 7);
    expect(ev.meetings).toHaveLength(240);
    check(ev);
  });

  it('is deterministic per seed', () => {
    expect(generateEvent({ participants: 300, seed: 9 })).toEqual(generateEvent({ participants: 300, seed: 9 }));
    expect(generateEvent({ participants: 300, seed: 9 })).not.toEqual(generateEvent({ participants: 300, seed: 10 }));
  });

  it('tiny and dense requests are capped at 75% of the pairs', () => {
    expect(generateEvent({ participants: 0, seed: 1 }).meetings).toHaveLength(0);
    expect(generateEvent({ participants: 1, seed: 1 }).meetings).toHaveLength(0);
    const ev = generateEvent({ participants: 10, seed: 1 });
    expect(ev.meetings.length).toBeLessThanOrEqual(Math.floor(45 * 0.75));
    check(ev);
  });

  it('is realistic: partial availability, caps, popular participants, restrictions', () => {
    const ev = generateEvent({ participants: 2000, seed: 4 });
    check(ev);
    const n = ev.participants.length;
    const partial = ev.participants.filter((p) => p.availableSlotIds !== undefined).length / n;
    expect(partial).toBeGreaterThan(0.3);
    expect(partial).toBeLessThan(0.45);
    const capped = ev.participants.filter((p) => p.maxMeetings !== undefined).length / n;
    expect(capped).toBeGreaterThan(0.07);
    expect(capped).toBeLessThan(0.13);
    const deg = new Map<string, number>();
    for (const m of ev.meetings) for (const p of m.participantIds) deg.set(p, (deg.get(p) ?? 0) + 1);
    const degrees = [...deg.values()].sort((x, y) => y - x);
    expect(degrees[0]).toBeGreaterThan(2 * ev.slots.length); // someone is far over-requested
    expect(degrees[Math.floor(n / 2)]).toBeLessThan(25); // the median participant is not
    const restricted = ev.meetings.filter((m) => m.sessionIds !== undefined).length / ev.meetings.length;
    expect(restricted).toBeGreaterThan(0.02);
    expect(restricted).toBeLessThan(0.06);
  });

  it('generates 5,000 participants / 50,000 meetings in well under a second', () => {
    generateEvent({ participants: 500, seed: 1 }); // warm-up
    const t0 = performance.now();
    const ev = generateEvent({ participants: 5000, seed: 12 });
    const ms = performance.now() - t0;
    expect(ev.meetings).toHaveLength(50000);
    expect(ms).toBeLessThan(1000);
    check(ev);
  });

  it('tablesBottleneck: tight tables, no stands', () => {
    const ev = generateEvent({ participants: 1000, seed: 3, tablesBottleneck: true });
    expect(ev.slots[0].tables).toBe(Math.floor((0.5 * 10000) / 40));
    expect(ev.participants.some((p) => p.fixedTable !== undefined)).toBe(false);
    check(ev);
  });
});
