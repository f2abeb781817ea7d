// Copyright 2025 the ringproof authors. MIT license.
// The bounded buffer as a packed state machine: the semantics behind
// `boundedBuffer()`. Every state is a few 32-bit words (see _layout.ts); every
// step reads the fields it needs and writes a copy with a few fields changed,
// so the explorer's hot loop allocates nothing.

import { Layout } from "./_layout.ts";
import type {
  BufferAction,
  BufferState,
  ConsumerOp,
  Item,
  Mutant,
  ProducerOp,
  Scheme,
  Sync,
} from "./bounded_buffer.ts";

/** The resolved parameters of one bounded-buffer model. */
export interface Config {
  slots: number;
  items: number;
  scheme: Scheme;
  producers: number;
  consumers: number;
  sync: Sync;
  mutant: Mutant | undefined;
  start: number;
}

// Program steps. A process's pc indexes its program; a producer past its last
// item is at pc === program.length ("done").
const LOCK = 0;
const WAIT = 1;
const WRITE = 2;
const PUBLISH = 3;
const UNLOCK = 4;
const READ = 5;
const RELEASE = 6;
// Only with sync "sequence": copy the shared position, claim it by CAS.
const LOAD = 7;
const CLAIM = 8;
const OP_NAMES = [
  "lock",
  "wait",
  "write",
  "publish",
  "unlock",
  "read",
  "release",
  "load",
  "claim",
] as const;

// What a sync "sequence" step did: blocked (not enabled), went on to the
// next step, or went back to `load` (the position was taken meanwhile).
const BLOCKED = -1;
const RETRY = 0;
const ADVANCE = 1;

// Ghost flags, set by the step that breaks the property (history variables).
const FLAG_UNPRODUCED = 1;
const FLAG_FIFO = 2;
const FLAG_DUPLICATE = 4;

// Fixed invariant bits; without a bound ("unbounded") everything shifts down one.
const BIT_BOUND = 1;
const BIT_UNPRODUCED = 2;
const BIT_FIFO = 4;
const BIT_LOSS = 8;
const BIT_DUPLICATE = 16;
const ALL_INVARIANTS = [
  "bound",
  "no-unproduced",
  "fifo",
  "no-loss",
  "no-duplicate",
] as const;

// Field ids of the shared variables; per-process fields follow the cells.
const F_IN = 0;
const F_OUT = 1;
const F_LOCK = 2;
const F_FLAGS = 3;
const F_CELLS = 4;

/**
 * Where sync "sequence" positions wrap: the largest multiple of `slots` up
 * to 2^31, so `position % slots` stays the slot across the wrap (as in the
 * production ring's `"sequence"` scheme).
 */
export function positionLimit(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let i = 0; i <= rest.length; i++) {
      out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
    }
  }
  return out;
}

/**
 * Most relabellings symmetry reduction enumerates, once per state: 8! (e.g. 5
 * producers and 5 consumers have 14,400; 6 and 6 have 518,400).
 */
const MAX_SYMMETRIES = 40_320;

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The packed semantics of one bounded-buffer configuration. */
export class Machine {
  readonly config: Config;
  readonly layout: Layout;
  readonly words: number;
  /** Cells in the model: `slots`, or one per item for "unbounded". */
  readonly cells: number;
  readonly total: number;
  /** Most items the buffer may hold (`Infinity` for "unbounded"). */
  readonly capacity: number;
  readonly invariantNames: readonly string[];
  readonly factNames: readonly string[];
  readonly producerProgram: readonly number[];
  readonly consumerProgram: readonly number[];
  readonly fieldCount: number;
  // Field ids per process.
  readonly prodPc: Int32Array;
  readonly prodN: Int32Array;
  readonly prodSlot: Int32Array;
  readonly consPc: Int32Array;
  readonly consNext: Int32Array;
  readonly consSlot: Int32Array;
  /** `seen[c * producers + p]`: the next sequence number consumer c may take from p. */
  readonly seen: Int32Array;
  /** `mask[p]`: which of p's items were consumed (only with 2+ consumers). */
  readonly mask: Int32Array;
  /** Sync "sequence": the per-cell sequence numbers, relative to `start`. */
  readonly seqField: Int32Array;
  /** Sync "sequence": each producer's copy of `in` (its claimed position). */
  readonly prodPos: Int32Array;
  /** Sync "sequence": each consumer's copy of `out`. */
  readonly consPos: Int32Array;
  /** Sync "sequence", ghost: the next sequence number of producer p that a claim must find. */
  readonly claimNext: Int32Array;
  /** Sync "sequence": where positions wrap (a multiple of `slots`, see `positionLimit`). */
  readonly limit: number;
  readonly #bounded: boolean;
  readonly #textbook: boolean;
  readonly #counter: boolean;
  readonly #producerWaits: boolean;
  readonly #moduloIndex: boolean;
  readonly #prodSlotLocal: boolean;
  readonly #consSlotLocal: boolean;
  readonly #sequence: boolean;
  #perms: { p: number[]; c: number[] }[] | undefined;
  readonly #fields: Int32Array;
  readonly #permuted: Int32Array;
  readonly #candidate: Int32Array;
  readonly #best: Int32Array;

  constructor(config: Config) {
    this.config = config;
    const { slots, items, scheme, producers: P, consumers: C, mutant } = config;
    this.#textbook = scheme === "textbook";
    this.#counter = scheme === "counter";
    this.#bounded = scheme !== "unbounded";
    this.#moduloIndex = mutant === "modulo-index";
    this.#sequence = config.sync === "sequence";
    // The sequence programs keep their position locally: no slot to remember.
    this.#prodSlotLocal = mutant === "publish-before-write" && !this.#sequence;
    this.#consSlotLocal = mutant === "release-before-read" && !this.#sequence;
    this.limit = positionLimit(slots);
    this.total = P * items;
    this.cells = this.#bounded ? slots : this.total;
    this.capacity = this.#textbook
      ? slots - 1
      : this.#counter
      ? slots
      : Infinity;
    this.invariantNames = this.#bounded
      ? ALL_INVARIANTS
      : ALL_INVARIANTS.slice(1);
    this.factNames = this.#bounded ? ["bound-tight"] : [];
    this.#producerWaits = this.#bounded && mutant !== "no-full-check";

    const mutex = config.sync === "mutex";
    const publishFirst = mutant === "publish-before-write";
    const releaseFirst = mutant === "release-before-read";
    const produce = [
      ...(this.#producerWaits ? [WAIT] : []),
      ...(publishFirst ? [PUBLISH, WRITE] : [WRITE, PUBLISH]),
    ];
    const consume = releaseFirst
      ? [WAIT, RELEASE, READ]
      : [WAIT, READ, RELEASE];
    // The sequence programs copy the position, wait on its cell's sequence
    // number, claim the position, then go on as above.
    const claimed = (program: number[]) =>
      this.#sequence ? [LOAD, WAIT, CLAIM, ...program.slice(1)] : program;
    this.producerProgram = mutex
      ? [LOCK, ...produce, UNLOCK]
      : claimed(produce);
    this.consumerProgram = mutex
      ? [LOCK, ...consume, UNLOCK]
      : claimed(consume);

    const indexMax = this.#textbook ? slots - 1 : this.total;
    const maxes = [indexMax, indexMax, mutex ? 1 : 0, 7];
    for (let i = 0; i < this.cells; i++) maxes.push(this.total);
    const add = (max: number) => maxes.push(max) - 1;
    this.prodPc = new Int32Array(P);
    this.prodN = new Int32Array(P);
    this.prodSlot = new Int32Array(P);
    for (let p = 0; p < P; p++) {
      this.prodPc[p] = add(this.producerProgram.length);
      this.prodN[p] = add(items);
      this.prodSlot[p] = add(this.#prodSlotLocal ? this.cells - 1 : 0);
    }
    this.consPc = new Int32Array(C);
    this.consNext = new Int32Array(C);
    this.consSlot = new Int32Array(C);
    for (let c = 0; c < C; c++) {
      this.consPc[c] = add(this.consumerProgram.length - 1);
      this.consNext[c] = add(this.total);
      this.consSlot[c] = add(this.#consSlotLocal ? this.cells - 1 : 0);
    }
    this.seen = new Int32Array(C * P);
    for (let i = 0; i < C * P; i++) this.seen[i] = add(items);
    this.mask = new Int32Array(P);
    for (let p = 0; p < P; p++) this.mask[p] = add(C > 1 ? 2 ** items - 1 : 0);
    // Sync "sequence" only (zero bits otherwise): sequence numbers run up to
    // the last position plus a lap; positions up to the item count.
    const seq = this.#sequence;
    this.seqField = new Int32Array(this.cells);
    for (let i = 0; i < this.cells; i++) {
      this.seqField[i] = add(seq ? this.total + slots - 1 : 0);
    }
    this.prodPos = Int32Array.from(
      { length: P },
      () => add(seq ? this.total : 0),
    );
    this.consPos = Int32Array.from(
      { length: C },
      () => add(seq ? this.total : 0),
    );
    this.claimNext = Int32Array.from({ length: P }, () => add(seq ? items : 0));
    this.layout = new Layout(maxes);
    this.words = this.layout.words;
    this.fieldCount = maxes.length;

    this.#fields = new Int32Array(this.fieldCount);
    this.#permuted = new Int32Array(this.fieldCount);
    this.#candidate = new Int32Array(this.words);
    this.#best = new Int32Array(this.words);
  }

  get maxSuccessors(): number {
    return this.config.producers + this.config.consumers;
  }

  get hasSymmetry(): boolean {
    return this.config.producers > 1 || this.config.consumers > 1;
  }

  /**
   * The relabellings of identical processes, built on first use: P!·C! of
   * them (8 producers and 8 consumers: 1.6e9), so building them eagerly ran
   * out of memory; beyond MAX_SYMMETRIES symmetry reduction is refused.
   */
  get #symmetries(): { p: number[]; c: number[] }[] {
    if (this.#perms !== undefined) return this.#perms;
    const { producers: P, consumers: C } = this.config;
    const count = factorial(P) * factorial(C);
    if (count > MAX_SYMMETRIES) {
      throw new RangeError(
        `Cannot use symmetry reduction: ${P} producers and ${C} consumers have ${count} relabellings, at most ${MAX_SYMMETRIES} are supported`,
      );
    }
    const perms: { p: number[]; c: number[] }[] = [];
    for (const p of permutations(P)) {
      for (const c of permutations(C)) perms.push({ p, c });
    }
    const identity = (perm: number[]) => perm.every((to, from) => to === from);
    this.#perms = perms.filter(({ p, c }) => !(identity(p) && identity(c)));
    return this.#perms;
  }

  /** The physical slot for index value `v` of `in` or `out`. */
  slotOf(v: number): number {
    if (!this.#counter) return v;
    const { start, slots } = this.config;
    // Sequence positions wrap at a multiple of BUFFER_SIZE: the slot is the
    // position mod BUFFER_SIZE, across the wrap too.
    if (this.#sequence) return (start % slots + v) % slots;
    return this.#moduloIndex ? ((start + v) >>> 0) % slots : v % slots;
  }

  /** The shared variable's value as the program sees it (a 32-bit counter for "counter"). */
  indexValue(v: number): number {
    if (this.#sequence) return (this.config.start + v) % this.limit;
    return this.#counter ? (this.config.start + v) >>> 0 : v;
  }

  #next(v: number): number {
    return this.#textbook ? (v + 1) % this.config.slots : v + 1;
  }

  /** The producer's full test, as the (possibly mutated) program computes it. */
  full(src: Int32Array, so: number): boolean {
    const L = this.layout;
    const i = L.get(src, so, F_IN);
    const o = L.get(src, so, F_OUT);
    const { slots, mutant, start } = this.config;
    if (this.#textbook) {
      if (mutant === "full-when-equal") return i === o;
      if (mutant === "wasted-two") return (i + 2) % slots === o;
      return (i + 1) % slots === o;
    }
    const inC = (start + i) >>> 0;
    const outC = (start + o) >>> 0;
    const count = (inC - outC) >>> 0;
    if (mutant === "full-when-equal") return inC === outC;
    if (mutant === "wasted-two") return ((count + 2) >>> 0) === slots;
    return count === slots;
  }

  empty(src: Int32Array, so: number): boolean {
    return this.layout.get(src, so, F_IN) === this.layout.get(src, so, F_OUT);
  }

  initial(): Int32Array {
    // Everything zero: in = out = 0 (or `start`), cells empty, every pc at the
    // top of its loop.
    const state = new Int32Array(this.words);
    if (this.#sequence) {
      // Each cell expects the first position that maps to it.
      const { start, slots } = this.config;
      for (let i = 0; i < this.cells; i++) {
        const first = ((i - start % slots) % slots + slots) % slots;
        this.layout.set(state, 0, this.seqField[i]!, first);
      }
    }
    return state;
  }

  successors(
    src: Int32Array,
    so: number,
    out: Int32Array,
    acts: Int32Array,
  ): number {
    let n = 0;
    const procs = this.maxSuccessors;
    for (let proc = 0; proc < procs; proc++) {
      if (this.step(proc, src, so, out, n * this.words)) acts[n++] = proc;
    }
    return n;
  }

  /**
   * Partial-order reduction: a process whose enabled step may be taken alone
   * in this state (an ample set of one), or -1. Conservative; see
   * docs/model.md, "Partial-order reduction". The step is invisible (it
   * changes only a pc, or a pc with `in` / a position that no invariant,
   * fact or end test can observe there) and independent of every step the
   * other processes can take before it:
   * - sync "sequence", one producer: the producer's `load` (reads `in`,
   *   which only it writes; writes its own position) and `claim` (the CAS of
   *   `in`, which only it reads and writes);
   * - sync "none", one producer and one consumer, an unmutated full test:
   *   a `wait` whose guard no step of the other process can falsify before
   *   it is taken (checked here from `in`, `out` and the other's pc).
   */
  independentStep(src: Int32Array, so: number): number {
    const { producers: P, consumers: C, sync, mutant } = this.config;
    if (P !== 1) return -1;
    const L = this.layout;
    const prodPc = L.get(src, so, this.prodPc[0]!);
    const prodOps = this.producerProgram;
    if (sync === "sequence") {
      const op = prodOps[prodPc];
      return (op === LOAD || op === CLAIM) && prodPc + 1 < prodOps.length
        ? 0
        : -1;
    }
    if (
      sync !== "none" || C !== 1 ||
      !(mutant === undefined || mutant === "publish-before-write" ||
        mutant === "release-before-read")
    ) return -1;
    const i = L.get(src, so, F_IN);
    const o = L.get(src, so, F_OUT);
    const consPc = L.get(src, so, this.consPc[0]!);
    const consOps = this.consumerProgram;
    if (
      this.#producerWaits && prodOps[prodPc] === WAIT && !this.full(src, so)
    ) {
      // Only the consumer's `release` moves `out`; it lowers the count by one
      // and, past its pending release, waits for a non-empty buffer.
      const pending = consPc > 0 && consPc <= consOps.indexOf(RELEASE);
      const stable = this.#textbook
        ? !(pending && i === o)
        : i - o < this.config.slots;
      if (stable) return 0;
    }
    if (consOps[consPc] === WAIT && i !== o) {
      // Only the producer's `publish` moves `in`; it raises the count by one
      // and, past its pending publish, waits for a non-full buffer.
      const at = prodOps.indexOf(PUBLISH);
      const pending = prodPc < prodOps.length &&
        prodPc >= prodOps.indexOf(WAIT) + 1 && prodPc <= at;
      const stable = this.#textbook
        ? !(pending && (i + 1) % this.config.slots === o)
        : i > o;
      if (stable) return P;
    }
    return -1;
  }

  /** Process `proc`'s step from `src`; writes the result to `dst` and returns true when enabled. */
  step(
    proc: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): boolean {
    const P = this.config.producers;
    return proc < P
      ? this.#produce(proc, src, so, dst, doff)
      : this.#consume(proc - P, src, so, dst, doff);
  }

  #copy(src: Int32Array, so: number, dst: Int32Array, doff: number): void {
    for (let w = 0; w < this.words; w++) dst[doff + w] = src[so + w]!;
  }

  #produce(
    p: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): boolean {
    const L = this.layout;
    const program = this.producerProgram;
    const pc = L.get(src, so, this.prodPc[p]!);
    if (pc === program.length) return false;
    const { items } = this.config;
    if (program[pc] === WRITE) {
      const made = L.get(src, so, this.prodN[p]!);
      if (made >= items) return false;
      const slot = this.#prodSlotLocal
        ? L.get(src, so, this.prodSlot[p]!)
        : this.slotOf(L.get(src, so, this.#sequence ? this.prodPos[p]! : F_IN));
      this.#copy(src, so, dst, doff);
      L.set(dst, doff, F_CELLS + slot, p * items + made + 1);
      L.set(dst, doff, this.prodN[p]!, made + 1);
      L.set(dst, doff, this.prodSlot[p]!, 0);
    } else if (this.#sequence) {
      const to = this.#sequenceStep(program[pc]!, true, p, src, so, dst, doff);
      if (to !== ADVANCE) return to === RETRY;
    } else if (!this.#shared(program[pc]!, true, p, src, so, dst, doff)) {
      return false;
    }
    let next = pc + 1;
    if (next === program.length && L.get(dst, doff, this.prodN[p]!) < items) {
      next = 0;
    }
    L.set(dst, doff, this.prodPc[p]!, next);
    return true;
  }

  #consume(
    c: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): boolean {
    const L = this.layout;
    const program = this.consumerProgram;
    const pc = L.get(src, so, this.consPc[c]!);
    if (program[pc] === READ) {
      this.#copy(src, so, dst, doff);
      this.#read(c, src, so, dst, doff);
    } else if (this.#sequence) {
      const to = this.#sequenceStep(program[pc]!, false, c, src, so, dst, doff);
      if (to !== ADVANCE) return to === RETRY;
    } else if (!this.#shared(program[pc]!, false, c, src, so, dst, doff)) {
      return false;
    }
    let next = pc + 1;
    if (next === program.length) {
      // next_consumed is consumed at the end of the iteration: dead from here.
      next = 0;
      L.set(dst, doff, this.consNext[c]!, 0);
    }
    L.set(dst, doff, this.consPc[c]!, next);
    return true;
  }

  /** The steps both roles have: lock, wait, publish `in` / release `out`, unlock. */
  #shared(
    op: number,
    producer: boolean,
    i: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): boolean {
    const L = this.layout;
    if (op === LOCK || op === WAIT) {
      // A failed attempt under the lock (lock, find full, unlock) changes
      // nothing, so spinning is modelled as the lock being unavailable.
      if (op === LOCK && L.get(src, so, F_LOCK) !== 0) return false;
      const blocked = producer
        ? this.#producerWaits && this.full(src, so)
        : this.empty(src, so);
      if (blocked) return false;
      this.#copy(src, so, dst, doff);
      if (op === LOCK) L.set(dst, doff, F_LOCK, 1);
      return true;
    }
    if (op === UNLOCK) {
      this.#copy(src, so, dst, doff);
      L.set(dst, doff, F_LOCK, 0);
      return true;
    }
    // PUBLISH (in) or RELEASE (out).
    const field = producer ? F_IN : F_OUT;
    const v = L.get(src, so, field);
    if (!this.#textbook && v >= this.total) return false;
    this.#copy(src, so, dst, doff);
    if (producer ? this.#prodSlotLocal : this.#consSlotLocal) {
      const slotField = producer ? this.prodSlot[i]! : this.consSlot[i]!;
      L.set(dst, doff, slotField, this.slotOf(v));
    }
    L.set(dst, doff, field, this.#next(v));
    return true;
  }

  /**
   * Sync "sequence" (Vyukov's bounded queue), one shared access per step:
   * `load` copies `in` (`out`) to the process's position; `wait` reads its
   * cell's sequence number and blocks while it says full (empty), retries
   * when it shows the position already taken; `claim` is the
   * compareExchange of `in` (`out`) from the position to the next one, and
   * retries when it fails; `publish` sets the sequence number to
   * position + 1, `release` to position + BUFFER_SIZE. Returns BLOCKED,
   * RETRY (pc set back to `load`) or ADVANCE (the caller moves the pc on).
   */
  #sequenceStep(
    op: number,
    producer: boolean,
    i: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): number {
    const L = this.layout;
    const posField = producer ? this.prodPos[i]! : this.consPos[i]!;
    const shared = producer ? F_IN : F_OUT;
    const pos = L.get(src, so, posField);
    const seqField = this.seqField[this.slotOf(pos)]!;
    if (op === WAIT) {
      // The producer wants seq == pos (free), the consumer seq == pos + 1
      // (published); less is full (empty): wait; more: pos was taken.
      const diff = L.get(src, so, seqField) - (producer ? pos : pos + 1);
      if (diff < 0) return BLOCKED;
      this.#copy(src, so, dst, doff);
      return diff === 0 ? ADVANCE : this.#retry(producer, i, dst, doff);
    }
    this.#copy(src, so, dst, doff);
    if (op === LOAD) {
      L.set(dst, doff, posField, L.get(src, so, shared));
    } else if (op === CLAIM) {
      if (L.get(src, so, shared) !== pos) {
        return this.#retry(producer, i, dst, doff);
      }
      L.set(dst, doff, shared, pos + 1);
      if (!producer) this.#claimed(pos, src, so, dst, doff);
    } else {
      // PUBLISH or RELEASE: hand the cell to the other side.
      const next = producer ? pos + 1 : pos + this.config.slots;
      L.set(dst, doff, seqField, next);
    }
    return ADVANCE;
  }

  /** Sends a process back to `load`: its position was taken meanwhile. */
  #retry(producer: boolean, i: number, dst: Int32Array, doff: number): number {
    const pc = producer ? this.prodPc[i]! : this.consPc[i]!;
    this.layout.set(dst, doff, pc, 0);
    return RETRY;
  }

  /**
   * Ghost of a consumer's successful claim: the item in the claimed cell
   * must be its producer's next one in claim order (per-producer FIFO).
   */
  #claimed(
    pos: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): void {
    const L = this.layout;
    const v = L.get(src, so, F_CELLS + this.slotOf(pos));
    if (v === 0) return; // the read finds it empty: no-unproduced
    const { items } = this.config;
    const q = ((v - 1) / items) | 0;
    const s = v - 1 - q * items;
    if (s !== L.get(src, so, this.claimNext[q]!)) {
      L.set(dst, doff, F_FLAGS, L.get(src, so, F_FLAGS) | FLAG_FIFO);
    } else L.set(dst, doff, this.claimNext[q]!, s + 1);
  }

  #read(
    c: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): void {
    const L = this.layout;
    const { items, producers: P, consumers: C } = this.config;
    const slot = this.#consSlotLocal
      ? L.get(src, so, this.consSlot[c]!)
      : this.slotOf(L.get(src, so, this.#sequence ? this.consPos[c]! : F_OUT));
    const v = slot < this.cells ? L.get(src, so, F_CELLS + slot) : 0;
    let flags = L.get(src, so, F_FLAGS);
    if (v === 0) {
      flags |= FLAG_UNPRODUCED;
    } else {
      const q = ((v - 1) / items) | 0;
      const s = v - 1 - q * items;
      const seenField = this.seen[c * P + q]!;
      const last = L.get(src, so, seenField);
      const consumed = C === 1
        ? s < last
        : ((L.get(src, so, this.mask[q]!) >>> s) & 1) === 1;
      if (consumed) flags |= FLAG_UNPRODUCED | FLAG_DUPLICATE;
      // One consumer must see 0, 1, 2, ... exactly; several, increasing.
      if (C === 1 ? s !== last : s < last) flags |= FLAG_FIFO;
      else L.set(dst, doff, seenField, s + 1);
      if (C > 1 && !consumed) {
        L.set(
          dst,
          doff,
          this.mask[q]!,
          L.get(src, so, this.mask[q]!) | (1 << s),
        );
      }
    }
    L.set(dst, doff, F_FLAGS, flags);
    L.set(dst, doff, this.consNext[c]!, v);
    L.set(dst, doff, this.consSlot[c]!, 0);
  }

  consumedCount(src: Int32Array, so: number): number {
    const L = this.layout;
    let n = 0;
    if (this.config.consumers === 1) {
      for (let p = 0; p < this.config.producers; p++) {
        n += L.get(src, so, this.seen[p]!);
      }
    } else {
      for (let p = 0; p < this.config.producers; p++) {
        n += popcount(L.get(src, so, this.mask[p]!));
      }
    }
    return n;
  }

  /** Items produced (written) and not yet consumed (read). */
  itemsInBuffer(src: Int32Array, so: number): number {
    let n = 0;
    for (let p = 0; p < this.config.producers; p++) {
      n += this.layout.get(src, so, this.prodN[p]!);
    }
    return n - this.consumedCount(src, so);
  }

  isEnd(src: Int32Array, so: number): boolean {
    const L = this.layout;
    const done = this.producerProgram.length;
    for (let p = 0; p < this.config.producers; p++) {
      if (L.get(src, so, this.prodPc[p]!) !== done) return false;
    }
    // Consumers wait at the top of their loop; with sync "sequence", on
    // their copy of the final `out`, having loaded it.
    const waiting = this.#sequence ? 1 : 0;
    for (let c = 0; c < this.config.consumers; c++) {
      if (L.get(src, so, this.consPc[c]!) !== waiting) return false;
      if (
        this.#sequence &&
        L.get(src, so, this.consPos[c]!) !== L.get(src, so, F_OUT)
      ) return false;
    }
    return L.get(src, so, F_LOCK) === 0 && this.empty(src, so);
  }

  violations(src: Int32Array, so: number): number {
    let bad = 0;
    if (this.#bounded && this.itemsInBuffer(src, so) > this.capacity) {
      bad |= BIT_BOUND;
    }
    const flags = this.layout.get(src, so, F_FLAGS);
    if (flags & FLAG_UNPRODUCED) bad |= BIT_UNPRODUCED;
    if (flags & FLAG_FIFO) bad |= BIT_FIFO;
    if (flags & FLAG_DUPLICATE) bad |= BIT_DUPLICATE;
    if (this.isEnd(src, so) && this.consumedCount(src, so) < this.total) {
      bad |= BIT_LOSS;
    }
    return this.#bounded ? bad : bad >>> 1;
  }

  facts(src: Int32Array, so: number): number {
    return this.#bounded && this.itemsInBuffer(src, so) === this.capacity
      ? 1
      : 0;
  }

  /** Rewrites the state to the least of its images under permutations of identical processes. */
  canonicalize(buf: Int32Array, off: number): void {
    const L = this.layout;
    const f = this.#fields;
    const g = this.#permuted;
    const best = this.#best;
    const cand = this.#candidate;
    const words = this.words;
    const { items, producers: P, consumers: C } = this.config;
    L.read(buf, off, f);
    for (let w = 0; w < words; w++) best[w] = buf[off + w]!;
    const relabel = (v: number, pi: number[]) => {
      if (v === 0) return 0;
      const q = ((v - 1) / items) | 0;
      return pi[q]! * items + (v - 1 - q * items) + 1;
    };
    for (const { p: pi, c: sigma } of this.#symmetries) {
      g.set(f);
      for (let i = 0; i < this.cells; i++) {
        g[F_CELLS + i] = relabel(f[F_CELLS + i]!, pi);
      }
      for (let p = 0; p < P; p++) {
        const to = pi[p]!;
        g[this.prodPc[to]!] = f[this.prodPc[p]!]!;
        g[this.prodN[to]!] = f[this.prodN[p]!]!;
        g[this.prodSlot[to]!] = f[this.prodSlot[p]!]!;
        g[this.mask[to]!] = f[this.mask[p]!]!;
        g[this.prodPos[to]!] = f[this.prodPos[p]!]!;
        g[this.claimNext[to]!] = f[this.claimNext[p]!]!;
      }
      for (let c = 0; c < C; c++) {
        const to = sigma[c]!;
        g[this.consPc[to]!] = f[this.consPc[c]!]!;
        g[this.consNext[to]!] = relabel(f[this.consNext[c]!]!, pi);
        g[this.consSlot[to]!] = f[this.consSlot[c]!]!;
        g[this.consPos[to]!] = f[this.consPos[c]!]!;
        for (let p = 0; p < P; p++) {
          g[this.seen[to * P + pi[p]!]!] = f[this.seen[c * P + p]!]!;
        }
      }
      L.write(g, cand, 0);
      for (let w = 0; w < words; w++) {
        const a = cand[w]! >>> 0;
        const b = best[w]! >>> 0;
        if (a !== b) {
          if (a < b) best.set(cand);
          break;
        }
      }
    }
    for (let w = 0; w < words; w++) buf[off + w] = best[w]!;
  }

  // --- readable views -----------------------------------------------------

  item(v: number): Item | null {
    if (v === 0) return null;
    const q = ((v - 1) / this.config.items) | 0;
    return { producer: q, seq: v - 1 - q * this.config.items };
  }

  #itemId(item: Item | null, what: string): number {
    if (item === null) return 0;
    const { producers, items } = this.config;
    if (
      !Number.isInteger(item.producer) || item.producer < 0 ||
      item.producer >= producers || !Number.isInteger(item.seq) ||
      item.seq < 0 || item.seq >= items
    ) {
      throw new RangeError(
        `Cannot encode state: ${what} holds an item outside the model, received ${
          JSON.stringify(item)
        }`,
      );
    }
    return item.producer * items + item.seq + 1;
  }

  producerOp(pc: number): ProducerOp | "done" {
    return pc === this.producerProgram.length
      ? "done"
      : OP_NAMES[this.producerProgram[pc]!] as ProducerOp;
  }

  consumerOp(pc: number): ConsumerOp {
    return OP_NAMES[this.consumerProgram[pc]!] as ConsumerOp;
  }

  decode(src: Int32Array, so: number): BufferState {
    const L = this.layout;
    const { producers: P, consumers: C, items } = this.config;
    const inV = L.get(src, so, F_IN);
    const outV = L.get(src, so, F_OUT);
    const cells: (Item | null)[] = [];
    for (let i = 0; i < this.cells; i++) {
      cells.push(this.item(L.get(src, so, F_CELLS + i)));
    }
    const producers = [];
    for (let p = 0; p < P; p++) {
      const pc = this.producerOp(L.get(src, so, this.prodPc[p]!));
      const produced = L.get(src, so, this.prodN[p]!);
      producers.push({
        name: `P${p}`,
        pc,
        produced,
        nextProduced: produced < items ? { producer: p, seq: produced } : null,
        slot: this.#prodSlotLocal ? L.get(src, so, this.prodSlot[p]!) : null,
        ...(this.#sequence
          ? {
            position: this.indexValue(L.get(src, so, this.prodPos[p]!)),
            claimed: L.get(src, so, this.claimNext[p]!),
          }
          : {}),
      });
    }
    const consumers = [];
    for (let c = 0; c < C; c++) {
      const seen: number[] = [];
      for (let p = 0; p < P; p++) {
        seen.push(L.get(src, so, this.seen[c * P + p]!));
      }
      consumers.push({
        name: `C${c}`,
        pc: this.consumerOp(L.get(src, so, this.consPc[c]!)),
        nextConsumed: this.item(L.get(src, so, this.consNext[c]!)),
        slot: this.#consSlotLocal ? L.get(src, so, this.consSlot[c]!) : null,
        seen,
        ...(this.#sequence
          ? { position: this.indexValue(L.get(src, so, this.consPos[c]!)) }
          : {}),
      });
    }
    const consumed: boolean[][] = [];
    for (let p = 0; p < P; p++) {
      const bits = C === 1
        ? 2 ** L.get(src, so, this.seen[p]!) - 1
        : L.get(src, so, this.mask[p]!);
      consumed.push(
        Array.from({ length: items }, (_, s) => ((bits >>> s) & 1) === 1),
      );
    }
    const flags = L.get(src, so, F_FLAGS);
    return {
      in: this.indexValue(inV),
      out: this.indexValue(outV),
      inSlot: this.slotOf(inV),
      outSlot: this.slotOf(outV),
      cells,
      lock: L.get(src, so, F_LOCK) === 1,
      producers,
      consumers,
      consumed,
      itemsInBuffer: this.itemsInBuffer(src, so),
      flags: {
        unproduced: (flags & FLAG_UNPRODUCED) !== 0,
        fifo: (flags & FLAG_FIFO) !== 0,
        duplicate: (flags & FLAG_DUPLICATE) !== 0,
      },
      ...(this.#sequence
        ? {
          sequences: Array.from(
            this.seqField,
            (field) => this.indexValue(L.get(src, so, field)),
          ),
        }
        : {}),
    };
  }

  #index(value: number, what: string, field: number = F_IN): number {
    const { start } = this.config;
    const v = this.#sequence
      ? ((value - start) % this.limit + this.limit) % this.limit
      : this.#counter
      ? (value - start) >>> 0
      : value;
    const max = this.layout.maxes[field]!;
    if (!Number.isInteger(value) || v > max || v < 0) {
      throw new RangeError(
        `Cannot encode state: ${what} is outside the model's domain, received ${value}`,
      );
    }
    return v;
  }

  /** The inverse of {@linkcode Machine.decode}; derived fields are ignored. */
  encode(state: BufferState, dst: Int32Array, doff: number): void {
    const f = new Int32Array(this.fieldCount);
    const { producers: P, consumers: C, items } = this.config;
    if (
      state.cells.length !== this.cells || state.producers.length !== P ||
      state.consumers.length !== C || state.consumed.length !== P
    ) {
      throw new TypeError(
        "Cannot encode state: its shape does not match the model's cells and processes",
      );
    }
    f[F_IN] = this.#index(state.in, "in");
    f[F_OUT] = this.#index(state.out, "out");
    f[F_LOCK] = state.lock ? 1 : 0;
    f[F_FLAGS] = (state.flags.unproduced ? FLAG_UNPRODUCED : 0) |
      (state.flags.fifo ? FLAG_FIFO : 0) |
      (state.flags.duplicate ? FLAG_DUPLICATE : 0);
    state.cells.forEach((item, i) => {
      f[F_CELLS + i] = this.#itemId(item, `cell ${i}`);
    });
    state.producers.forEach((view, p) => {
      const pc = view.pc === "done"
        ? this.producerProgram.length
        : this.producerProgram.findIndex((op) => OP_NAMES[op] === view.pc);
      f[this.prodPc[p]!] = pc;
      f[this.prodN[p]!] = view.produced;
      f[this.prodSlot[p]!] = view.slot ?? 0;
      if (this.#sequence) {
        f[this.prodPos[p]!] = this.#index(
          view.position ?? this.config.start,
          `P${p}'s position`,
          this.prodPos[p]!,
        );
        f[this.claimNext[p]!] = view.claimed ?? 0;
      }
    });
    state.consumers.forEach((view, c) => {
      f[this.consPc[c]!] = this.consumerProgram.findIndex((op) =>
        OP_NAMES[op] === view.pc
      );
      f[this.consNext[c]!] = this.#itemId(view.nextConsumed, "next_consumed");
      f[this.consSlot[c]!] = view.slot ?? 0;
      view.seen.forEach((s, p) => {
        f[this.seen[c * P + p]!] = s;
      });
      if (this.#sequence) {
        f[this.consPos[c]!] = this.#index(
          view.position ?? this.config.start,
          `C${c}'s position`,
          this.consPos[c]!,
        );
      }
    });
    if (this.#sequence) {
      if (state.sequences?.length !== this.cells) {
        throw new TypeError(
          "Cannot encode state: sync sequence needs one sequence number per cell",
        );
      }
      state.sequences.forEach((value, i) => {
        f[this.seqField[i]!] = this.#index(
          value,
          `sequence number ${i}`,
          this.seqField[i]!,
        );
      });
    }
    if (C > 1) {
      state.consumed.forEach((row, p) => {
        let bits = 0;
        for (let s = 0; s < items; s++) if (row[s]) bits |= 1 << s;
        f[this.mask[p]!] = bits;
      });
    }
    for (let i = 0; i < f.length; i++) {
      if (f[i]! < 0 || f[i]! > this.layout.maxes[i]!) {
        throw new RangeError(
          `Cannot encode state: a field is outside the model's domain (field ${i}, received ${
            f[i]
          })`,
        );
      }
    }
    this.layout.write(f, dst, doff);
  }

  action(code: number, src: Int32Array, so: number): BufferAction {
    const P = this.config.producers;
    if (code < P) {
      const op = this.producerOp(this.layout.get(src, so, this.prodPc[code]!));
      return { process: `P${code}`, op: op as ProducerOp };
    }
    const c = code - P;
    return {
      process: `C${c}`,
      op: this.consumerOp(this.layout.get(src, so, this.consPc[c]!)),
    };
  }

  /** Every state of the bounded domain: each field over its whole range. */
  *domain(): Generator<Int32Array> {
    const maxes = this.layout.maxes;
    const f = new Int32Array(this.fieldCount);
    const words = new Int32Array(this.words);
    for (;;) {
      this.layout.write(f, words, 0);
      yield words;
      let i = 0;
      while (i < f.length && f[i] === maxes[i]) f[i++] = 0;
      if (i === f.length) return;
      f[i]!++;
    }
  }

  /** How many states {@linkcode Machine.domain} yields. */
  domainSize(): number {
    let n = 1;
    for (const max of this.layout.maxes) n *= max + 1;
    return n;
  }
}
