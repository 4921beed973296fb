/**
 * A small CDCL SAT solver with native at-most-k constraints, for the exact
 * break-minimisation phase (breaks-sat.ts). Plain TypeScript, deterministic:
 * no randomness, limits in conflicts plus an optional wall-clock deadline.
 *
 * Literals: variable v (0-based) is 2v (true) and 2v+1 (false); lit ^ 1 negates.
 * Techniques: two watched literals (binary clauses on their own lists; the
 * search for a new watch resumes where the last one stopped, after Gent 2013), 1-UIP
 * learning with local minimisation, VSIDS, phase saving (the phases can be
 * seeded with a known solution, so the search starts next to it) and target
 * phases (decisions follow the longest conflict-free trail so far), Luby
 * restarts, learnt-clause reduction by LBD, clauses in one flat arena. An at-most-k constraint counts its
 * true literals and, once k are true, sets the rest false; the reason is the k
 * true literals (explained lazily, so no auxiliary variables are needed).
 */

export enum SatResult {
  Sat = 1,
  Unsat = 0,
  Unknown = -1,
}

const REASON_NONE = -1;
// reason codes: >= 0 clause offset in the arena; <= -2 binary (-2 - otherLiteral); card reasons are in cardOf[]
const binReason = (lit: number) => -2 - lit;

export class Sat {
  private nVars = 0;
  // Long clauses live in one arena: at offset cr, mem[cr] = size, mem[cr + 1] =
  // lbd * 2 + deleted, mem[cr + 2] = where the last search for a new watch
  // stopped, then the literals. A clause is known by cr.
  private mem = new Int32Array(1 << 16);
  private memLen = 0;
  /** offsets of the learnt clauses not deleted */
  private learnts: number[] = [];
  private watches: number[][] = [];
  /** used length of each watch list (shrinking a JS array's length is slow) */
  private wLen = new Int32Array(0);
  private bins: number[][] = [];
  private cardsOf: number[][] = [];
  // cardsOf flattened (rebuilt by solve when cards were added): the hot loops read these
  private cardStart = new Int32Array(1);
  private cardList = new Int32Array(0);
  private cardsDirty = false;
  private cardLits: Int32Array[] = [];
  private cardK: number[] = [];
  private cardCount: number[] = [];
  private value = new Int8Array(0); // per literal: 1 true, -1 false, 0 unassigned
  private level = new Int32Array(0);
  private reason = new Int32Array(0);
  /** per variable: 1 + the at-most-k constraint that set it false, or 0 */
  private cardOf = new Int32Array(0);
  /** per variable: its index on the trail (orders a card's true literals before the one they set) */
  private trailPos = new Int32Array(0);
  /** antecedent()'s output */
  private ante = new Int32Array(0);
  private trail = new Int32Array(0);
  private trailLen = 0;
  private qhead = 0;
  private limits: number[] = [];
  private activity = new Float64Array(0);
  private varInc = 1;
  private phase = new Uint8Array(0); // 1 = last value true
  private target = new Uint8Array(0); // 1 true, 2 false, 0 none: the longest conflict-free trail so far
  private targetLen = 0;
  private levelSeen = new Int32Array(0);
  private lbdStamp = 0;
  private heap: number[] = [];
  private heapPos = new Int32Array(0);
  private seen = new Uint8Array(0);
  private unsatAtRoot = false;
  conflicts = 0;
  private maxLearnt = 4000;

  newVar(): number {
    const v = this.nVars++;
    this.ensure();
    this.heapPos[v] = -1;
    this.heapInsert(v);
    // one shared empty list until a literal gets its own (an array per literal costs more to build than to search)
    this.watches.push(EMPTY, EMPTY);
    this.bins.push(EMPTY, EMPTY);
    this.cardsOf.push(EMPTY, EMPTY);
    this.cardsDirty = true; // cardStart must cover the new literals
    return v;
  }

  /** Grows the per-variable arrays (geometrically) to hold every variable made so far. */
  private ensure(): void {
    if (this.level.length >= this.nVars) return;
    const n = M_MAX(this.nVars, 2 * this.level.length, 1024); // geometric growth: variables and clauses are interleaved
    const grow = <T extends Int32Array | Int8Array | Uint8Array | Float64Array>(a: T, len: number): T => {
      const b = new (a.constructor as { new (n: number): T })(len);
      b.set(a);
      return b;
    };
    this.value = grow(this.value, 2 * n);
    this.wLen = grow(this.wLen, 2 * n);
    this.level = grow(this.level, n);
    this.reason = grow(this.reason, n);
    this.cardOf = grow(this.cardOf, n);
    this.trailPos = grow(this.trailPos, n);
    this.ante = grow(this.ante, n);
    this.trail = grow(this.trail, n);
    this.activity = grow(this.activity, n);
    this.phase = grow(this.phase, n);
    this.target = grow(this.target, n);
    this.levelSeen = grow(this.levelSeen, n + 1); // levels run 0..nVars
    this.seen = grow(this.seen, n);
    this.heapPos = grow(this.heapPos, n);
  }

  setPhase(v: number, value: boolean): void {
    this.phase[v] = value ? 1 : 0;
  }

  /** Decide on these variables first (e.g. the model's primary variables). */
  bump(v: number, amount: number): void {
    this.activity[v] += amount;
    if (this.heapPos[v] >= 0) this.heapUp(this.heapPos[v]);
  }

  /** Adds a clause (also between solve calls: the search goes back to level 0 first). */
  addClause(lits: number[]): void {
    this.backtrack(0);
    if (this.unsatAtRoot) return;
    // at root: drop false literals, skip satisfied clauses and duplicates
    const c: number[] = [];
    for (const l of lits) {
      if (this.value[l] === 1 || c.includes(l ^ 1)) return;
      if (this.value[l] === 0 && !c.includes(l)) c.push(l);
    }
    if (c.length === 0) {
      this.unsatAtRoot = true;
      return;
    }
    if (c.length === 1) {
      this.assign(c[0], REASON_NONE);
      if (this.propagate() >= 0) this.unsatAtRoot = true;
      return;
    }
    if (c.length === 2) {
      this.addBin(c[0], c[1]);
      return;
    }
    this.attach(c, false, 0);
  }

  /** The clause (a or b), for two unassigned, distinct variables: without addClause's array. */
  private addBin(a: number, b: number): void {
    own(this.bins, a ^ 1).push(b);
    own(this.bins, b ^ 1).push(a);
  }

  /** addClause([a, b]) without its checks when none is needed (model building adds hundreds of thousands). */
  addClause2(a: number, b: number): void {
    this.backtrack(0);
    if (this.unsatAtRoot) return;
    if (this.value[a] !== 0 || this.value[b] !== 0 || a >> 1 === b >> 1) this.addClause([a, b]);
    else this.addBin(a, b);
  }

  /** At most k of lits are true. */
  addAtMost(lits: number[], k: number): void {
    this.backtrack(0);
    if (k === 1 && lits.length <= PAIRWISE_MAX) {
      // binary clauses propagate faster and explain better than a counter
      for (let i = 0; i < lits.length; i++) for (let j = i + 1; j < lits.length; j++) this.addClause2(lits[i] ^ 1, lits[j] ^ 1);
      return;
    }
    const id = this.cardLits.length;
    this.cardLits.push(Int32Array.from(lits));
    this.cardK.push(k);
    let count = 0;
    for (const l of lits) {
      own(this.cardsOf, l).push(id);
      if (this.value[l] === 1) count++;
    }
    this.cardCount.push(count);
    this.cardsDirty = true;
    if (count > k) this.unsatAtRoot = true;
    else if (count === k && !this.unsatAtRoot) {
      for (const l of lits) if (this.value[l] === 0) this.assign(l ^ 1, REASON_NONE);
      if (this.propagate() >= 0) this.unsatAtRoot = true;
    }
  }

  modelValue(v: number): boolean {
    return this.value[2 * v] === 1;
  }

  private attach(c: ArrayLike<number>, learnt: boolean, lbd: number): number {
    const n = c.length;
    if (this.memLen + n + HDR > this.mem.length) {
      const m = new Int32Array(2 * (this.memLen + n + HDR));
      m.set(this.mem.subarray(0, this.memLen));
      this.mem = m;
    }
    const cr = this.memLen;
    this.mem[cr] = n;
    this.mem[cr + 1] = 2 * lbd;
    this.mem[cr + 2] = 2;
    for (let i = 0; i < n; i++) this.mem[cr + HDR + i] = c[i];
    this.memLen += n + HDR;
    if (learnt) this.learnts.push(cr);
    this.watch(c[0] ^ 1, cr, c[1]);
    this.watch(c[1] ^ 1, cr, c[0]);
    return cr;
  }

  private watch(lit: number, cr: number, blocker: number): void {
    const ws = own(this.watches, lit);
    const n = this.wLen[lit];
    if (n === ws.length) ws.push(cr, blocker);
    else {
      ws[n] = cr;
      ws[n + 1] = blocker;
    }
    this.wLen[lit] = n + 2;
  }

  private assign(lit: number, reason: number, card = 0): void {
    const v = lit >> 1;
    this.value[lit] = 1;
    this.value[lit ^ 1] = -1;
    this.level[v] = this.limits.length;
    this.reason[v] = reason;
    this.cardOf[v] = card;
    this.trailPos[v] = this.trailLen;
    this.trail[this.trailLen++] = lit;
  }

  private flattenCards(): void {
    const n = 2 * this.nVars;
    this.cardStart = new Int32Array(n + 1);
    for (let l = 0; l < n; l++) this.cardStart[l + 1] = this.cardStart[l] + this.cardsOf[l].length;
    this.cardList = new Int32Array(this.cardStart[n]);
    for (let l = 0; l < n; l++) this.cardList.set(this.cardsOf[l], this.cardStart[l]);
    this.cardsDirty = false;
  }

  /** Returns -1, or the size of a conflicting clause (all false) whose literals it put in this.ante. */
  private propagate(): number {
    const value = this.value;
    const mem = this.mem; // attach (which may grow it) is never called while propagating
    const trail = this.trail;
    const level = this.level;
    const reason = this.reason;
    const trailPos = this.trailPos;
    const out = this.ante;
    const cardCount = this.cardCount;
    const { cardStart, cardList } = this;
    const lvl = this.limits.length;
    while (this.qhead < this.trailLen) {
      const p = trail[this.qhead++]; // p became true
      // while the model is being built (root level only) cards are read from cardsOf,
      // in the search from their flat copy; counted once p is propagated (see backtrack)
      const cs = this.cardsDirty ? this.cardsOf[p] : cardList;
      const cFrom = this.cardsDirty ? 0 : cardStart[p];
      const cTo = this.cardsDirty ? cs.length : cardStart[p + 1];
      for (let ci = cFrom; ci < cTo; ci++) cardCount[cs[ci]]++;
      // binary clauses (x ∨ y) are listed under ¬x: p true means ¬p false
      const bl = this.bins[p];
      const why = binReason(p ^ 1);
      for (let i = 0; i < bl.length; i++) {
        const q = bl[i];
        const vq = value[q];
        if (vq === 1) continue;
        if (vq === -1) {
          out[0] = q;
          out[1] = p ^ 1;
          return 2;
        }
        // assign(q) inlined: the hottest loop of the solver
        value[q] = 1;
        value[q ^ 1] = -1;
        const v = q >> 1;
        level[v] = lvl;
        reason[v] = why; // cardOf[v] is already 0: backtrack clears it
        trailPos[v] = this.trailLen;
        trail[this.trailLen++] = q;
      }
      // long clauses watching the literal ¬p (now false)
      const ws = this.watches[p];
      const wn = this.wLen[p];
      const falseLit = p ^ 1;
      let j = 0;
      let conflict = -1;
      let i = 0;
      // entries are pairs (clause, blocker): a true blocker satisfies the clause without reading it
      for (; i < wn; i += 2) {
        const id = ws[i];
        const blocker = ws[i + 1];
        if (value[blocker] === 1) {
          ws[j++] = id;
          ws[j++] = blocker;
          continue;
        }
        if (mem[id + 1] & 1) continue; // deleted: dropped from this list
        const c0 = id + HDR; // literals at mem[c0 ..], the watched two first
        if (mem[c0] === falseLit) {
          mem[c0] = mem[c0 + 1];
          mem[c0 + 1] = falseLit;
        }
        const first = mem[c0];
        if (value[first] === 1) {
          ws[j++] = id;
          ws[j++] = first;
          continue;
        }
        // a new watch: the search goes on from where the last one stopped, round
        // the clause (learnt clauses here run to hundreds of literals, most false)
        let found = false;
        const size = mem[id];
        const end = c0 + size;
        const from = mem[id + 2];
        for (let t = 0, k = c0 + from; t < size - 2; t++, k++) {
          if (k === end) k = c0 + 2;
          const lk = mem[k];
          if (value[lk] !== -1) {
            mem[c0 + 1] = lk;
            mem[k] = falseLit;
            mem[id + 2] = k - c0;
            this.watch(lk ^ 1, id, first);
            found = true;
            break;
          }
        }
        if (found) continue;
        ws[j++] = id;
        ws[j++] = first;
        if (value[first] === -1) {
          out.set(mem.subarray(c0, end));
          conflict = size;
          for (i += 2; i < wn; i++) ws[j++] = ws[i];
          break;
        }
        this.assign(first, id);
      }
      this.wLen[p] = j;
      if (conflict >= 0) return conflict;
      // at-most-k constraints containing p
      for (let ci = cFrom; ci < cTo; ci++) {
        const id = cs[ci];
        const k = this.cardK[id];
        if (cardCount[id] < k) continue;
        const lits = this.cardLits[id];
        let nTrue = 0;
        for (let t = 0; t < lits.length && nTrue <= k; t++) if (value[lits[t]] === 1) nTrue++;
        if (nTrue > k) {
          let n = 0;
          for (let t = 0; t < lits.length && n <= k; t++) if (value[lits[t]] === 1) out[n++] = lits[t] ^ 1;
          return n;
        }
        // the reason, k true literals, is read back when needed (antecedent)
        for (let t = 0; t < lits.length; t++) if (value[lits[t]] === 0) this.assign(lits[t] ^ 1, REASON_NONE, id + 1);
      }
    }
    return -1;
  }

  /**
   * The literals that imply variable v's value, as false literals of its reason
   * clause (without v's own), into this.ante; returns how many.
   */
  private antecedent(v: number): number {
    const out = this.ante;
    let n = 0;
    const card = this.cardOf[v];
    if (card !== 0) {
      // the constraint's literals that were true before it set v
      const lits = this.cardLits[card - 1];
      const at = this.trailPos[v];
      for (let i = 0; i < lits.length; i++) if (this.value[lits[i]] === 1 && this.trailPos[lits[i] >> 1] < at) out[n++] = lits[i] ^ 1;
      return n;
    }
    const r = this.reason[v];
    if (r <= -2) {
      out[0] = -2 - r;
      return 1;
    }
    const mem = this.mem;
    for (let i = r + HDR; i < r + HDR + mem[r]; i++) if (mem[i] >> 1 !== v) out[n++] = mem[i];
    return n;
  }

  /** Learns from the conflict of size n in this.ante (propagate put it there). */
  private analyze(n: number): { learnt: number[]; backLevel: number; lbd: number } {
    const seen = this.seen;
    const cur = this.limits.length;
    const learnt: number[] = [0];
    let pathC = 0;
    let idx = this.trailLen - 1;
    const lits = this.ante;
    let p = -1;
    const toClear: number[] = [];
    for (;;) {
      for (let t = 0; t < n; t++) {
        const q = lits[t];
        const v = q >> 1;
        if (seen[v] || this.level[v] === 0) continue;
        seen[v] = 1;
        toClear.push(v);
        this.bumpVar(v);
        if (this.level[v] >= cur) pathC++;
        else learnt.push(q);
      }
      while (!seen[this.trail[idx] >> 1]) idx--;
      p = this.trail[idx--];
      seen[p >> 1] = 0; // resolved away: not part of the learnt clause
      pathC--;
      if (pathC <= 0) break;
      n = this.antecedent(p >> 1);
    }
    learnt[0] = p ^ 1;
    // local minimisation: drop literals implied by others in the clause
    let j = 1;
    for (let i = 1; i < learnt.length; i++) if (!this.implied(learnt[i] >> 1)) learnt[j++] = learnt[i];
    learnt.length = j;
    for (const v of toClear) seen[v] = 0;
    // backjump level: highest level among the rest, moved to position 1
    let backLevel = 0;
    let maxI = 1;
    for (let i = 1; i < learnt.length; i++) {
      const l = this.level[learnt[i] >> 1];
      if (l > backLevel) {
        backLevel = l;
        maxI = i;
      }
    }
    if (learnt.length > 1) [learnt[1], learnt[maxI]] = [learnt[maxI], learnt[1]];
    // LBD: distinct decision levels, counted with a stamp per level (no allocation)
    const stamp = ++this.lbdStamp;
    let lbd = 0;
    for (const l of learnt) {
      const lv = this.level[l >> 1];
      if (this.levelSeen[lv] !== stamp) {
        this.levelSeen[lv] = stamp;
        lbd++;
      }
    }
    return { learnt, backLevel, lbd };
  }

  /** Whether v's reason holds only literals of the learnt clause (marked seen) or of level 0. */
  private implied(v: number): boolean {
    if (this.reason[v] === REASON_NONE && this.cardOf[v] === 0) return false;
    const na = this.antecedent(v);
    const lits = this.ante;
    for (let t = 0; t < na; t++) if (!this.seen[lits[t] >> 1] && this.level[lits[t] >> 1] > 0) return false;
    return true;
  }

  private backtrack(lvl: number): void {
    if (this.limits.length <= lvl) return;
    const lim = this.limits[lvl];
    for (let i = this.trailLen - 1; i >= lim; i--) {
      const lit = this.trail[i];
      const v = lit >> 1;
      this.value[lit] = 0;
      this.value[lit ^ 1] = 0;
      this.phase[v] = (lit & 1) === 0 ? 1 : 0;
      this.cardOf[v] = 0;
      if (i < this.qhead) for (let ci = this.cardStart[lit]; ci < this.cardStart[lit + 1]; ci++) this.cardCount[this.cardList[ci]]--;
      if (this.heapPos[v] < 0) this.heapInsert(v);
    }
    this.trailLen = lim;
    this.qhead = lim;
    this.limits.length = lvl;
  }

  private bumpVar(v: number): void {
    if ((this.activity[v] += this.varInc) > 1e100) {
      for (let i = 0; i < this.nVars; i++) this.activity[i] *= 1e-100;
      this.varInc *= 1e-100;
    }
    if (this.heapPos[v] >= 0) this.heapUp(this.heapPos[v]);
  }

  private reduceDb(): void {
    const mem = this.mem;
    const cand: number[] = [];
    const keep: number[] = [];
    for (const cr of this.learnts) {
      const v = mem[cr + HDR] >> 1;
      const locked = this.value[mem[cr + HDR]] === 1 && this.reason[v] === cr;
      if (locked || mem[cr + 1] >> 1 <= 2) keep.push(cr);
      else cand.push(cr);
    }
    // the worse half (higher LBD, then longer) goes
    cand.sort((a, b) => (mem[b + 1] >> 1) - (mem[a + 1] >> 1) || mem[b] - mem[a]);
    const half = cand.length >> 1;
    for (const cr of cand.slice(0, half)) mem[cr + 1] |= 1;
    this.learnts = keep.concat(cand.slice(half));
  }

  /**
   * Searches until a model is found (Sat; read it with modelValue), the problem
   * is proved unsatisfiable (Unsat) or a limit is hit (Unknown: the conflicts,
   * the deadline, or `stop` raised by another thread).
   */
  solve(maxConflicts: number, deadline = Infinity, stop?: Int32Array): SatResult {
    if (this.unsatAtRoot) return SatResult.Unsat;
    this.backtrack(0);
    if (this.cardsDirty) this.flattenCards();
    if (this.propagate() >= 0) {
      this.unsatAtRoot = true;
      return SatResult.Unsat;
    }
    const start = this.conflicts;
    let restart = 0;
    for (;;) {
      const budget = LUBY_UNIT * luby(++restart);
      let local = 0;
      for (;;) {
        const conflict = this.propagate();
        if (conflict >= 0) {
          this.conflicts++;
          const consistent = this.limits.length > 0 ? this.limits[this.limits.length - 1] : 0;
          if (consistent > this.targetLen) {
            for (let i = 0; i < consistent; i++) this.target[this.trail[i] >> 1] = (this.trail[i] & 1) + 1;
            this.targetLen = consistent;
          }
          local++;
          if (this.limits.length === 0) {
            this.unsatAtRoot = true;
            return SatResult.Unsat;
          }
          const { learnt, backLevel, lbd } = this.analyze(conflict);
          this.backtrack(backLevel);
          if (learnt.length === 1) this.assign(learnt[0], REASON_NONE);
          else if (learnt.length === 2) {
            this.addBin(learnt[0], learnt[1]);
            this.assign(learnt[0], binReason(learnt[1]));
          } else {
            this.assign(learnt[0], this.attach(learnt, true, lbd));
          }
          this.varInc /= 0.95;
          if ((this.conflicts & 31) === 0 && (Date.now() > deadline || (stop && Atomics.load(stop, 0) !== 0))) return SatResult.Unknown;
          if (this.conflicts - start >= maxConflicts) return SatResult.Unknown;
          if (this.learnts.length > this.maxLearnt) {
            this.reduceDb();
            this.maxLearnt += 500;
          }
          continue;
        }
        if (local >= budget) {
          this.backtrack(0);
          break;
        }
        const v = this.pickBranch();
        if (v < 0) return SatResult.Sat;
        this.limits.push(this.trailLen);
        const t = this.target[v];
        this.assign(2 * v + (t ? t - 1 : this.phase[v] ? 0 : 1), REASON_NONE);
      }
    }
  }

  private pickBranch(): number {
    while (this.heap.length > 0) {
      const v = this.heapPop();
      if (this.value[2 * v] === 0) return v;
    }
    return -1;
  }

  // ---- binary max-heap on activity
  private heapInsert(v: number): void {
    this.heapPos[v] = this.heap.length;
    this.heap.push(v);
    this.heapUp(this.heap.length - 1);
  }
  private heapUp(i: number): void {
    const h = this.heap;
    const v = h[i];
    const a = this.activity[v];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.activity[h[parent]] >= a) break;
      h[i] = h[parent];
      this.heapPos[h[i]] = i;
      i = parent;
    }
    h[i] = v;
    this.heapPos[v] = i;
  }
  private heapPop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    this.heapPos[top] = -1;
    if (h.length > 0) {
      let i = 0;
      const a = this.activity[last];
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.activity[h[r]] > this.activity[h[l]] ? r : l;
        if (this.activity[h[c]] <= a) break;
        h[i] = h[c];
        this.heapPos[h[i]] = i;
        i = c;
      }
      h[i] = last;
      this.heapPos[last] = i;
    }
    return top;
  }
}

const M_MAX = Math.max;
const EMPTY: number[] = [];
/** lists[l], made l's own array first if it is still the shared EMPTY one. */
function own(lists: number[][], l: number): number[] {
  const a = lists[l];
  return a !== EMPTY ? a : (lists[l] = []);
}
/** Header words of a clause in the arena: size, lbd * 2 + deleted, search position. */
const HDR = 3;
/** Conflicts per Luby unit between restarts (measured on b2bsp: 512 with target phases beat 100). */
const LUBY_UNIT = 512;
/** At-most-one constraints up to this size become pairwise binary clauses. */
const PAIRWISE_MAX = 24;

function luby(i: number): number {
  let size = 1;
  let seq = 0;
  while (size < i + 1) {
    seq++;
    size = 2 * size + 1;
  }
  let x = i;
  let s = seq;
  while (size - 1 !== x) {
    size = (size - 1) >> 1;
    s--;
    x = x % size;
  }
  return 2 ** s;
}
