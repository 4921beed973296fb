import { deriveSlots } from './slots';

const at = (iso: string) => new Date(iso);

describe('deriveSlots', () => {
  it('fills a session with meeting + changeover slots', () => {
    const slots = deriveSlots({ startsAt: at('2027-02-15T10:00:00+01:00'), endsAt: at('2027-02-15T12:30:00+01:00') }, 20, 5);
    expect(slots).toHaveLength(6);
    expect(slots[0]).toEqual({ startsAt: at('2027-02-15T09:00:00Z'), endsAt: at('2027-02-15T09:20:00Z') });
    expect(slots[5]).toEqual({ startsAt: at('2027-02-15T11:05:00Z'), endsAt: at('2027-02-15T11:25:00Z') });
  });

  it('drops a slot that does not fit before the session ends', () => {
    const slots = deriveSlots({ startsAt: at('2027-02-15T10:00:00Z'), endsAt: at('2027-02-15T10:45:00Z') }, 20, 5);
    expect(slots.map((slot) => slot.startsAt.toISOString())).toEqual(['2027-02-15T10:00:00.000Z']);
  });

  it('keeps real-time spacing across the night clocks go forward', () => {
    // Europe/Berlin, 28 March 2027: 02:00 CET becomes 03:00 CEST
    const slots = deriveSlots({ startsAt: at('2027-03-28T01:00:00+01:00'), endsAt: at('2027-03-28T04:00:00+02:00') }, 30, 0);
    expect(slots).toHaveLength(4);
    expect(slots[2].startsAt).toEqual(at('2027-03-28T03:00:00+02:00'));
  });
});
