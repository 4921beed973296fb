import { checkHardRules, computeBreaks, computeFigures } from './validate';
import type { Placement, SchedulingInput } from './types';

/** 2 sessions (am: s1..s4, pm: s5..s6), 2 tables each. */
function base(): SchedulingInput {
  return {
    slots: [
      { id: 's1', session: 'am', tables: 2 },
      { id: 's2', session: 'am', tables: 2 },
      { id: 's3', session: 'am', tables: 2 },
      { id: 's4', session: 'am', tables: 2 },
      { id: 's5', session: 'pm', tables: 2 },
      { id: 's6', session: 'pm', tables: 1 },
    ],
    participants: [
      { id: 'a' },
      { id: 'b', availableSlotIds: ['s1', 's2', 's3', 's5'] },
      { id: 'c', maxMeetings: 2 },
      { id: 'd', fixedTable: 2 },
      { id: 'e' },
    ],
    meetings: [
      { id: 'ab', participantIds: ['a', 'b'] },
      { id: 'ac', participantIds: ['a', 'c'] },
      { id: 'ad', participantIds: ['a', 'd'] },
      { id: 'bc', participantIds: ['b', 'c'], sessionIds: ['am'] },
      { id: 'cd', participantIds: ['c', 'd'] },
      { id: 'ce', participantIds: ['c', 'e'], fixedSlotId: 's5', fixedTable: 1 },
      { id: 'de', participantIds: ['d', 'e'], allowedSlotIds: ['s1', 's2'] },
    ],
  };
}

const P = (meetingId: string, slotId: string, table: number): Placement => ({ meetingId, slotId, table });

describe('checkHardRules', () => {
  it('accepts a valid schedule', () => {
    const placed = [P('ab', 's1', 1), P('ad', 's2', 2), P('bc', 's2', 1), P('ce', 's5', 1), P('de', 's1', 2)];
    expect(checkHardRules(base(), placed)).toEqual([]);
    expect(checkHardRules(base(), [])).toEqual([]);
  });

  const cases: Array<[string, Placement[], RegExp]> = [
    ['unknown meeting', [P('zz', 's1', 1)], /unknown meeting zz/],
    ['placed twice', [P('ab', 's1', 1), P('ab', 's2', 1)], /ab placed more than once/],
    ['unknown slot', [P('ab', 's9', 1)], /unknown slot s9/],
    ['table 0', [P('ab', 's1', 0)], /table 0/],
    ['table above tables', [P('ac', 's6', 2)], /table 2 in slot s6/],
    ['non-integer table', [P('ab', 's1', 1.5)], /table 1.5/],
    ['shared table', [P('ab', 's1', 1), P('ce', 's1', 1)], /share table 1 in slot s1/],
    ['slot over capacity', [P('ac', 's6', 1), P('de', 's6', 1)], /more than 1 meetings in slot s6/],
    ['double booking', [P('ab', 's1', 1), P('ac', 's1', 2)], /participant a in two meetings \(ab, ac\) in slot s1/],
    ['availability', [P('ab', 's4', 1)], /participant b not available in slot s4/],
    ['session restriction', [P('bc', 's5', 1)], /session pm/],
    ['allowed slots', [P('de', 's3', 2)], /not among its allowed slots/],
    ['fixed slot', [P('ce', 's4', 1)], /fixed meeting ce placed in slot s4 instead of s5/],
    ['fixed table', [P('ce', 's5', 2)], /fixed meeting ce placed at table 2 instead of 1/],
    ['participant fixed table', [P('ad', 's1', 1)], /participant d hosts at table 2/],
    ['max meetings', [P('ac', 's1', 1), P('bc', 's2', 1), P('cd', 's3', 2)], /participant c has more than 2 meetings/],
  ];
  it.each(cases)('reports %s', (_name, placed, re) => {
    const errs = checkHardRules(base(), placed);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.some((e) => re.test(e))).toBe(true);
  });

  it('reports unknown participants and self meetings', () => {
    const input = base();
    input.meetings.push({ id: 'ax', participantIds: ['a', 'x'] }, { id: 'aa', participantIds: ['a', 'a'] });
    expect(checkHardRules(input, [P('ax', 's1', 1)]).join('\n')).toMatch(/unknown participant x/);
    expect(checkHardRules(input, [P('aa', 's1', 1)]).join('\n')).toMatch(/same participant a twice/);
  });
});

describe('computeBreaks', () => {
  it('counts gaps inside a session only, one per gap', () => {
    // a: s1, s4 (gap of 2 -> 1 break), s5 (other session: no break), c: s1, s3, s5
    const placed = [P('ab', 's1', 1), P('ad', 's4', 2), P('ac', 's5', 1)];
    const br = computeBreaks(base(), placed);
    expect(br.get('a')).toBe(1);
    expect(br.get('b')).toBe(0);
    expect(br.get('e')).toBe(0);
    expect(br.size).toBe(5);
    const br2 = computeBreaks(base(), [P('ac', 's1', 1), P('bc', 's3', 1), P('ce', 's5', 1)]);
    expect(br2.get('c')).toBe(1);
  });
});

describe('computeFigures', () => {
  it('computes all figures', () => {
    const input = base();
    input.previous = [P('ab', 's1', 1), P('ad', 's3', 2), P('bc', 's2', 1), P('gone', 's1', 2), P('cd', 's3', 2)];
    // a: ab s1 t1, ad s3 t2 (1 break, 1 table change), ac s5 t1
    // b: ab s1, bc s2 ; c: bc s2 t1, ac s5 t1 ; d: ad s3 t2
    const placed = [P('ab', 's1', 1), P('ad', 's3', 2), P('bc', 's2', 2), P('ac', 's5', 1)];
    const f = computeFigures(input, placed, { upperBound: 6, runTimeMs: 12, breaksLowerBound: 1 });
    expect(f).toEqual({
      requested: 7,
      placed: 4,
      upperBound: 6,
      breaks: 1,
      breaksLowerBound: 1,
      maxBreaks: 1,
      breakSpread: 1,
      // e requested ce, de and got none
      worstParticipantShare: 0,
      // bc moved table, cd dropped; ab, ad unchanged; 'gone' is no longer requested
      moved: 2,
      // a: t1 -> t2 (s1 -> s3, am); b: t1 -> t2 (s1 -> s2, am);
      // c: bc t2 (am) -> ac t1 (pm) is another session: not counted
      tableChanges: 2,
      runTimeMs: 12,
    });
  });

  it('handles an empty schedule', () => {
    const f = computeFigures(base(), [], { upperBound: 0, runTimeMs: 0 });
    expect(f.placed).toBe(0);
    expect(f.breaks).toBe(0);
    expect(f.maxBreaks).toBe(0);
    expect(f.breakSpread).toBe(0);
    expect(f.worstParticipantShare).toBe(0);
    expect(f.moved).toBe(0);
    const none = computeFigures({ slots: [], participants: [{ id: 'a' }], meetings: [] }, [], { upperBound: 0, runTimeMs: 0 });
    expect(none.worstParticipantShare).toBe(1);
  });

  it('shares: worst participant share', () => {
    const input = base();
    input.meetings = input.meetings.slice(0, 3); // ab ac ad: a requested 3, b c d one each
    const f = computeFigures(input, [P('ab', 's1', 1), P('ac', 's2', 1)], { upperBound: 3, runTimeMs: 0 });
    expect(f.worstParticipantShare).toBe(0); // d got nothing
    const g = computeFigures(input, [P('ab', 's1', 1), P('ac', 's2', 1), P('ad', 's3', 2)], { upperBound: 3, runTimeMs: 0 });
    expect(g.worstParticipantShare).toBe(1);
  });
});

describe('checkHardRules edge cases', () => {
  it('fractional maxMeetings and zero tables are reported once', () => {
    const input: SchedulingInput = {
      slots: [
        { id: 's1', session: 'x', tables: 0 },
        { id: 's2', session: 'x', tables: 3 },
        { id: 's3', session: 'x', tables: 3 },
      ],
      participants: [{ id: 'a', maxMeetings: 1.5 }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
      meetings: [
        { id: 'ab', participantIds: ['a', 'b'] },
        { id: 'ac', participantIds: ['a', 'c'] },
        { id: 'ad', participantIds: ['a', 'd'] },
        { id: 'bc', participantIds: ['b', 'c'] },
      ],
    };
    expect(checkHardRules(input, [P('ab', 's2', 1)])).toEqual([]);
    const errs = checkHardRules(input, [P('ab', 's2', 1), P('ac', 's3', 1), P('ad', 's1', 1), P('bc', 's1', 2)]);
    expect(errs.filter((e) => /participant a has more than 1.5 meetings/.test(e))).toHaveLength(1);
    expect(errs.filter((e) => /more than 0 meetings in slot s1/.test(e))).toHaveLength(1);
  });
});
