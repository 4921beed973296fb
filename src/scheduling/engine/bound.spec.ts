import { boundDetails, upperBound } from './bound';
import { maxPlaceable } from './exact';
import { generateEvent } from './generator';
import type { MeetingInput, SchedulingInput, SlotInput } from './types';

const slots = (n: number, tables = 10, session = (i: number) => 'day'): SlotInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `s${i}`, session: session(i), tables }));
const people = (...ids: string[]) => ids.map((id) => ({ id }));
const meet = (id: string, a: string, b: string, extra: Partial<MeetingInput> = {}): MeetingInput => ({
  id,
  participantIds: [a, b],
  ...extra,
});

describe('upperBound on hand-made instances', () => {
  it('empty instance: 0', () => {
    expect(upperBound({ slots: [], participants: [], meetings: [] })).toBe(0);
    expect(upperBound({ slots: slots(3), participants: people('a', 'b'), meetings: [] })).toBe(0);
  });

  it('table capacity binds', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const input: SchedulingInput = {
      slots: slots(2, 1),
      participants: people(...ids),
      meetings: [meet('ab', 'a', 'b'), meet('cd', 'c', 'd'), meet('ef', 'e', 'f')],
    };
    const d = boundDetails(input);
    expect(d.tableCapacity).toBe(2);
    expect(d.bound).toBe(2);
    expect(maxPlaceable(input)).toBe(2);
  });

  it('a popular participant is limited by her slots (matching), then the others', () => {
    // a is requested by 6 people but there are 3 slots
    const others = ['b', 'c', 'd', 'e', 'f', 'g'];
    const input: SchedulingInput = {
      slots: slots(3),
      participants: people('a', ...others),
      meetings: others.map((o) => meet(`a${o}`, 'a', o)),
    };
    const d = boundDetails(input);
    expect(d.participantCapacity[0]).toBe(3);
    expect(d.bound).toBe(3);
    expect(maxPlaceable(input)).toBe(3);
  });

  it('maxMeetings and availability shrink participant capacity', () => {
    const input: SchedulingInput = {
      slots: slots(4),
      participants: [{ id: 'a', maxMeetings: 1 }, { id: 'b' }, { id: 'c', availableSlotIds: ['s0'] }, { id: 'd', availableSlotIds: ['s0'] }],
      meetings: [meet('ab', 'a', 'b'), meet('ac', 'a', 'c'), meet('bc', 'b', 'c'), meet('bd', 'b', 'd'), meet('cd', 'c', 'd')],
    };
    // c and d only in s0: at most one of ac, bc, cd, bd... in s0 b/c/d are all distinct pairs
    const d = boundDetails(input);
    expect(d.participantCapacity[0]).toBe(1);
    expect(d.participantCapacity[2]).toBe(1);
    expect(d.participantCapacity[3]).toBe(1);
    expect(d.bound).toBe(maxPlaceable(input));
  });

  it('double cover beats the plain participant sum (a star with a capped centre)', () => {
    const input: SchedulingInput = {
      slots: slots(3),
      participants: [{ id: 'a', maxMeetings: 1 }, ...people('b', 'c', 'd')],
      meetings: [meet('ab', 'a', 'b'), meet('ac', 'a', 'c'), meet('ad', 'a', 'd')],
    };
    const d = boundDetails(input);
    expect(d.participantSum).toBe(2); // (1 + 1 + 1 + 1) / 2
    expect(d.doubleCover).toBe(1);
    expect(d.bound).toBe(1);
  });

  it('slot flow: meetings competing for one slot', () => {
    // everybody can only meet in s0, which has 5 tables but only 2 disjoint pairs exist
    const input: SchedulingInput = {
      slots: slots(3, 5),
      participants: ['a', 'b', 'c', 'd'].map((id) => ({ id, availableSlotIds: ['s0'] })),
      meetings: [meet('ab', 'a', 'b'), meet('cd', 'c', 'd'), meet('ac', 'a', 'c'), meet('bd', 'b', 'd')],
    };
    const d = boundDetails(input);
    expect(d.slotCapacity[0]).toBe(2);
    expect(d.slotCapacity[1]).toBe(0);
    expect(d.slotFlow).toBe(2);
    expect(d.bound).toBe(2);
  });

  it('unplaceable meetings contribute 0', () => {
    const input: SchedulingInput = {
      slots: [...slots(2, 2, () => 'am'), { id: 'p0', session: 'pm', tables: 2 }],
      participants: [
        { id: 'a', availableSlotIds: ['s0'] },
        { id: 'b', availableSlotIds: ['s1'] },
        { id: 'c', fixedTable: 1 },
        { id: 'd', fixedTable: 2 },
        { id: 'e', fixedTable: 3 },
        { id: 'f' },
      ],
      meetings: [
        meet('ab', 'a', 'b'), // no common slot
        meet('cd', 'c', 'd'), // two different stands
        meet('ef', 'e', 'f'), // stand 3 does not exist (2 tables)
        meet('cf', 'c', 'f', { fixedTable: 2 }), // meeting table 2 vs c's stand 1
        meet('ax', 'a', 'x'), // unknown participant
        meet('af', 'a', 'f', { sessionIds: ['pm'] }), // a is not available in pm
        meet('bf', 'b', 'f', { fixedSlotId: 's0' }), // b not available in s0
        meet('df', 'd', 'f', { allowedSlotIds: [] }),
        meet('ff', 'f', 'f'), // self meeting
      ],
    };
    const d = boundDetails(input);
    expect(d.placeable).toBe(0);
    expect(d.bound).toBe(0);
    expect(maxPlaceable(input)).toBe(0);
  });

  it('fixed slots and allowed slots are respected', () => {
    const input: SchedulingInput = {
      slots: slots(3, 3),
      participants: people('a', 'b', 'c', 'd'),
      meetings: [
        meet('ab', 'a', 'b', { fixedSlotId: 's1' }),
        meet('ac', 'a', 'c', { fixedSlotId: 's1' }),
        meet('ad', 'a', 'd', { allowedSlotIds: ['s1'] }),
        meet('bc', 'b', 'c'),
      ],
    };
    const d = boundDetails(input);
    // a's three meetings all need s1: a's capacity is 1
    expect(d.participantCapacity[0]).toBe(1);
    expect(d.bound).toBe(2);
    expect(maxPlaceable(input)).toBe(2);
  });
});

describe('upperBound on generated events', () => {
  it('is fast on 5,000 participants / 50,000 meetings and not above the trivial bounds', () => {
    const ev = generateEvent({ participants: 5000, seed: 11 });
    expect(ev.meetings.length).toBe(50000);
    upperBound(generateEvent({ participants: 200, seed: 1 })); // warm-up
    const t0 = performance.now();
    const d = boundDetails(ev);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1500);
    expect(d.bound).toBeLessThanOrEqual(d.placeable);
    expect(d.bound).toBeLessThanOrEqual(d.tableCapacity);
    expect(d.doubleCover).toBeLessThanOrEqual(d.participantSum);
    expect(d.combined).toBeUndefined(); // too large a network: skipped (see COMBINED_EDGE_LIMIT)
    expect(boundDetails(generateEvent({ participants: 1000, seed: 11 })).combined).toBeDefined();
    // popular participants cannot meet everybody who asked
    expect(d.bound).toBeLessThan(d.placeable);
  });

  it('with tablesBottleneck the bound is the total table capacity', () => {
    for (const [participants, seed] of [
      [300, 1],
      [1000, 2],
      [5000, 3],
    ]) {
      const ev = generateEvent({ participants, seed, tablesBottleneck: true });
      const d = boundDetails(ev);
      const capacity = ev.slots.reduce((s, x) => s + x.tables, 0);
      expect(d.tableCapacity).toBe(capacity);
      expect(d.bound).toBe(capacity);
      expect(d.participantSum).toBeGreaterThan(capacity);
    }
  });

  it('without the bottleneck, tables do not bind', () => {
    const ev = generateEvent({ participants: 1000, seed: 5 });
    const d = boundDetails(ev);
    expect(d.bound).toBeLessThan(d.tableCapacity);
  });
});
