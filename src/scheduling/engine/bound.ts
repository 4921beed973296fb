/**
 * Certified upper bound on the number of meetings that any schedule obeying
 * the hard rules can place. Pure TypeScript, no dependencies.
 *
 * Hard rules assumed (the same as validate.ts checkHardRules):
 *  - a placed meeting sits in a slot available to both participants, in one of
 *    its allowed sessions, among its allowedSlotIds if given, in its fixed slot
 *    if it has one, at a table 1..slot.tables, at its required table if it (or
 *    one of its participants, fixedTable) requires one; a meeting whose
 *    participants require two different tables, a meeting with an unknown
 *    participant and a meeting of a participant with himself can never be
 *    placed; placing a fixed meeting is optional (the bound also holds when
 *    fixed meetings are mandatory: fewer schedules);
 *  - nobody is in two meetings in one slot; at most `tables` meetings per slot;
 *  - participant p takes part in at most maxMeetings(p) meetings.
 *
 * F(m) = set of slots where meeting m could be placed if it were alone.
 *
 * Components (each is a valid bound; the result is their minimum):
 *  (A) tableCapacity = sum_s tables(s): every placed meeting occupies one table
 *      in one slot.
 *  (B) placeable = #{m : F(m) nonempty}.
 *  (C) slotFlow: max flow  source -> meeting (cap 1) -> slot s in F(m) -> sink
 *      with slot capacity cap(s) = min(tables(s), floor(n_s / 2), k_s), where
 *      k_s = #meetings with s in F(m) and n_s = #participants having a meeting
 *      with s in F(m). Any schedule is an integral flow here: meetings placed in
 *      slot s are pairwise participant-disjoint, all their 2*x_s participants
 *      are among the n_s, so x_s <= floor(n_s/2); x_s <= tables(s), x_s <= k_s.
 *      Meetings with the same F are merged into one node (capacity = count).
 *  (D) participantSum = floor(sum_p c(p) / 2), where c(p) = min(maxMeetings(p),
 *      size of a maximum matching of p's meetings m onto slots of F(m)).
 *      In a schedule p's placed meetings use distinct slots, each in its F(m):
 *      that is a matching, so p has at most c(p) placed meetings; each meeting
 *      counts at two participants.
 *  (E) doubleCover = floor(maxflow / 2) in the bipartite double cover:
 *      source -> p' (cap c(p)) -> q'' (cap 1 per meeting {p,q}, both
 *      directions) -> sink (cap c(q) at q''). A schedule with k meetings yields
 *      a flow of 2k (each placed meeting {p,q} sends one unit p'->q'' and one
 *      unit q'->p''; p' and p'' each carry #placed meetings of p <= c(p)),
 *      so k <= floor(maxflow / 2). (E) <= (D) always; it is the fractional
 *      b-matching LP bound.
 *  (F) combined (only when the network is small enough, see COMBINED_EDGE_LIMIT):
 *      source -> p (cap min(maxMeetings(p), deg(p))) -> (p, G) (one node per
 *      group G of p's meetings with equal F; cap |G|) -> (p, s) for s in F(G)
 *      -> slot s (cap 1 per (p,s)) -> sink (cap 2*cap(s)). A schedule with k
 *      meetings yields a flow of 2k: each placed meeting {p,q} at slot s sends
 *      one unit along p -> (p,G) -> (p,s) -> s and one along q's side; (p,s)
 *      carries at most 1 since p is in at most one meeting per slot; slot s
 *      carries 2*x_s <= 2*cap(s). So k <= floor(maxflow / 2). It couples
 *      the participants' slot matchings with the slot capacities.
 */
import type { SchedulingInput } from './types';

export interface Prepared {
  /** Number of slots. */
  S: number;
  /** Words per slot bitset. */
  W: number;
  P: number;
  M: number;
  slotIndex: Map<string, number>;
  participantIndex: Map<string, number>;
  tables: Int32Array;
  /** Per meeting: participant indices, -1 if unknown. */
  mA: Int32Array;
  mB: Int32Array;
  /** Per meeting: required table (0 = none, -1 = conflicting requirements). */
  reqTable: Int32Array;
  /** Per meeting, W words: slots where the meeting could be placed on its own. */
  feasible: Uint32Array;
  /** Per meeting: number of feasible slots. */
  feasibleCount: Int32Array;
  /** Per participant: maxMeetings or a large number. */
  maxMeetings: Int32Array;
}

export const NO_CAP = 1 << 29;

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return ((((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24) & 0xff;
}

/** LOW16[v] = index of the lowest set bit of v (0 < v < 65536). */
const LOW16 = new Uint8Array(65536);
for (let v = 1; v < 65536; v++) LOW16[v] = v & 1 ? 0 : LOW16[v >>> 1] + 1;

/**
 * Index of the lowest set bit of a non-zero 32-bit word. (A table rather than
 * Math.clz32: builtin calls are not inlined inside jest's vm contexts, where
 * clz32 made the bound ~50x slower.)
 */
function lowBit(x: number): number {
  const lo = x & 0xffff;
  return lo !== 0 ? LOW16[lo] : 16 + LOW16[(x >>> 16) & 0xffff];
}

/** Builds per-meeting feasible slot sets (shared with exact.ts). */
export function prepare(input: SchedulingInput): Prepared {
  const S = input.slots.length;
  const W = Math.max(1, Math.ceil(S / 32));
  const slotIndex = new Map<string, number>();
  input.slots.forEach((s, i) => {
    if (!slotIndex.has(s.id)) slotIndex.set(s.id, i);
  });
  const tables = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const t = input.slots[s].tables;
    tables[s] = Number.isFinite(t) && t > 0 ? Math.floor(t) : 0;
  }
  const sessionSlots = new Map<string, number[]>();
  input.slots.forEach((s, i) => {
    let l = sessionSlots.get(s.session);
    if (!l) sessionSlots.set(s.session, (l = []));
    l.push(i);
  });

  const P = input.participants.length;
  const participantIndex = new Map<string, number>();
  input.participants.forEach((p, i) => {
    if (!participantIndex.has(p.id)) participantIndex.set(p.id, i);
  });
  const avail = new Uint32Array(P * W);
  const maxMeetings = new Int32Array(P);
  const pTable = new Int32Array(P);
  const allMask = new Uint32Array(W);
  for (let s = 0; s < S; s++) if (tables[s] > 0) allMask[s >>> 5] |= 1 << (s & 31);
  for (let i = 0; i < P; i++) {
    const p = input.participants[i];
    if (p.availableSlotIds === undefined) {
      avail.set(allMask, i * W);
    } else {
      for (const id of p.availableSlotIds) {
        const s = slotIndex.get(id);
        if (s !== undefined && tables[s] > 0) avail[i * W + (s >>> 5)] |= 1 << (s & 31);
      }
    }
    const mm = p.maxMeetings;
    maxMeetings[i] = mm === undefined || mm === null || !Number.isFinite(mm) ? NO_CAP : Math.max(0, Math.floor(mm));
    pTable[i] = p.fixedTable === undefined || p.fixedTable === null ? 0 : p.fixedTable;
  }

  const M = input.meetings.length;
  const mA = new Int32Array(M);
  const mB = new Int32Array(M);
  const reqTable = new Int32Array(M);
  const feasible = new Uint32Array(M * W);
  const feasibleCount = new Int32Array(M);
  const sessMask = new Uint32Array(W);
  const sessCache = new Map<string, Uint32Array>();
  for (let m = 0; m < M; m++) {
    const mt = input.meetings[m];
    const [ida, idb] = mt.participantIds;
    const a = participantIndex.get(ida);
    const b = participantIndex.get(idb);
    mA[m] = a === undefined ? -1 : a;
    mB[m] = b === undefined ? -1 : b;
    if (a === undefined || b === undefined || a === b) continue;
    // Required table.
    let req = 0;
    let bad = false;
    for (const t of [mt.fixedTable ?? 0, pTable[a], pTable[b]]) {
      if (!t) continue;
      if (!Number.isInteger(t) || t < 1) bad = true;
      else if (req === 0) req = t;
      else if (req !== t) bad = true;
    }
    if (bad) {
      reqTable[m] = -1;
      continue;
    }
    reqTable[m] = req;
    const base = m * W;
    for (let w = 0; w < W; w++) feasible[base + w] = avail[a * W + w] & avail[b * W + w];
    if (mt.sessionIds !== undefined) {
      const key = mt.sessionIds.join('\u0000');
      let mask = sessCache.get(key);
      if (!mask) {
        mask = new Uint32Array(W);
        for (const sid of mt.sessionIds) for (const s of sessionSlots.get(sid) ?? []) mask[s >>> 5] |= 1 << (s & 31);
        sessCache.set(key, mask);
      }
      for (let w = 0; w < W; w++) feasible[base + w] &= mask[w];
    }
    if (mt.allowedSlotIds !== undefined) {
      sessMask.fill(0);
      for (const id of mt.allowedSlotIds) {
        const s = slotIndex.get(id);
        if (s !== undefined) sessMask[s >>> 5] |= 1 << (s & 31);
      }
      for (let w = 0; w < W; w++) feasible[base + w] &= sessMask[w];
    }
    if (mt.fixedSlotId !== undefined) {
      const fs = slotIndex.get(mt.fixedSlotId);
      sessMask.fill(0);
      if (fs !== undefined) sessMask[fs >>> 5] |= 1 << (fs & 31);
      for (let w = 0; w < W; w++) feasible[base + w] &= sessMask[w];
    }
    if (req > 0) {
      for (let s = 0; s < S; s++) if (tables[s] < req) feasible[base + (s >>> 5)] &= ~(1 << (s & 31));
    }
    let c = 0;
    for (let w = 0; w < W; w++) c += popcount32(feasible[base + w]);
    feasibleCount[m] = c;
  }
  return { S, W, P, M, slotIndex, participantIndex, tables, mA, mB, reqTable, feasible, feasibleCount, maxMeetings };
}

/** Dinic max flow on integer capacities, iterative (no recursion). */
class FlowNetwork {
  private head: Int32Array;
  private to: Int32Array;
  private cap: Int32Array;
  private nxt: Int32Array;
  private m = 0;

  constructor(
    readonly n: number,
    edgeHint: number,
  ) {
    this.head = new Int32Array(n).fill(-1);
    const e = Math.max(16, edgeHint * 2);
    this.to = new Int32Array(e);
    this.cap = new Int32Array(e);
    this.nxt = new Int32Array(e);
  }

  addEdge(u: number, v: number, c: number): void {
    if (this.m + 2 > this.to.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.to = grow(this.to);
      this.cap = grow(this.cap);
      this.nxt = grow(this.nxt);
    }
    const e = this.m;
    this.to[e] = v;
    this.cap[e] = c;
    this.nxt[e] = this.head[u];
    this.head[u] = e;
    this.to[e + 1] = u;
    this.cap[e + 1] = 0;
    this.nxt[e + 1] = this.head[v];
    this.head[v] = e + 1;
    this.m += 2;
  }

  maxFlow(s: number, t: number): number {
    const n = this.n;
    const level = new Int32Array(n);
    const it = new Int32Array(n);
    const queue = new Int32Array(n);
    const pathEdge = new Int32Array(n + 1);
    const { to, cap, nxt, head } = this;
    let flow = 0;
    for (;;) {
      level.fill(-1);
      level[s] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = s;
      while (qh < qt) {
        const u = queue[qh++];
        for (let e = head[u]; e !== -1; e = nxt[e]) {
          const v = to[e];
          if (cap[e] > 0 && level[v] < 0) {
            level[v] = level[u] + 1;
            queue[qt++] = v;
          }
        }
      }
      if (level[t] < 0) return flow;
      it.set(head);
      // Find augmenting paths in the level graph one by one.
      let depth = 0;
      let u = s;
      for (;;) {
        if (u === t) {
          let f = Infinity;
          for (let i = 0; i < depth; i++) if (cap[pathEdge[i]] < f) f = cap[pathEdge[i]];
          let back = depth;
          for (let i = 0; i < depth; i++) {
            const e = pathEdge[i];
            cap[e] -= f;
            cap[e ^ 1] += f;
            if (cap[e] === 0 && i < back) back = i;
          }
          flow += f;
          // Resume from the tail of the first saturated edge.
          depth = back;
          u = depth === 0 ? s : to[pathEdge[depth - 1]];
          continue;
        }
        let e = it[u];
        const lu = level[u] + 1;
        while (e !== -1 && !(cap[e] > 0 && level[to[e]] === lu)) e = nxt[e];
        it[u] = e;
        if (e === -1) {
          level[u] = -1; // dead end
          if (depth === 0) break;
          depth--;
          u = depth === 0 ? s : to[pathEdge[depth - 1]];
          continue;
        }
        pathEdge[depth++] = e;
        u = to[e];
      }
    }
  }
}

export interface BoundDetails {
  tableCapacity: number;
  placeable: number;
  slotFlow: number;
  participantSum: number;
  doubleCover: number;
  /** Undefined when skipped because the network would be too large. */
  combined?: number;
  /** Per participant: min(maxMeetings, max matching of its meetings onto slots). */
  participantCapacity: Int32Array;
  /** Per slot: min(tables, floor(n_s/2), k_s). */
  slotCapacity: Int32Array;
  bound: number;
  /** Cumulative milliseconds after each phase (diagnostics). */
  timings: Record<string, number>;
}

/**
 * Edge budget for the combined network (F); beyond it (F) is skipped. (F) was never
 * below the other components on the 20 b2bsp events nor on generated events of
 * 60-5,000 people, and it costs the most: 190 ms of 262 at 5,000 people (970k
 * edges), 605 of 755 at 10,000 (1.9M), time the search of a large event lacks
 * (the bound is computed first). Up to about 2,500 people it is kept (under 70 ms).
 */
const COMBINED_EDGE_LIMIT = 500_000;

export function boundDetails(input: SchedulingInput): BoundDetails {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string) => (timings[name] = Math.round(performance.now() - t0));
  const pr = prepare(input);
  lap('prepare');
  const { S, W, P, M, tables, mA, mB, feasible, feasibleCount, maxMeetings } = pr;

  let tableCapacity = 0;
  for (let s = 0; s < S; s++) tableCapacity += tables[s];

  // Feasible meetings per participant (CSR).
  const deg = new Int32Array(P + 1);
  let placeable = 0;
  for (let m = 0; m < M; m++) {
    if (feasibleCount[m] === 0) continue;
    placeable++;
    deg[mA[m]]++;
    deg[mB[m]]++;
  }
  const start = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) start[p + 1] = start[p] + deg[p];
  const fill = start.slice(0, P);
  const adj = new Int32Array(start[P]);
  for (let m = 0; m < M; m++) {
    if (feasibleCount[m] === 0) continue;
    adj[fill[mA[m]]++] = m;
    adj[fill[mB[m]]++] = m;
  }

  lap('adj');
  // Per-slot counts k_s.
  const kS = new Int32Array(S);
  for (let m = 0; m < M; m++) {
    if (feasibleCount[m] === 0) continue;
    const base = m * W;
    for (let w = 0; w < W; w++) {
      let bits = feasible[base + w];
      while (bits !== 0) {
        kS[(w << 5) + lowBit(bits)]++;
        bits &= bits - 1;
      }
    }
  }

  lap('csr');
  // Per participant: union of feasible slots (n_s) and max matching c(p).
  const nS = new Int32Array(S);
  const cap = new Int32Array(P);
  const union = new Uint32Array(W);
  const used = new Uint32Array(W);
  const dead = new Uint32Array(W);
  const visited = new Uint32Array(W);
  const slotMatch = new Int32Array(S).fill(-1);

  const augment = (m: number): boolean => {
    const base = m * W;
    for (let w = 0; w < W; w++) {
      let bits = feasible[base + w] & ~visited[w] & ~dead[w];
      while (bits !== 0) {
        const b = lowBit(bits);
        const s = (w << 5) + b;
        visited[w] |= 1 << b;
        if (slotMatch[s] === -1 || augment(slotMatch[s])) {
          slotMatch[s] = m;
          return true;
        }
        bits &= ~visited[w];
      }
    }
    return false;
  };

  let capSum = 0;
  for (let p = 0; p < P; p++) {
    const d = deg[p];
    if (d === 0) continue;
    union.fill(0);
    for (let i = start[p]; i < start[p + 1]; i++) {
      const base = adj[i] * W;
      for (let w = 0; w < W; w++) union[w] |= feasible[base + w];
    }
    let u = 0;
    for (let w = 0; w < W; w++) {
      u += popcount32(union[w]);
      let bits = union[w];
      while (bits !== 0) {
        nS[(w << 5) + lowBit(bits)]++;
        bits &= bits - 1;
      }
    }
    const target = Math.min(maxMeetings[p], u, d);
    let count = 0;
    if (target > 0) {
      used.fill(0);
      dead.fill(0);
      for (let i = start[p]; i < start[p + 1] && count < target; i++) {
        const m = adj[i];
        const base = m * W;
        let done = false;
        for (let w = 0; w < W && !done; w++) {
          const bits = feasible[base + w] & ~used[w];
          if (bits !== 0) {
            const b = lowBit(bits);
            used[w] |= 1 << b;
            slotMatch[(w << 5) + b] = m;
            done = true;
          }
        }
        if (!done) {
          visited.fill(0);
          if (augment(m)) done = true;
          else for (let w = 0; w < W; w++) dead[w] |= visited[w];
        }
        if (done) count++;
      }
      // Reset slotMatch for the slots this participant touched.
      for (let w = 0; w < W; w++) {
        let bits = union[w];
        while (bits !== 0) {
          slotMatch[(w << 5) + lowBit(bits)] = -1;
          bits &= bits - 1;
        }
      }
    }
    cap[p] = count;
    capSum += count;
  }
  const participantSum = Math.floor(capSum / 2);

  const slotCap = new Int32Array(S);
  for (let s = 0; s < S; s++) slotCap[s] = Math.min(tables[s], nS[s] >> 1, kS[s]);

  lap('matching');
  // (C) slot flow over meeting types.
  const typeIndex = new Map<string, number>();
  const typeCount: number[] = [];
  const typeMeeting: number[] = [];
  const meetingType = new Int32Array(M).fill(-1);
  for (let m = 0; m < M; m++) {
    if (feasibleCount[m] === 0) continue;
    let key = '';
    const base = m * W;
    for (let w = 0; w < W; w++) key += feasible[base + w].toString(36) + ',';
    const t = typeIndex.get(key);
    if (t === undefined) {
      meetingType[m] = typeCount.length;
      typeIndex.set(key, typeCount.length);
      typeCount.push(1);
      typeMeeting.push(m);
    } else {
      meetingType[m] = t;
      typeCount[t]++;
    }
  }
  const T = typeCount.length;
  let slotFlow = 0;
  {
    const src = 0;
    const sink = 1;
    const net = new FlowNetwork(2 + T + S, T * 8 + S);
    for (let t = 0; t < T; t++) {
      net.addEdge(src, 2 + t, typeCount[t]);
      const base = typeMeeting[t] * W;
      for (let w = 0; w < W; w++) {
        let bits = feasible[base + w];
        while (bits !== 0) {
          const s = (w << 5) + lowBit(bits);
          if (slotCap[s] > 0) net.addEdge(2 + t, 2 + T + s, NO_CAP);
          bits &= bits - 1;
        }
      }
    }
    for (let s = 0; s < S; s++) if (slotCap[s] > 0) net.addEdge(2 + T + s, sink, slotCap[s]);
    slotFlow = net.maxFlow(src, sink);
  }

  lap('slotFlow');
  // (E) double cover.
  let doubleCover = 0;
  {
    const src = 0;
    const sink = 1;
    const net = new FlowNetwork(2 + 2 * P, 2 * placeable + 2 * P);
    for (let p = 0; p < P; p++) {
      if (cap[p] === 0) continue;
      net.addEdge(src, 2 + p, cap[p]);
      net.addEdge(2 + P + p, sink, cap[p]);
    }
    for (let m = 0; m < M; m++) {
      if (feasibleCount[m] === 0) continue;
      const a = mA[m];
      const b = mB[m];
      if (cap[a] === 0 || cap[b] === 0) continue;
      net.addEdge(2 + a, 2 + P + b, 1);
      net.addEdge(2 + b, 2 + P + a, 1);
    }
    doubleCover = Math.floor(net.maxFlow(src, sink) / 2);
  }

  lap('doubleCover');
  // (F) combined participant/slot network.
  let combined: number | undefined;
  {
    // Groups of each participant's meetings by meeting type.
    const groupOf = new Map<number, number>(); // type -> count, reused per participant
    let edges = 0;
    const plan: Array<{ p: number; groups: Array<[number, number]> }> = [];
    for (let p = 0; p < P && edges <= COMBINED_EDGE_LIMIT; p++) {
      if (cap[p] === 0) continue;
      groupOf.clear();
      for (let i = start[p]; i < start[p + 1]; i++) {
        const t = meetingType[adj[i]];
        groupOf.set(t, (groupOf.get(t) ?? 0) + 1);
      }
      const groups: Array<[number, number]> = [];
      for (const [t, c] of groupOf) {
        groups.push([t, c]);
        edges += 1 + feasibleCount[typeMeeting[t]];
      }
      edges += 1 + S;
      plan.push({ p, groups });
    }
    if (edges <= COMBINED_EDGE_LIMIT) {
      // Node numbering: 0 src, 1 sink, 2..S+1 slots, then per participant:
      // p node, (p,s) nodes for s in union, group nodes.
      let nodes = 2 + S;
      for (const { groups } of plan) nodes += 1 + S + groups.length;
      const net = new FlowNetwork(nodes, edges + S);
      let next = 2 + S;
      const psNode = new Int32Array(S);
      for (const { p, groups } of plan) {
        const pn = next++;
        net.addEdge(0, pn, cap[p]);
        psNode.fill(-1);
        for (const [t, c] of groups) {
          const gn = next++;
          net.addEdge(pn, gn, c);
          const base = typeMeeting[t] * W;
          for (let w = 0; w < W; w++) {
            let bits = feasible[base + w];
            while (bits !== 0) {
              const s = (w << 5) + lowBit(bits);
              bits &= bits - 1;
              if (slotCap[s] === 0) continue;
              if (psNode[s] < 0) {
                psNode[s] = next++;
                net.addEdge(psNode[s], 2 + s, 1);
              }
              net.addEdge(gn, psNode[s], NO_CAP);
            }
          }
        }
      }
      for (let s = 0; s < S; s++) if (slotCap[s] > 0) net.addEdge(2 + s, 1, 2 * slotCap[s]);
      combined = Math.floor(net.maxFlow(0, 1) / 2);
    }
  }

  lap('combined');
  let bound = Math.min(tableCapacity, placeable, slotFlow, participantSum, doubleCover);
  if (combined !== undefined) bound = Math.min(bound, combined);
  return {
    tableCapacity,
    placeable,
    slotFlow,
    participantSum,
    doubleCover,
    combined,
    participantCapacity: cap,
    slotCapacity: slotCap,
    bound,
    timings,
  };
}

/**
 * Certified upper bound on the number of meetings placeable by any schedule
 * that obeys the hard rules (see the module comment for the proof sketch).
 */
export function upperBound(input: SchedulingInput): number {
  return boundDetails(input).bound;
}
