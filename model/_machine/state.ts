// Copyright 2025 the ringproof authors. MIT license.
// The bounded buffer's packed state: one configuration's fields (`in`,
// `out`, the lock, the ghost flags, the cells, each process's pc and locals)
// laid out in a few 32-bit words (see layout.ts), the programs each process
// runs, and the index arithmetic of each scheme. The steps (steps.ts,
// sequence_steps.ts), invariants (invariants.ts), reductions and codec read
// and write states through it.

import { Layout } from "./layout.ts";
import type { Mutant, Scheme, Sync } from "./types.ts";

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
export const LOCK = 0;
export const WAIT = 1;
export const WRITE = 2;
export const PUBLISH = 3;
export const UNLOCK = 4;
export const READ = 5;
export const RELEASE = 6;
// Only with sync "sequence": copy the shared position, claim it by CAS.
export const LOAD = 7;
export const CLAIM = 8;
export const OP_NAMES: readonly string[] =
  "lock wait write publish unlock read release load claim".split(" ");

// Ghost flags, set by the step that breaks the property (history variables).
export const FLAG_UNPRODUCED = 1;
export const FLAG_FIFO = 2;
export const FLAG_DUPLICATE = 4;

// Field ids of the shared variables; per-process fields follow the cells.
export const F_IN = 0;
export const F_OUT = 1;
export const F_LOCK = 2;
export const F_FLAGS = 3;
export const F_CELLS = 4;

/**
 * Where sync "sequence" positions wrap: the largest multiple of `slots` up
 * to 2^31, so `position % slots` stays the slot across the wrap (as in the
 * production ring's `"sequence"` scheme).
 */
export function positionLimit(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

/**
 * Most relabellings symmetry reduction enumerates, once per state: 8! (e.g. 5
 * producers and 5 consumers have 14,400; 6 and 6 have 518,400).
 */
const MAX_SYMMETRIES = 40_320;

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
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

/** The packed state layout and index arithmetic of one bounded-buffer configuration. */
export class MachineState {
  readonly config: Config;
  readonly layout: Layout;
  readonly words: number;
  /** Cells in the model: `slots`, or one per item for "unbounded". */
  readonly cells: number;
  readonly total: number;
  /** Most items the buffer may hold (`Infinity` for "unbounded"). */
  readonly capacity: number;
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
  readonly bounded: boolean;
  readonly textbook: boolean;
  readonly counter: boolean;
  readonly producerWaits: boolean;
  readonly moduloIndex: boolean;
  readonly prodSlotLocal: boolean;
  readonly consSlotLocal: boolean;
  readonly sequence: boolean;
  #perms: { p: number[]; c: number[] }[] | undefined;
  // Scratch buffers for canonicalize (reductions.ts).
  readonly fields: Int32Array;
  readonly permuted: Int32Array;
  readonly candidate: Int32Array;
  readonly best: Int32Array;

  constructor(config: Config) {
    this.config = config;
    const { slots, items, scheme, producers: P, consumers: C, mutant } = config;
    this.textbook = scheme === "textbook";
    this.counter = scheme === "counter";
    this.bounded = scheme !== "unbounded";
    this.moduloIndex = mutant === "modulo-index";
    this.sequence = config.sync === "sequence";
    // The sequence programs keep their position locally: no slot to remember.
    this.prodSlotLocal = mutant === "publish-before-write" && !this.sequence;
    this.consSlotLocal = mutant === "release-before-read" && !this.sequence;
    this.limit = positionLimit(slots);
    this.total = P * items;
    this.cells = this.bounded ? slots : this.total;
    this.capacity = this.textbook ? slots - 1 : this.counter ? slots : Infinity;
    this.producerWaits = this.bounded && mutant !== "no-full-check";

    const mutex = config.sync === "mutex";
    const publishFirst = mutant === "publish-before-write";
    const releaseFirst = mutant === "release-before-read";
    const produce = [
      ...(this.producerWaits ? [WAIT] : []),
      ...(publishFirst ? [PUBLISH, WRITE] : [WRITE, PUBLISH]),
    ];
    const consume = releaseFirst
      ? [WAIT, RELEASE, READ]
      : [WAIT, READ, RELEASE];
    // The sequence programs copy the position, wait on its cell's sequence
    // number, claim the position, then go on as above.
    const claimed = (program: number[]) =>
      this.sequence ? [LOAD, WAIT, CLAIM, ...program.slice(1)] : program;
    this.producerProgram = mutex
      ? [LOCK, ...produce, UNLOCK]
      : claimed(produce);
    this.consumerProgram = mutex
      ? [LOCK, ...consume, UNLOCK]
      : claimed(consume);

    const indexMax = this.textbook ? slots - 1 : this.total;
    const maxes = [indexMax, indexMax, mutex ? 1 : 0, 7];
    for (let i = 0; i < this.cells; i++) maxes.push(this.total);
    const add = (max: number) => maxes.push(max) - 1;
    this.prodPc = new Int32Array(P);
    this.prodN = new Int32Array(P);
    this.prodSlot = new Int32Array(P);
    for (let p = 0; p < P; p++) {
      this.prodPc[p] = add(this.producerProgram.length);
      this.prodN[p] = add(items);
      this.prodSlot[p] = add(this.prodSlotLocal ? this.cells - 1 : 0);
    }
    this.consPc = new Int32Array(C);
    this.consNext = new Int32Array(C);
    this.consSlot = new Int32Array(C);
    for (let c = 0; c < C; c++) {
      this.consPc[c] = add(this.consumerProgram.length - 1);
      this.consNext[c] = add(this.total);
      this.consSlot[c] = add(this.consSlotLocal ? this.cells - 1 : 0);
    }
    this.seen = new Int32Array(C * P);
    for (let i = 0; i < C * P; i++) this.seen[i] = add(items);
    this.mask = new Int32Array(P);
    for (let p = 0; p < P; p++) this.mask[p] = add(C > 1 ? 2 ** items - 1 : 0);
    // Sync "sequence" only (zero bits otherwise): sequence numbers run up to
    // the last position plus a lap; positions up to the item count.
    const seq = this.sequence;
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

    this.fields = new Int32Array(this.fieldCount);
    this.permuted = new Int32Array(this.fieldCount);
    this.candidate = new Int32Array(this.words);
    this.best = new Int32Array(this.words);
  }

  get maxSuccessors(): number {
    return this.config.producers + this.config.consumers;
  }

  get hasSymmetry(): boolean {
    return this.config.producers > 1 || this.config.consumers > 1;
  }

  /**
   * The non-identity relabellings of identical processes (symmetry), built on
   * first use: P!·C! of them (8 producers and 8 consumers: 1.6e9), so building
   * them eagerly ran out of memory; beyond MAX_SYMMETRIES symmetry reduction
   * is refused.
   */
  get perms(): { p: number[]; c: number[] }[] {
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
    if (!this.counter) return v;
    const { start, slots } = this.config;
    // Sequence positions wrap at a multiple of BUFFER_SIZE: the slot is the
    // position mod BUFFER_SIZE, across the wrap too.
    if (this.sequence) return (start % slots + v) % slots;
    return this.moduloIndex ? ((start + v) >>> 0) % slots : v % slots;
  }

  /** The shared variable's value as the program sees it (a 32-bit counter for "counter"). */
  indexValue(v: number): number {
    if (this.sequence) return (this.config.start + v) % this.limit;
    return this.counter ? (this.config.start + v) >>> 0 : v;
  }

  /** The index after `v` (wraps for "textbook"). */
  next(v: number): number {
    return this.textbook ? (v + 1) % this.config.slots : v + 1;
  }

  /** The producer's full test, as the (possibly mutated) program computes it. */
  full(src: Int32Array, so: number): boolean {
    const L = this.layout;
    const i = L.get(src, so, F_IN);
    const o = L.get(src, so, F_OUT);
    const { slots, mutant, start } = this.config;
    if (this.textbook) {
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
    if (this.sequence) {
      // Each cell expects the first position that maps to it.
      const { start, slots } = this.config;
      for (let i = 0; i < this.cells; i++) {
        const first = ((i - start % slots) % slots + slots) % slots;
        this.layout.set(state, 0, this.seqField[i]!, first);
      }
    }
    return state;
  }

  /** Copies the state at `src[so]` to `dst[doff]`. */
  copy(src: Int32Array, so: number, dst: Int32Array, doff: number): void {
    for (let w = 0; w < this.words; w++) dst[doff + w] = src[so + w]!;
  }
}
