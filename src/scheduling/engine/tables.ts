/** Table assignment (objective 5): fixed tables, previous tables, then few changes per person. */
import { Model, NONE, State } from './model';
import type { Placement, SchedulingInput } from './types';

// Math functions as module constants: the hot loops call them millions of times, and
// under jest (a vm context) every global lookup of Math goes through an interceptor.
const { max: M_MAX } = Math;

export function assignTables(input: SchedulingInput, model: Model, st: State): Placement[] {
  const { S, M, ma, mb, sessionOf, fixedTable, prevSlot, prevTable, cap } = model;
  const tableOf = new Int32Array(M);
  const lastTable = new Int32Array(model.P);
  const lastSession = new Int32Array(model.P).fill(NONE);
  const used = new Uint8Array(M_MAX(1, ...Array.from(cap)) + 2);
  for (let s = 0; s < S; s++) {
    const n = st.cnt[s];
    if (n === 0) continue;
    used.fill(0);
    const list = Array.from(st.inSlot[s].subarray(0, n)).sort((x, y) => x - y);
    const rest: number[] = [];
    for (const i of list) if (fixedTable[i] > 0) {
      tableOf[i] = fixedTable[i];
      used[fixedTable[i]] = 1;
    }
    for (const i of list) {
      if (fixedTable[i] > 0) continue;
      const t = prevTable[i];
      if (prevSlot[i] === s && t >= 1 && t <= cap[s] && !used[t]) {
        tableOf[i] = t;
        used[t] = 1;
      } else rest.push(i);
    }
    // Keep someone's table in as many meetings as possible: a maximum matching of
    // meetings onto the free tables their two people sat at last in this session
    // (augmenting paths; first come, first served left avoidable changes). Which of
    // the two stays put made no measurable difference.
    const want = (p: number) => (lastSession[p] === sessionOf[s] && lastTable[p] <= cap[s] && !used[lastTable[p]] ? lastTable[p] : 0);
    const cand: number[][] = rest.map((i) => [want(ma[i]), want(mb[i])].filter((t, k, all) => t > 0 && all.indexOf(t) === k));
    const holder = new Map<number, number>(); // table -> index into rest
    const augment = (k: number, seen: Set<number>): boolean => {
      for (const t of cand[k]) {
        if (seen.has(t)) continue;
        seen.add(t);
        const h = holder.get(t);
        if (h === undefined || augment(h, seen)) {
          holder.set(t, k);
          return true;
        }
      }
      return false;
    };
    for (let k = 0; k < rest.length; k++) if (cand[k].length > 0) augment(k, new Set());
    const rest2: number[] = [];
    const got = new Int32Array(rest.length);
    for (const [t, k] of holder) got[k] = t;
    rest.forEach((i, k) => {
      if (got[k]) {
        tableOf[i] = got[k];
        used[got[k]] = 1;
      } else rest2.push(i);
    });
    let next = 1;
    for (const i of rest2) {
      while (used[next]) next++;
      tableOf[i] = next;
      used[next] = 1;
    }
    for (const i of list) {
      for (const p of [ma[i], mb[i]]) {
        lastTable[p] = tableOf[i];
        lastSession[p] = sessionOf[s];
      }
    }
  }
  const out: Placement[] = [];
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] === NONE) continue;
    out.push({ meetingId: input.meetings[i].id, slotId: input.slots[st.slotOf[i]].id, table: tableOf[i] });
  }
  return out;
}
