// Copyright 2025 the ringproof authors. MIT license.
// The bounded buffer's options, state and step types, shared by the public
// bounded_buffer.ts (which re-exports them) and the machine that implements
// them (kept apart so neither imports the other).

/**
 * How `in` and `out` are kept: `"textbook"` (indices in `[0, BUFFER_SIZE)`,
 * full when `(in + 1) % BUFFER_SIZE == out`), `"counter"` (free-running
 * unsigned 32-bit counters, full when `in - out == BUFFER_SIZE`) or
 * `"unbounded"` (the producer never waits).
 */
export type Scheme = "textbook" | "counter" | "unbounded";

/**
 * `"none"`: every process runs the single-producer/single-consumer loop.
 * `"mutex"`: one spin lock around each critical section. `"sequence"`:
 * Vyukov's lock-free bounded queue, the production ring's `"sequence"`
 * scheme — each cell carries a sequence number (the position it expects
 * next), and producers (consumers) claim positions with a compareExchange of
 * `in` (`out`); needs the `"counter"` scheme (its default).
 */
export type Sync = "none" | "mutex" | "sequence";

/** A deliberate bug; see {@linkcode MUTANTS}. */
export type Mutant =
  | "publish-before-write"
  | "release-before-read"
  | "full-when-equal"
  | "no-full-check"
  | "wasted-two"
  | "modulo-index";

/** Parameters of {@linkcode boundedBuffer}. */
export interface BufferOptions {
  /** `BUFFER_SIZE`, the number of cells (ignored by `"unbounded"`). Default 4. */
  slots?: number;
  /** Items each producer produces, 1 to 31. Default 3. */
  items?: number;
  /** The index scheme. Default `"textbook"`. */
  scheme?: Scheme;
  /** Producer processes, 1 to 8. Default 1. */
  producers?: number;
  /** Consumer processes, 1 to 8. Default 1. */
  consumers?: number;
  /** The sync variant. Default `"none"`. `"sequence"` makes `"counter"` the default scheme. */
  sync?: Sync;
  /** A deliberate bug, or none. */
  mutant?: Mutant;
  /**
   * `"counter"` only: the counters' initial value, to cross the 2^32 wrap
   * (with `sync: "sequence"`: the positions' initial value, below their wrap
   * at the largest multiple of `slots` up to 2^31). Default 0.
   */
  start?: number;
}

/** An item: the `seq`-th item of producer `producer`. */
export interface Item {
  /** The producer's index. */
  producer: number;
  /** The item's position in that producer's sequence, from 0. */
  seq: number;
}

/** A producer's steps: `lock`/`unlock` only with `sync: "mutex"`, `load`/`claim` only with `sync: "sequence"`. */
export type ProducerOp =
  | "lock"
  | "wait"
  | "write"
  | "publish"
  | "unlock"
  | "load"
  | "claim";

/** A consumer's steps: `lock`/`unlock` only with `sync: "mutex"`, `load`/`claim` only with `sync: "sequence"`. */
export type ConsumerOp =
  | "lock"
  | "wait"
  | "read"
  | "release"
  | "unlock"
  | "load"
  | "claim";

/** A producer's program counter and locals. */
export interface ProducerView {
  /** `"P0"`, `"P1"`, … */
  name: string;
  /** The step it takes next, or `"done"` after its last item. */
  pc: ProducerOp | "done";
  /** Ghost: items it has written so far. */
  produced: number;
  /** The textbook's `next_produced` (derived: its `produced`-th item). */
  nextProduced: Item | null;
  /** `publish-before-write` only: the slot it published and must still write. */
  slot: number | null;
  /** `sync: "sequence"` only: its copy of `in`, the position it claims (or claimed). */
  position?: number;
  /** `sync: "sequence"` only, ghost: how many of its items consumers have claimed, in order. */
  claimed?: number;
}

/** A consumer's program counter and locals. */
export interface ConsumerView {
  /** `"C0"`, `"C1"`, … */
  name: string;
  /** The step it takes next. */
  pc: ConsumerOp;
  /** The textbook's `next_consumed`, from its read until the end of the iteration. */
  nextConsumed: Item | null;
  /** `release-before-read` only: the slot it released and must still read. */
  slot: number | null;
  /** Ghost, per producer: one more than the last sequence number it took (0: none yet). */
  seen: number[];
  /** `sync: "sequence"` only: its copy of `out`, the position it claims (or claimed). */
  position?: number;
}

/**
 * A readable state of the bounded buffer. {@linkcode boundedBuffer}'s model
 * uses it as its state type; it is also the abstraction a production ring can
 * be compared with.
 */
export interface BufferState {
  /** The shared `in`: an index in `[0, BUFFER_SIZE)`, a 32-bit counter, or an item count. */
  in: number;
  /** The shared `out`. */
  out: number;
  /** Derived: the cell `in` designates (`in` itself for `"textbook"`). */
  inSlot: number;
  /** Derived: the cell `out` designates. */
  outSlot: number;
  /** The buffer cells: the item each holds, or `null` if never written. Reads do not clear cells. */
  cells: (Item | null)[];
  /** The spin lock (`sync: "mutex"`; otherwise always `false`). */
  lock: boolean;
  /** The producers. */
  producers: ProducerView[];
  /** The consumers. */
  consumers: ConsumerView[];
  /** Ghost: `consumed[p][s]` when item `s` of producer `p` was read. */
  consumed: boolean[][];
  /** Derived ghost: items produced and not yet consumed. */
  itemsInBuffer: number;
  /** Ghost flags, set by the step that broke the property. */
  flags: {
    /** A consumer read a cell without a produced, not-yet-consumed item (`no-unproduced`). */
    unproduced: boolean;
    /** A consumer took a producer's items out of order (`fifo`). */
    fifo: boolean;
    /** A consumer took an item already consumed (`no-duplicate`). */
    duplicate: boolean;
  };
  /**
   * `sync: "sequence"` only: each cell's sequence number, the position it
   * expects next — `p` free for the producer of position `p`, `p + 1`
   * holding that producer's item, `p + BUFFER_SIZE` released for the next lap.
   */
  sequences?: number[];
}

/** A step: which process, and which of its operations. */
export interface BufferAction {
  /** `"P0"`, …, `"C0"`, … */
  process: string;
  /** The operation (the process's `pc` before the step). */
  op: ProducerOp | ConsumerOp;
}
