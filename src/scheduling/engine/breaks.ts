/**
 * Break definition shared by the solver and the validator.
 * A participant's meetings, sorted by global slot index, form a sequence; a
 * break is an idle gap (one or more empty slots) between two CONSECUTIVE
 * meetings of that participant that lie in the SAME session. Idle slots before
 * the first / after the last meeting do not count, and neither does a gap
 * whose two meetings are in different sessions (e.g. morning vs afternoon
 * when those are separate sessions, or two different days). A gap of k empty
 * slots counts as ONE break (not k).
 */
export function countBreaks(slotIndicesSorted: readonly number[], sessionOfSlot: ArrayLike<number>): number {
  let breaks = 0;
  for (let i = 1; i < slotIndicesSorted.length; i++) {
    const a = slotIndicesSorted[i - 1];
    const b = slotIndicesSorted[i];
    if (b - a > 1 && sessionOfSlot[a] === sessionOfSlot[b]) breaks++;
  }
  return breaks;
}
