/**
 * Break minimisation by simulated annealing with Kempe-chain moves (objectives
 * 2-4): see the overview in solver.ts.
 */
import { Model, NONE, State } from './model';

// Math functions as module constants: the hot loops call them millions of times, and
// under jest (a vm context) every global lookup of Math goes through an interceptor.
const { clz32: M_CLZ32, exp: M_EXP, floor: M_FLOOR, imul: M_IMUL, max: M_MAX, min: M_MIN, pow: M_POW } = Math;

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (M_IMUL((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * The annealer also weighs idle slots inside gaps (IDLE_W each), which leads it
 * to close short gaps, but on small events counts at most IDLE_CAP of them per
 * gap: the optima of the crafted b2bsp events give a few people one long gap (8 to
 * 17 slots in ticf-13crafb), which the uncapped weight kept the search away from
 * (20 seeds: forum-13crafb within optimum + 2 in 11-15 runs instead of 3-6,
 * ticf-13crafb in 4-7 instead of 0-2; as many runs at the optimum in all).
 */
const IDLE_CAP = 6;

/** Idle slots between the first and last set bit of mask, at most cap per gap. */
export function cappedIdle(mask: number, cap: number): number {
  if (mask === 0) return 0;
  const top = 31 - M_CLZ32(mask);
  const low = 31 - M_CLZ32(mask & -mask);
  if (cap >= top - low) return top - low + 1 - popcount(mask); // no gap is longer than cap
  const gaps = ~mask & ((1 << (top + 1)) - 1) & ~((1 << low) - 1);
  // the first slot of every gap, then the second, ... up to cap
  let nth = gaps & ~(gaps << 1);
  let idle = 0;
  for (let j = 0; j < cap && nth !== 0; j++) {
    idle += popcount(nth);
    nth = (nth << 1) & gaps;
  }
  return idle;
}

/** Simulated annealing on breaks with Kempe-chain moves. Returns total breaks. */
export function anneal(
  model: Model,
  st: State,
  rnd: () => number,
  d: number,
  hasPrev: boolean,
  deadline: number,
  effort: number,
  moveBudget = 0,
  stop?: Int32Array,
  floor = 0,
): number {
  const { S, P, M, ma, mb, mr, allowed, allowedMask, cap, fixedSlot, sessionOf, prevSlot } = model;
  const FAIR_W = 3;
  // below one break, so a move that saves a break is worth it; above zero, so the
  // move budget is not spent on moves that save nothing
  const MOVE_W = hasPrev ? 0.5 : 0;
  const occ = st.occ;
  let lastIdle = 0;
  // Fast path: each person's occupied slots as bit masks, W words of up to 31 bits
  // that each hold whole sessions in slot order, kept up to date by applyMove; breaks
  // and idle slots then come from bit counts per session (same values as the scan
  // below, which remains for sessions of more than 31 slots). Two-day events (40
  // slots) anneal 2.2 times as fast with two words as with the scan (generated,
  // 5,000 people: 1.12M iterations/s on one day with one word, 0.52M on two days).
  const wordOf = new Int32Array(S);
  const bitOf = new Int32Array(S);
  const sessWord: number[] = [];
  const sessMasks: number[] = [];
  let useMask = true;
  let W = 0;
  for (let s = 0, used = 31; s < S; ) {
    let e = s;
    while (e + 1 < S && sessionOf[e + 1] === sessionOf[s]) e++;
    if (e - s + 1 > 31) {
      useMask = false;
      break;
    }
    if (used + e - s + 1 > 31) {
      W++;
      used = 0;
    }
    let mk = 0;
    for (let t = s; t <= e; t++) {
      wordOf[t] = W - 1;
      bitOf[t] = used + t - s;
      mk |= 1 << bitOf[t];
    }
    sessWord.push(W - 1);
    sessMasks.push(mk);
    used += e - s + 1;
    s = e + 1;
  }
  if (!useMask) W = 0;
  const slotOfBit = new Int32Array(W * 32);
  if (useMask) for (let s = 0; s < S; s++) slotOfBit[wordOf[s] * 32 + bitOf[s]] = s;
  // each meeting's usable slots in the same words: a targeted move picks its slot with bit operations
  const allowBits = new Int32Array(M * W);
  if (useMask) for (let i = 0; i < M; i++) for (const s of allowed[i]) allowBits[i * W + wordOf[s]] |= 1 << bitOf[s];
  const cand = new Int32Array(W);
  /** The slot of the k-th set bit (from 0) of the words masks[base + w0], masks[base + w0 + 1], ... */
  const kthSlot = (masks: Int32Array, base: number, w0: number, k: number): number => {
    for (let w = w0; ; w++) {
      let mm = masks[base + w];
      const c = popcount(mm);
      if (k >= c) {
        k -= c;
        continue;
      }
      while (k-- > 0) mm &= mm - 1;
      return slotOfBit[w * 32 + 31 - M_CLZ32(mm & -mm)];
    }
  };
  const pMask = new Int32Array(P * W);
  const setMasks = () => {
    pMask.fill(0);
    for (let i = 0; i < M; i++) if (st.slotOf[i] !== NONE) {
      const s = st.slotOf[i];
      pMask[ma[i] * W + wordOf[s]] |= 1 << bitOf[s];
      pMask[mb[i] * W + wordOf[s]] |= 1 << bitOf[s];
    }
  };
  if (useMask) setMasks();
  const nSess = sessMasks.length;
  const mov: number[] = [];
  for (let i = 0; i < M; i++) if (st.slotOf[i] !== NONE && fixedSlot[i] === NONE && allowed[i].length > 1) mov.push(i);
  // small events (e.g. b2bsp): narrower temperatures and capped idle slots, measured there;
  // larger events keep the wide range and full idle weights (their iterations are few per meeting)
  const small = mov.length <= 400;
  const idleCap = small ? IDLE_CAP : S;
  const pCost = (p: number): number => {
    if (useMask) return maskCost(pMask, p * W);
    let b = 0;
    let idle = 0;
    let last = -1;
    const row = p * S;
    for (let s = 0; s < S; s++) {
      if (occ[row + s]) {
        if (last >= 0 && s - last > 1 && sessionOf[s] === sessionOf[last]) {
          b++;
          idle += M_MIN(idleCap, s - last - 1);
        }
        last = s;
      }
    }
    lastIdle = idle;
    return b;
  };
  /** Breaks (returned) and capped idle slots (in lastIdle) of a person whose occupied slots are the bits of masks[base..base+W). */
  const maskCost = (masks: Int32Array, base: number): number => {
    let b = 0;
    let idle = 0;
    for (let k = 0; k < nSess; k++) {
      const mk = masks[base + sessWord[k]] & sessMasks[k];
      if (mk === 0) continue;
      b += popcount(mk & ~(mk << 1)) - 1;
      idle += cappedIdle(mk, idleCap);
    }
    lastIdle = idle;
    return b;
  };
  const IDLE_W = 0.6;
  const idleOf = new Int32Array(P);
  let idleTotal = 0;
  const brk = new Int32Array(P);
  let total = 0;
  let excess = 0;
  for (let p = 0; p < P; p++) {
    brk[p] = pCost(p);
    idleOf[p] = lastIdle;
    idleTotal += lastIdle;
    total += brk[p];
    excess += M_MAX(0, brk[p] - d);
  }
  const bad = new Int32Array(P);
  const badPos = new Int32Array(P).fill(NONE);
  let badN = 0;
  const setBrk = (p: number, v: number) => {
    brk[p] = v;
    if (v > 0 && badPos[p] === NONE) {
      badPos[p] = badN;
      bad[badN++] = p;
    } else if (v === 0 && badPos[p] !== NONE) {
      const q = bad[--badN];
      bad[badPos[p]] = q;
      badPos[q] = badPos[p];
      badPos[p] = NONE;
    }
  };
  for (let p = 0; p < P; p++) setBrk(p, brk[p]);
  const TARGETED = 0.9;
  if (mov.length === 0) return total;
  // What a meeting of `previous` in slot s adds to the figures' "moved": 1 if it left
  // its previous slot, and 1 more if it has a fixed table there, since it may take the
  // table of a meeting that stayed (which then changes table); dropped meetings count
  // too. A newly placed meeting may also push a meeting off its table, but that move
  // places one more meeting, so it is not charged to the budget (with a charge, 300
  // people whose first schedule left many meetings out had their budget used up by
  // the new ones before the annealing began).
  const moveCount = (i: number, s: number): number =>
    s === prevSlot[i] || prevSlot[i] === NONE ? 0 : 1 + (mr[i] !== NONE ? 1 : 0);
  let moved = 0;
  if (hasPrev) for (let i = 0; i < M; i++) moved += st.slotOf[i] === NONE ? (prevSlot[i] !== NONE ? 1 : 0) : moveCount(i, st.slotOf[i]);
  let cost = total + FAIR_W * excess + MOVE_W * moved;
  // The state kept is the best in the objective's order: breaks (with the fairness
  // penalty) first, then moves. The moves' weight in `cost` only steers acceptance:
  // as a tie of half a break it kept 120 breaks and 36 moves over 18 breaks and 232.
  let obj = total + FAIR_W * excess;
  let bestObj = obj;
  let bestMoved = moved;
  /** > 0 when a state of objective o with mv moves is worse than the best one, < 0 when better */
  const vsBest = (o: number, mv: number): number => o - bestObj || mv - bestMoved;
  // the one snapshot buffer (no allocation in the loop); it starts as the input, so an
  // anneal that never beats its input cannot return something worse
  const bestBuf = Int32Array.from(st.slotOf);
  let bestSlots: Int32Array | null = bestBuf; // null => the current state is the best and has no copy
  let nSnap = 0;
  // iteration budget (deterministic); large events get fewer iterations per meeting.
  // Small events (<= 400 movable meetings, e.g. the b2bsp set) get 8,000 per meeting
  // up to 2M: about 1-1.6 s with the bit-mask fast path on a 2-core machine. Large
  // ones get 30 per meeting within 0.6M-1.2M: on the generated 5,000-person event
  // (39,154 placed) 0.6M left 1,198 breaks, 0.9M 367, 1.2M 172, 1.5M 169 (+0.3 s per 0.3M).
  const iters = M_FLOOR(
    (small
      ? M_MIN(2_000_000, 8000 * mov.length)
      : mov.length <= 2000
      ? M_MIN(1_500_000, M_MAX(M_MIN(1_250_000, 6250 * mov.length), 1250 * mov.length))
      : M_MIN(1_200_000, M_MAX(600_000, 30 * mov.length))) * effort,
  );
  // Small events: below T = 0.25 the b2bsp anneals no longer change (traced on crafb,
  // crafc and forum-14) and above 1 they wander far from any good schedule, so their
  // iterations are spent between the two (20 seeds, 13 instances: 178 of 260 runs at
  // the optimum instead of 168; ticf-13crafa and ticf-14crafa 20/20 instead of 18/20).
  const T0 = hasPrev ? 0.5 : small ? 1 : 2;
  const T1 = small ? 0.25 : 0.03;
  const mark = new Int32Array(M);
  const pmark = new Int32Array(P);
  let stamp = 0;
  let pst = 0;
  const MAXCHAIN = 40;
  const PERM = 0.05;
  let T = T0;
  const coolEvery = 100;
  const annealStart = Date.now();
  // move buffers (typed, reused): meetings, their source and destination slots
  const BUF = M + 64;
  const mvX = new Int32Array(BUF);
  const mvFrom = new Int32Array(BUF);
  const mvTo = new Int32Array(BUF);
  let nMv = 0;
  const parts = new Int32Array(M_MIN(P, 2 * BUF));
  const oldB = new Int32Array(parts.length);
  const oldI = new Int32Array(parts.length);
  const newMask = new Int32Array(parts.length * W);
  const partIdx = new Int32Array(P);
  let nParts = 0;
  const applyMove = (to: Int32Array) => {
    for (let k = 0; k < nMv; k++) {
      const x = mvX[k];
      if (useMask) {
        const s = st.slotOf[x];
        const bit = ~(1 << bitOf[s]);
        pMask[ma[x] * W + wordOf[s]] &= bit;
        pMask[mb[x] * W + wordOf[s]] &= bit;
      }
      st.remove(x);
    }
    for (let k = 0; k < nMv; k++) {
      const x = mvX[k];
      st.place(x, to[k]);
      if (useMask) {
        pMask[ma[x] * W + wordOf[to[k]]] |= 1 << bitOf[to[k]];
        pMask[mb[x] * W + wordOf[to[k]]] |= 1 << bitOf[to[k]];
      }
    }
  };
  /** Kempe chain between the slot of m and s2, seeded at m: fills the move buffers. */
  const kempe = (m: number, s2: number): boolean => {
    nMv = 0;
    const s1 = st.slotOf[m];
    if (s1 === s2 || fixedSlot[m] !== NONE) return false;
    stamp++;
    mvX[nMv++] = m;
    mark[m] = stamp;
    let k1 = 0;
    let k2 = 0;
    let h = 0;
    for (let seeds = 0; ; seeds++) {
      for (; h < nMv; h++) {
        const x = mvX[h];
        const sx = st.slotOf[x];
        const other = sx === s1 ? s2 : s1;
        mvFrom[h] = sx;
        mvTo[h] = other;
        if (sx === s1) k1++;
        else k2++;
        if (fixedSlot[x] !== NONE || !allowedMask[x * S + other]) return false;
        const base = other;
        let y = occ[ma[x] * S + base] - 1;
        if (y >= 0 && mark[y] !== stamp) {
          if (nMv >= MAXCHAIN) return false;
          mark[y] = stamp;
          mvX[nMv++] = y;
        }
        y = occ[mb[x] * S + base] - 1;
        if (y >= 0 && mark[y] !== stamp) {
          if (nMv >= MAXCHAIN) return false;
          mark[y] = stamp;
          mvX[nMv++] = y;
        }
        if (mr[x] !== NONE) {
          y = occ[mr[x] * S + base] - 1;
          if (y >= 0 && mark[y] !== stamp) {
            if (nMv >= MAXCHAIN) return false;
            mark[y] = stamp;
            mvX[nMv++] = y;
          }
        }
      }
      // table capacity: if a slot overflows, add a random meeting of that slot as a new seed
      const over1 = st.cnt[s1] - k1 + k2 > cap[s1];
      const over2 = st.cnt[s2] - k2 + k1 > cap[s2];
      if (!over1 && !over2) return true;
      if (seeds >= 3 || nMv >= MAXCHAIN) return false;
      const sf = over2 ? s2 : s1;
      const y = st.inSlot[sf][M_FLOOR(rnd() * st.cnt[sf])];
      if (mark[y] === stamp) return false;
      mark[y] = stamp;
      mvX[nMv++] = y;
    }
  };
  let itDone = 0;
  let polish = false;
  const overList = new Int32Array(P);
  let nOver = 0;
  for (let it = 0; it < iters; it++) {
    itDone = it;
    if (it % coolEvery === 0) {
      // geometric cooling over the iteration budget, or over the remaining time if that is shorter
      const now = Date.now();
      if (now > deadline || (stop && Atomics.load(stop, 0) !== 0)) break;
      // the clock only takes over when it is clearly the binding limit, so that
      // runs with enough time stay deterministic
      const itFrac = it / iters;
      const timeFrac = (now - annealStart) / M_MAX(1, deadline - annealStart);
      const frac = timeFrac > itFrac * 1.25 + 0.05 ? timeFrac : itFrac;
      T = T0 * M_POW(T1 / T0, M_MIN(1, frac));
      if (!polish && frac >= 0.85) {
        polish = true;
        nOver = 0;
        for (let k = 0; k < badN; k++) if (brk[bad[k]] > d) overList[nOver++] = bad[k];
      }
    }
    if (cost <= floor) break; // optimal (cost >= breaks >= floor)
    nMv = 0;
    const r0 = rnd();
    if (PERM > 0 && r0 < PERM) {
      // slot permutation: move the whole content of slot i to position j, shifting the slots between
      const i = M_FLOOR(rnd() * S);
      let j = M_FLOOR(rnd() * (S - 1));
      if (j >= i) j++;
      const lo = M_MIN(i, j);
      const hi = M_MAX(i, j);
      let ok = true;
      for (let s = lo; s <= hi && ok; s++) {
        const ns = s === i ? j : i < j ? s - 1 : s + 1;
        if (st.cnt[s] > cap[ns]) ok = false;
        const list = st.inSlot[s];
        for (let k = 0; k < st.cnt[s] && ok; k++) {
          const x = list[k];
          if (fixedSlot[x] !== NONE || !allowedMask[x * S + ns]) ok = false;
          else {
            mvX[nMv] = x;
            mvFrom[nMv] = s;
            mvTo[nMv++] = ns;
          }
        }
      }
      if (!ok || nMv === 0) continue;
    } else {
      let m: number;
      let s2: number;
      if (badN > 0 && rnd() < TARGETED) {
        // targeted: a participant with breaks; move one of its meetings into/next to its span.
        // In the final phase, people above the fairness limit get most of the attention.
        if (polish && (it & 1023) === 0) {
          nOver = 0;
          for (let k = 0; k < badN; k++) if (brk[bad[k]] > d) overList[nOver++] = bad[k];
        }
        const p = polish && nOver > 0 && rnd() < 0.7 ? overList[M_FLOOR(rnd() * nOver)] : bad[M_FLOOR(rnd() * badN)];
        if (brk[p] === 0) continue;
        const row = p * S;
        let first = -1;
        let last = -1;
        let nOcc = 0;
        if (useMask) {
          for (let w = 0; w < W; w++) {
            const mm = pMask[p * W + w];
            if (mm === 0) continue;
            if (first < 0) first = slotOfBit[w * 32 + 31 - M_CLZ32(mm & -mm)];
            last = slotOfBit[w * 32 + 31 - M_CLZ32(mm)];
            nOcc += popcount(mm);
          }
        } else {
          for (let s = 0; s < S; s++) if (occ[row + s]) {
            if (first < 0) first = s;
            last = s;
            nOcc++;
          }
        }
        let pickK = M_FLOOR(rnd() * nOcc);
        m = -1;
        if (useMask) m = occ[row + kthSlot(pMask, p * W, 0, pickK)] - 1;
        else {
          for (let s = first; s <= last; s++) if (occ[row + s] && pickK-- === 0) {
            m = occ[row + s] - 1;
            break;
          }
        }
        if (fixedSlot[m] !== NONE) continue;
        const lo = M_MAX(0, first - 1);
        const hi = M_MIN(S - 1, last + 1);
        let nC = 0;
        s2 = NONE;
        if (useMask) {
          // slots lo..hi where p is free and m may go, word by word (a word holds consecutive slots)
          const w0 = wordOf[lo];
          const w1 = wordOf[hi];
          for (let w = w0; w <= w1; w++) {
            // bits a..b of this word (allowBits has no bits beyond a word's slots)
            const a = w === w0 ? bitOf[lo] : 0;
            const b = w === w1 ? bitOf[hi] : 30;
            cand[w] = ~pMask[p * W + w] & allowBits[m * W + w] & (((2 << b) - 1) ^ ((1 << a) - 1));
            nC += popcount(cand[w]);
          }
          if (nC === 0) continue;
          s2 = kthSlot(cand, 0, w0, M_FLOOR(rnd() * nC));
        } else {
          for (let s = lo; s <= hi; s++) {
            if (occ[row + s] || !allowedMask[m * S + s]) continue;
            if (rnd() * ++nC < 1) s2 = s;
          }
          if (s2 === NONE) continue;
        }
      } else {
        m = mov[M_FLOOR(rnd() * mov.length)];
        const al = allowed[m];
        s2 = al[M_FLOOR(rnd() * al.length)];
      }
      if (!kempe(m, s2)) continue;
    }
    // participants touched, old values, moved delta; then apply
    pst++;
    nParts = 0;
    let movedDelta = 0;
    for (let k = 0; k < nMv; k++) {
      const x = mvX[k];
      for (let q = 0; q < 2; q++) {
        const p = q === 0 ? ma[x] : mb[x];
        if (pmark[p] === pst) continue;
        pmark[p] = pst;
        partIdx[p] = nParts;
        parts[nParts] = p;
        oldB[nParts] = brk[p];
        oldI[nParts++] = idleOf[p];
      }
      if (hasPrev) movedDelta += moveCount(x, mvTo[k]) - moveCount(x, mvFrom[k]);
    }
    if (hasPrev && movedDelta > 0 && moved + movedDelta > moveBudget) continue;
    if (useMask) {
      // evaluate on the people's new bit masks; the state only changes if the move is accepted
      for (let k = 0; k < nParts; k++) for (let w = 0; w < W; w++) newMask[k * W + w] = pMask[parts[k] * W + w];
      for (let k = 0; k < nMv; k++) {
        const w = wordOf[mvFrom[k]];
        const bit = ~(1 << bitOf[mvFrom[k]]);
        newMask[partIdx[ma[mvX[k]]] * W + w] &= bit;
        newMask[partIdx[mb[mvX[k]]] * W + w] &= bit;
      }
      for (let k = 0; k < nMv; k++) {
        const w = wordOf[mvTo[k]];
        const bit = 1 << bitOf[mvTo[k]];
        newMask[partIdx[ma[mvX[k]]] * W + w] |= bit;
        newMask[partIdx[mb[mvX[k]]] * W + w] |= bit;
      }
    } else applyMove(mvTo);
    let dTotal = 0;
    let dEx = 0;
    let dIdle = 0;
    for (let k = 0; k < nParts; k++) {
      const p = parts[k];
      const nb = useMask ? maskCost(newMask, k * W) : pCost(p);
      idleOf[p] = lastIdle;
      dIdle += lastIdle - oldI[k];
      dTotal += nb - oldB[k];
      dEx += M_MAX(0, nb - d) - M_MAX(0, oldB[k] - d);
      if (nb !== oldB[k]) setBrk(p, nb);
    }
    const delta = dTotal + FAIR_W * dEx + MOVE_W * movedDelta;
    const deltaA = delta + IDLE_W * dIdle;
    if (deltaA <= 0 || rnd() < M_EXP(-deltaA / T)) {
      const newObj = obj + dTotal + FAIR_W * dEx;
      if (vsBest(newObj, moved + movedDelta) > 0 && bestSlots === null) {
        // leaving an unsaved best state: snapshot it first
        if (!useMask) applyMove(mvFrom);
        bestBuf.set(st.slotOf);
        bestSlots = bestBuf;
        nSnap++;
        if (!useMask) applyMove(mvTo);
      }
      if (useMask) applyMove(mvTo);
      cost += delta;
      obj = newObj;
      total += dTotal;
      moved += movedDelta;
      idleTotal += dIdle;
      if (vsBest(obj, moved) < 0) {
        bestObj = obj;
        bestMoved = moved;
        bestSlots = null;
      }
    } else {
      if (!useMask) applyMove(mvFrom);
      for (let k = 0; k < nParts; k++) {
        if (brk[parts[k]] !== oldB[k]) setBrk(parts[k], oldB[k]);
        idleOf[parts[k]] = oldI[k];
      }
    }
  }
  if (process.env.SCHED_DEBUG) console.error(`[anneal] iterations ${itDone}/${iters} cost ${cost} best ${bestObj} (moved ${bestMoved}) snapshots ${nSnap}`);
  if (bestSlots !== null && vsBest(obj, moved) > 0) {
    st.load(bestSlots);
    if (useMask) setMasks();
  }
  let tot = 0;
  for (let p = 0; p < P; p++) tot += pCost(p);
  return tot;
}
