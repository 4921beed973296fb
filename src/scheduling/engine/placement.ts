/**
 * Placement heuristics of the solver (objective 1): ejection chains, the tabu
 * repair, the reasons given for unplaced meetings, and the constructive restart
 * that schedules a placed set again slot by slot (a start for the annealer).
 */
import { personBreaks } from './breaks-sat';
import { Model, NONE, State } from './model';
import type { SchedulingInput, UnplacedReason } from './types';

// Math functions as module constants: the hot loops call them millions of times, and
// under jest (a vm context) every global lookup of Math goes through an interceptor.
const { abs: M_ABS, floor: M_FLOOR, max: M_MAX, min: M_MIN, pow: M_POW, round: M_ROUND } = Math;

/**
 * How many meetings each participant could have at most: the slots any of
 * their meetings may use, capped by their maximum.
 */
export function meetingCapacity(model: Model): Int32Array {
  return model.usableSlots.map((c, p) => M_MIN(c, model.maxMeet[p]));
}

export function better(a: Int32Array, b: Int32Array): number {
  for (let r = a.length - 1; r >= 0; r--) if (a[r] !== b[r]) return a[r] - b[r];
  return 0;
}

export function explain(
  input: SchedulingInput,
  model: Model,
  st: State,
  i: number,
  fixedConflict: string | null,
): { reason: UnplacedReason; detail?: string } {
  if (model.impossible[i]) return model.impossible[i]!;
  if (fixedConflict) return { reason: 'fixed_placement_conflict', detail: fixedConflict };
  const S = model.S;
  for (const p of [model.ma[i], model.mb[i]]) {
    if (st.placedCount[p] >= model.maxMeet[p]) {
      return {
        reason: 'participant_at_maximum',
        detail: `participant ${input.participants[p].id} already has ${model.maxMeet[p]} meetings`,
      };
    }
  }
  let bothFree = 0;
  for (const s of model.allowed[i]) {
    if (st.occ[model.ma[i] * S + s] || st.occ[model.mb[i] * S + s]) continue;
    bothFree++;
  }
  if (bothFree > 0) {
    return { reason: 'no_table', detail: `all ${bothFree} slot(s) where both are free have no table left` };
  }
  return {
    reason: 'outranked',
    detail: 'every common available slot is taken by other meetings of equal or higher priority of a participant',
  };
}

/**
 * Ejection chains with rollback: put an unplaced meeting in a slot where exactly
 * one meeting (of equal or lower priority) is in the way, move on with the
 * ejected meeting, and so on up to `depth` steps. The chain succeeds when the
 * last meeting lands without ejection (or a lower-priority one is left out);
 * otherwise every step is undone, so the placement never gets worse.
 */
export function chainRepair(model: Model, st: State, rnd: () => number, fixedConflict: (string | null)[], deadline: number, effort: number): void {
  const { S, M, ma, mb, mr, rank, allowed, cap, fixedSlot, maxMeet } = model;
  // a participant whose every usable slot is taken cannot gain a meeting through
  // this participant's own chain (the partner switch below still helps others)
  const saturated = (p: number) => st.placedCount[p] >= model.usableSlots[p];
  const logX: number[] = [];
  const logFrom: number[] = [];
  const touched = new Int32Array(M);
  let stamp = 0;
  const depth = 12;
  const cands: number[] = [];
  const candX: number[] = [];
  const before = new Int32Array(model.nRanks);
  const qFree: number[] = [];
  /** an unplaced meeting of q to continue the chain with, or -1 */
  const nextOf = (q: number): number => {
    const list = model.meetingsOf[q];
    // q's meetings can only fit where q is free and a table is left (popular people
    // have dozens of unplaced meetings: checking their every slot took 0.3 s at 10,000 people)
    qFree.length = 0;
    if (st.placedCount[q] < maxMeet[q]) for (let s = 0; s < S; s++) if (!st.occ[q * S + s] && st.cnt[s] < cap[s]) qFree.push(s);
    let pick = -1;
    let n = 0;
    let fitPick = -1;
    let nFit = 0;
    for (const y of list) {
      if (st.slotOf[y] !== NONE || touched[y] === stamp || model.impossible[y] || fixedConflict[y]) continue;
      if (rnd() * ++n < 1) pick = y;
      let fit = false;
      for (let k = 0; k < qFree.length && !fit; k++) fit = st.fits(y, qFree[k]);
      if (fit && rnd() * ++nFit < 1) fitPick = y;
    }
    return fitPick >= 0 ? fitPick : pick;
  };
  const rollback = () => {
    for (let k = logX.length - 1; k >= 0; k--) {
      const x = logX[k];
      if (logFrom[k] === NONE) st.remove(x);
      else st.place(x, logFrom[k]);
    }
  };
  const tryChain = (m0: number): boolean => {
    stamp++;
    logX.length = 0;
    logFrom.length = 0;
    before.set(st.placedByRank);
    let m = m0;
    touched[m] = stamp;
    for (let step = 0; step < depth && m >= 0; step++) {
      touched[m] = stamp;
      // direct placement?
      cands.length = 0;
      for (const s of allowed[m]) if (st.fits(m, s)) cands.push(s);
      if (cands.length) {
        st.place(m, cands[M_FLOOR(rnd() * cands.length)]);
        logX.push(m);
        logFrom.push(NONE);
        if (better(st.placedByRank, before) > 0) return true;
        break;
      }
      const capA = st.placedCount[ma[m]] >= maxMeet[ma[m]];
      const capB = st.placedCount[mb[m]] >= maxMeet[mb[m]];
      if (capA && capB) break;
      if (capA || capB) {
        // participant at maximum: drop one of its meetings so that m fits directly
        const p = capA ? ma[m] : mb[m];
        candX.length = 0;
        for (const x of model.meetingsOf[p]) if (st.slotOf[x] !== NONE && touched[x] !== stamp && fixedSlot[x] === NONE) candX.push(x);
        let done = false;
        for (let t = 0; t < 4 && !done && candX.length; t++) {
          const x = candX[M_FLOOR(rnd() * candX.length)];
          const sx = st.slotOf[x];
          st.remove(x);
          cands.length = 0;
          for (const s of allowed[m]) if (st.fits(m, s)) cands.push(s);
          if (!cands.length) {
            st.place(x, sx);
            continue;
          }
          logX.push(x);
          logFrom.push(sx);
          st.place(m, cands[M_FLOOR(rnd() * cands.length)]);
          logX.push(m);
          logFrom.push(NONE);
          touched[x] = stamp;
          // continue with an unplaced meeting of x's other participant, who just got a free slot
          m = nextOf(ma[x] === p ? mb[x] : ma[x]);
          done = true;
        }
        if (!done) break;
        continue;
      }
      // single ejections
      cands.length = 0;
      candX.length = 0;
      for (const s of allowed[m]) {
        const xa = st.occ[ma[m] * S + s] - 1;
        const xb = st.occ[mb[m] * S + s] - 1;
        const xr = mr[m] !== NONE ? st.occ[mr[m] * S + s] - 1 : -1;
        let x = -1;
        let n = 0;
        for (const y of [xa, xb, xr]) if (y >= 0 && y !== x) {
          x = y;
          n++;
        }
        if (n > 1) continue;
        if (n === 0) {
          // slot full of tables: eject a random meeting of the slot
          if (st.cnt[s] < cap[s]) continue;
          x = st.inSlot[s][M_FLOOR(rnd() * st.cnt[s])];
        }
        // a higher-priority meeting may be moved too: success is judged on the whole chain
        if (touched[x] === stamp || fixedSlot[x] !== NONE) continue;
        cands.push(s);
        candX.push(x);
      }
      if (!cands.length) break;
      const k = M_FLOOR(rnd() * cands.length);
      const s = cands[k];
      const x = candX[k];
      logX.push(x);
      logFrom.push(s);
      st.remove(x);
      st.place(m, s);
      logX.push(m);
      logFrom.push(NONE);
      touched[x] = stamp;
      if (better(st.placedByRank, before) > 0) return true; // e.g. a lower priority one left out
      // go on with x (relocate it), or sometimes leave x out and serve its other participant
      const shared = ma[x] === ma[m] || ma[x] === mb[m] ? ma[x] : mb[x];
      const other = ma[x] === shared ? mb[x] : ma[x];
      if (rnd() < 0.25) {
        const y = nextOf(other);
        m = y >= 0 ? y : x;
      } else m = x;
    }
    rollback();
    return false;
  };
  let free = 0;
  for (let s = 0; s < S; s++) free += cap[s] - st.cnt[s];
  if (free === 0) return; // every table of every slot is used: nothing can be added
  const queue: number[] = [];
  for (let i = 0; i < M; i++) if (st.slotOf[i] === NONE && !model.impossible[i] && !fixedConflict[i]) queue.push(i);
  const maxPasses = M_MAX(1, M_ROUND(6 * effort));
  // small events: many randomised attempts per meeting are cheap
  const tries = M < 300 ? 40 : 3;
  for (let pass = 0; pass < maxPasses; pass++) {
    // highest priority first, random order within a priority
    const key = new Float64Array(M);
    for (const i of queue) key[i] = rank[i] + rnd() * 0.5;
    queue.sort((x, y) => key[y] - key[x]);
    let improved = 0;
    let n = 0;
    for (const m of queue) {
      if ((++n & 255) === 0 && Date.now() > deadline) break;
      if (st.slotOf[m] !== NONE) continue;
      if (saturated(ma[m]) || saturated(mb[m])) continue;
      for (let t = 0; t < tries; t++) if (tryChain(m)) {
        improved++;
        break;
      }
    }
    for (let k = queue.length - 1; k >= 0; k--) if (st.slotOf[queue[k]] !== NONE) {
      queue[k] = queue[queue.length - 1];
      queue.pop();
    }
    // meetings left out by chains come back
    const inQ = new Uint8Array(M);
    for (const i of queue) inQ[i] = 1;
    for (let i = 0; i < M; i++) if (st.slotOf[i] === NONE && !model.impossible[i] && !fixedConflict[i] && !inQ[i]) queue.push(i);
    if (process.env.SCHED_DEBUG) console.error(`[chain] pass ${pass} improved ${improved} queue ${queue.length}`);
    if (improved === 0 || improved * 1000 < queue.length || Date.now() > deadline) break;
  }
}

/** Ejection-chain tabu search maximising placed meetings per priority level. */
export function repair(
  model: Model,
  st: State,
  rnd: () => number,
  fixedConflict: (string | null)[],
  deadline: number,
  effort: number,
): void {
  const { S, M, ma, mb, mr, rank, allowed, cap, fixedSlot, maxMeet } = model;
  // queue of unplaced placeable meetings
  const queue: number[] = [];
  const qpos = new Int32Array(M).fill(NONE);
  const qAdd = (i: number) => {
    qpos[i] = queue.length;
    queue.push(i);
  };
  const qDel = (i: number) => {
    const p = qpos[i];
    const last = queue.pop()!;
    if (last !== i) {
      queue[p] = last;
      qpos[last] = p;
    }
    qpos[i] = NONE;
  };
  for (let i = 0; i < M; i++) if (st.slotOf[i] === NONE && !model.impossible[i] && !fixedConflict[i]) qAdd(i);
  if (queue.length === 0) return;
  const weight = new Float64Array(model.nRanks);
  for (let r = 0; r < model.nRanks; r++) weight[r] = M_POW(M + 1, r);
  const tabu = new Int32Array(M * S);
  const best = Int32Array.from(st.placedByRank);
  let bestSlots: Int32Array | null = null; // null => the current state has the best score
  const maxIter = M_FLOOR((200000 + 10 * M) * effort);
  const maxStall = M_FLOOR(30000 * effort);
  const pCap = meetingCapacity(model);
  // meetings of people who cannot take one more meeting are not worth the effort
  const hopeless = (i: number) => st.placedCount[ma[i]] >= pCap[ma[i]] || st.placedCount[mb[i]] >= pCap[mb[i]];
  {
    let useful = 0;
    for (const i of queue) if (!hopeless(i)) useful++;
    let free = 0;
    for (let s = 0; s < S; s++) free += cap[s] - st.cnt[s];
    if (useful === 0 || free === 0) return;
  }
  let stall = 0;
  const ej: number[] = [];
  const bestEj: number[] = [];
  const share = (p: number) => st.placedCount[p] / M_MAX(1, model.requested[p]);
  let iterDone = 0;
  for (let iter = 1; iter <= maxIter && queue.length > 0; iter++) {
    iterDone = iter;
    if ((iter & 1023) === 0 && Date.now() > deadline) break;
    if (stall > maxStall) break;
    // pick: highest rank among 3 samples, then lowest participant share
    let m = queue[M_FLOOR(rnd() * queue.length)];
    for (let k = 0; k < 8 && hopeless(m); k++) m = queue[M_FLOOR(rnd() * queue.length)];
    if (hopeless(m)) {
      stall++;
      continue;
    }
    for (let k = 0; k < 2; k++) {
      const c = queue[M_FLOOR(rnd() * queue.length)];
      if (hopeless(c)) continue;
      if (rank[c] > rank[m] || (rank[c] === rank[m] && M_MIN(share(ma[c]), share(mb[c])) < M_MIN(share(ma[m]), share(mb[m])))) m = c;
    }
    let bestCost = Infinity;
    let bestS = NONE;
    let nTies = 0;
    for (const s of allowed[m]) {
      ej.length = 0;
      let ok = true;
      let cost = 0;
      const res0 = ma[m];
      const res1 = mb[m];
      const res2 = mr[m];
      for (let k = 0; k < 3 && ok; k++) {
        const r = k === 0 ? res0 : k === 1 ? res1 : res2;
        if (r === NONE) continue;
        const x = st.occ[r * S + s] - 1;
        if (x < 0 || ej.includes(x)) continue;
        if (fixedSlot[x] !== NONE || rank[x] > rank[m]) ok = false;
        else ej.push(x);
      }
      if (!ok) continue;
      if (st.cnt[s] - ej.length >= cap[s]) {
        // eject one more meeting of slot s: sample a few, lowest rank
        let pick = NONE;
        const list = st.inSlot[s];
        const n = st.cnt[s];
        for (let k = 0; k < 4; k++) {
          const x = list[M_FLOOR(rnd() * n)];
          if (fixedSlot[x] !== NONE || rank[x] > rank[m] || ej.includes(x)) continue;
          if (pick === NONE || rank[x] < rank[pick]) pick = x;
        }
        if (pick === NONE) continue;
        ej.push(pick);
      }
      // participant caps
      for (const p of [res0, res1]) {
        let c = st.placedCount[p];
        for (const x of ej) if (ma[x] === p || mb[x] === p) c--;
        if (c >= maxMeet[p]) {
          let pick = NONE;
          for (const x of model.meetingsOf[p]) {
            if (st.slotOf[x] === NONE || fixedSlot[x] !== NONE || rank[x] > rank[m] || ej.includes(x)) continue;
            if (pick === NONE || rank[x] < rank[pick]) pick = x;
          }
          if (pick === NONE) {
            ok = false;
            break;
          }
          ej.push(pick);
        }
      }
      if (!ok) continue;
      for (const x of ej) cost += weight[rank[x]] * (1 + 0.01 * (1 - M_MIN(share(ma[x]), share(mb[x]))));
      const isTabu = tabu[m * S + s] > iter;
      if (isTabu && ej.length > 0) continue;
      if (cost < bestCost - 1e-9) {
        bestCost = cost;
        bestS = s;
        nTies = 1;
        bestEj.length = 0;
        bestEj.push(...ej);
      } else if (M_ABS(cost - bestCost) <= 1e-9 && rnd() * ++nTies < 1) {
        bestS = s;
        bestEj.length = 0;
        bestEj.push(...ej);
      }
    }
    if (bestS === NONE) {
      stall++;
      continue;
    }
    // would this step lower the score? then save the best state first.
    let atRank = 0;
    for (const x of bestEj) if (rank[x] === rank[m]) atRank++;
    const worse = atRank >= 2 || (atRank === 1 && bestEj.length > 1);
    if (worse && bestSlots === null) bestSlots = Int32Array.from(st.slotOf);
    for (const x of bestEj) {
      const sx = st.slotOf[x];
      st.remove(x);
      tabu[x * S + sx] = iter + 7 + M_FLOOR(rnd() * 10);
      qAdd(x);
    }
    st.place(m, bestS);
    qDel(m);
    const cmp = better(st.placedByRank, best);
    if (cmp > 0) {
      best.set(st.placedByRank);
      bestSlots = null;
      stall = 0;
    } else if (cmp === 0) {
      bestSlots = null;
      stall++;
    } else stall++;
  }
  if (process.env.SCHED_DEBUG) console.error(`[repair] iterations ${iterDone} stall ${stall} queue ${queue.length}`);
  if (bestSlots !== null && better(st.placedByRank, best) < 0) st.load(bestSlots);
}

export function breaksOf(model: Model, slotOf: Int32Array): number {
  return personBreaks(model, slotOf).reduce((a, b) => a + b, 0);
}

/**
 * Slot-by-slot greedy that schedules the currently placed set again, preferring
 * meetings of people who were busy in the previous slot (no break) and of people
 * whose remaining meetings need all their remaining slots. Returns null if it
 * cannot schedule the whole set.
 */
export function construct(model: Model, st: State, rnd: () => number): Int32Array | null {
  const { S, P, R, M, ma, mb, mr, allowedMask, cap, fixedSlot, sessionOf, meetingsOf } = model;
  const slot = new Int32Array(M).fill(NONE);
  const busy = new Uint8Array(R * S);
  const cnt = new Int32Array(S);
  const remaining = new Int32Array(P);
  const lastSlot = new Int32Array(P).fill(-10);
  const todo: number[] = [];
  const put = (x: number, t: number) => {
    slot[x] = t;
    busy[ma[x] * S + t] = 1;
    busy[mb[x] * S + t] = 1;
    if (mr[x] !== NONE) busy[mr[x] * S + t] = 1;
    cnt[t]++;
  };
  for (let i = 0; i < M; i++) {
    if (st.slotOf[i] === NONE) continue;
    if (fixedSlot[i] !== NONE) put(i, st.slotOf[i]);
    else {
      todo.push(i);
      remaining[ma[i]]++;
      remaining[mb[i]]++;
    }
  }
  // future[p*(S+1)+t] = number of slots u >= t usable by some of p's meetings
  const future = new Int32Array(P * (S + 1));
  for (let p = 0; p < P; p++) {
    const base = p * (S + 1);
    for (let t = S - 1; t >= 0; t--) {
      let ok = 0;
      for (const x of meetingsOf[p]) if (allowedMask[x * S + t]) {
        ok = 1;
        break;
      }
      future[base + t] = future[base + t + 1] + ok;
    }
  }
  const scoreP = (p: number, t: number): number => {
    let v = 0;
    if (lastSlot[p] === t - 1 && t > 0 && sessionOf[t - 1] === sessionOf[t]) v += 4;
    const slack = future[p * (S + 1) + t] - remaining[p];
    if (slack <= 0) v += 8;
    else v += 2 / (1 + slack);
    return v;
  };
  const noise = 1.5;
  let left = todo.slice();
  const cand: number[] = [];
  const sc = new Float64Array(M);
  for (let t = 0; t < S && left.length; t++) {
    cand.length = 0;
    for (const x of left) {
      if (!allowedMask[x * S + t]) continue;
      sc[x] = scoreP(ma[x], t) + scoreP(mb[x], t) + rnd() * noise;
      cand.push(x);
    }
    cand.sort((x, y) => sc[y] - sc[x]);
    for (const x of cand) {
      if (cnt[t] >= cap[t]) break;
      if (busy[ma[x] * S + t] || busy[mb[x] * S + t] || (mr[x] !== NONE && busy[mr[x] * S + t])) continue;
      put(x, t);
      remaining[ma[x]]--;
      remaining[mb[x]]--;
      lastSlot[ma[x]] = t;
      lastSlot[mb[x]] = t;
    }
    left = left.filter((x) => slot[x] === NONE);
  }
  // leftovers: first fit
  for (const x of left) {
    for (let t = 0; t < S; t++) {
      if (!allowedMask[x * S + t] || cnt[t] >= cap[t]) continue;
      if (busy[ma[x] * S + t] || busy[mb[x] * S + t] || (mr[x] !== NONE && busy[mr[x] * S + t])) continue;
      put(x, t);
      break;
    }
    if (slot[x] === NONE) return null;
  }
  return slot;
}
