// Copyright 2025 the ringproof authors. MIT license.
// The parallel explorer's visited set, shared by every Worker: states in one
// growable SharedArrayBuffer (the arena), an open-addressing table of indices
// in another, and the control words of the level-synchronous search.
//
// Insertion is lock-free: a Worker reserves an index (Atomics.add), writes
// the state there, then publishes it with one compareExchange of an empty
// table slot. When the compareExchange loses to an equal state, the reserved
// index stays a hole (its parent word says HOLE) that nobody expands. The
// indices of a BFS level are therefore one contiguous range, as in the
// single-thread explorer, and the table and arena only grow between levels,
// when every Worker waits at the barrier.

/** Control words (Int32Array indices of the control buffer). */
import { hashWords } from "./visited.ts";
export const COUNT = 0; // indices reserved (states + holes)
export const HOLES = 1;
export const HEAD = 2; // next index to expand in the current level
export const LEVEL_START = 3;
export const LEVEL_END = 4;
export const LEVEL = 5;
export const ARRIVED = 6; // Workers at the barrier
export const GEN = 7; // barrier generation
export const STOP = 8; // NONE, FOUND, INCOMPLETE or FAILED
export const FINISHED = 9;
export const ACTIVE = 10; // which of the two tables is live
export const DEADLOCK = 11; // index of a deadlocked state, or -1
export const VIOLATION = 12; // index of a violating state, or -1
export const VIOLATION_MASK = 13;
export const CAPACITY = 14; // indices the arena holds now
export const FACTS = 15; // per fact: index of a witness, or -1
/** Control words for a model with `facts` facts. */
export function controlWords(facts: number): number {
  return FACTS + facts;
}

/** STOP values. */
export const NONE = 0;
export const FOUND = 1;
export const INCOMPLETE = 2;
export const FAILED = 3;

/** The parent word of a hole (a reserved index that lost its race). */
export const HOLE = -2;

const INDEX_BITS = 26;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
/** The most indices (states + holes) the table can address. */
export const MAX_INDICES: number = INDEX_MASK - 1;
const MAX_LOAD = 0.75;
const MIN_TABLE_BITS = 12;
/**
 * Indices a thread reserves at a time: one shared Atomics.add per block
 * instead of per state (the counter's cache line would bounce per state).
 */
export const BLOCK = 64;

/** The shared buffers of one parallel search, as posted to each Worker. */
export interface SharedBuffers {
  readonly control: SharedArrayBuffer;
  readonly arena: SharedArrayBuffer;
  readonly tables: readonly [SharedArrayBuffer, SharedArrayBuffer];
}

/** Allocates the buffers for `words`-word states, up to `maxIndices` indices. */
export function allocate(
  words: number,
  facts: number,
  maxIndices: number,
): SharedBuffers {
  const stride = words + 2;
  const maxTableBits = Math.max(
    MIN_TABLE_BITS,
    Math.ceil(Math.log2(maxIndices / MAX_LOAD)),
  );
  const control = new SharedArrayBuffer(controlWords(facts) * 4);
  const arena = new SharedArrayBuffer(1024 * stride * 4, {
    maxByteLength: maxIndices * stride * 4,
  });
  const table = () =>
    new SharedArrayBuffer(4 << MIN_TABLE_BITS, {
      maxByteLength: 4 * 2 ** maxTableBits,
    });
  const ctl = new Int32Array(control);
  ctl[DEADLOCK] = -1;
  ctl[VIOLATION] = -1;
  ctl[CAPACITY] = 1024;
  for (let i = 0; i < facts; i++) ctl[FACTS + i] = -1;
  return { control, arena, tables: [table(), table()] };
}

/**
 * One thread's view of the shared visited set. Arena entry `i` (stride
 * `words + 2`): the state's words, its parent index (-1 for a root, HOLE for
 * a hole), its hash. Table slot: `tag << 26 | (index + 1)`, 0 when empty.
 */
export class SharedStore {
  readonly words: number;
  readonly stride: number;
  readonly ctl: Int32Array;
  /**
   * The arena, as a fixed-length view re-made by {@linkcode refresh}:
   * length-tracking views of a growable buffer are an order of magnitude
   * slower to index in V8.
   */
  arena: Int32Array;
  readonly #buffers: SharedBuffers;
  #table: Int32Array;
  #mask = 0;
  #capacity = 0;
  /** This thread's block of reserved indices: `[#next, #limit)`. */
  #next = 0;
  #limit = 0;

  constructor(words: number, buffers: SharedBuffers) {
    this.words = words;
    this.stride = words + 2;
    this.#buffers = buffers;
    this.ctl = new Int32Array(buffers.control);
    this.arena = this.#view(buffers.arena);
    this.#table = this.#view(buffers.tables[0]);
    this.refresh();
  }

  /** Re-reads the live table and the arena's capacity (after a barrier). */
  refresh(): void {
    const table = this.#buffers.tables[Atomics.load(this.ctl, ACTIVE)]!;
    this.#table = this.#view(table);
    this.#mask = this.#table.length - 1;
    this.#capacity = Atomics.load(this.ctl, CAPACITY);
    this.arena = this.#view(this.#buffers.arena);
  }

  #view(buffer: SharedArrayBuffer): Int32Array {
    return new Int32Array(buffer, 0, buffer.byteLength / 4);
  }

  /** Distinct states stored (indices reserved minus holes). */
  get states(): number {
    return Atomics.load(this.ctl, COUNT) - Atomics.load(this.ctl, HOLES);
  }

  parent(index: number): number {
    return this.arena[index * this.stride + this.words]!;
  }

  /** Bytes of the arena and both tables, per stored state. */
  bytesPerState(): number {
    const states = this.states;
    const bytes = this.#buffers.arena.byteLength +
      this.#buffers.tables[0].byteLength + this.#buffers.tables[1].byteLength;
    return states === 0 ? 0 : bytes / states;
  }

  /**
   * Adds the state at `src[offset]` with `parent`. Returns its new index, -1
   * when an equal state is already stored, or -2 when the arena is full.
   */
  insert(src: Int32Array, offset: number, parent: number): number {
    const words = this.words;
    const stride = this.stride;
    const arena = this.arena;
    const table = this.#table;
    const mask = this.#mask;
    const hash = hashWords(src, offset, words);
    const tag = (hash >>> INDEX_BITS) << INDEX_BITS;
    let slot = hash & mask;
    let index = -1;
    for (;;) {
      // A plain load: Atomics.load is not inlined by V8 and costs ~20x. It may
      // see an old 0 (the compareExchange then tells the truth) or a
      // published entry, re-read atomically below before its key is read.
      let entry = table[slot]!;
      if (entry === 0) {
        if (index < 0) {
          index = this.#reserveIndex();
          if (index < 0) return -2;
          const at = index * stride;
          for (let i = 0; i < words; i++) arena[at + i] = src[offset + i]!;
          arena[at + words] = parent;
          arena[at + words + 1] = hash;
        }
        entry = Atomics.compareExchange(table, slot, 0, tag | (index + 1));
        if (entry === 0) return index;
      }
      if ((entry & ~INDEX_MASK) === tag) {
        // Synchronizes with the compareExchange that published the entry, so
        // the key written before it is visible.
        entry = Atomics.load(table, slot);
        const other = ((entry & INDEX_MASK) - 1) * stride;
        let same = true;
        for (let i = 0; i < words; i++) {
          if (arena[other + i] !== src[offset + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          if (index >= 0) this.#hole(index);
          return -1;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The next index of this thread's block, reserving a new block when empty. */
  #reserveIndex(): number {
    if (this.#next === this.#limit) {
      const block = Atomics.add(this.ctl, COUNT, BLOCK);
      this.#next = block;
      this.#limit = block + BLOCK;
    }
    if (this.#next >= this.#capacity) return -1;
    return this.#next++;
  }

  #hole(index: number): void {
    this.arena[index * this.stride + this.words] = HOLE;
    Atomics.add(this.ctl, HOLES, 1);
  }

  /**
   * Marks the unused rest of this thread's index block as holes; call before
   * the barrier at the end of each level, so the next level's range is exact.
   */
  release(): void {
    const end = Math.min(this.#limit, this.#capacity);
    const at = this.words;
    for (let i = this.#next; i < end; i++) {
      this.arena[i * this.stride + at] = HOLE;
    }
    // Indices past the capacity were never written; the next level skips them
    // only if they are holes too: they are counted, and never expanded
    // because a full arena ends the search.
    if (this.#limit > this.#next) {
      Atomics.add(this.ctl, HOLES, this.#limit - this.#next);
    }
    this.#next = this.#limit = 0;
  }

  /**
   * Makes room for `indices` indices in all (only while every other thread
   * waits at the barrier): grows the arena, and rebuilds the table into the
   * other buffer at twice the size or more when it would pass its load limit.
   */
  reserve(indices: number): void {
    const arena = this.#buffers.arena;
    const maxIndices = Math.floor(arena.maxByteLength / (this.stride * 4));
    const capacity = Math.min(maxIndices, indices);
    if (capacity > this.#capacity) {
      const grown = Math.min(
        maxIndices,
        Math.max(capacity, this.#capacity * 2),
      );
      arena.grow(grown * this.stride * 4);
      Atomics.store(this.ctl, CAPACITY, grown);
    }
    const slots = this.#table.length;
    if (capacity > slots * MAX_LOAD) {
      let bits = Math.log2(slots) + 1;
      while (capacity > 2 ** bits * MAX_LOAD) bits++;
      const active = Atomics.load(this.ctl, ACTIVE);
      const next = 1 - active;
      const buffer = this.#buffers.tables[next]!;
      const bytes = Math.min(buffer.maxByteLength, 4 * 2 ** bits);
      if (buffer.byteLength < bytes) buffer.grow(bytes);
      // A growable buffer never shrinks, and each table outgrows the other:
      // the new table is its buffer's whole length.
      const table = this.#view(buffer);
      table.fill(0);
      this.#rehash(this.#table, table);
      Atomics.store(this.ctl, ACTIVE, next);
    }
    this.refresh();
  }

  #rehash(from: Int32Array, to: Int32Array): void {
    const mask = to.length - 1;
    const hashAt = this.words + 1;
    for (let i = 0; i < from.length; i++) {
      const entry = from[i]!;
      if (entry === 0) continue;
      const index = (entry & INDEX_MASK) - 1;
      let slot = (this.arena[index * this.stride + hashAt]! >>> 0) & mask;
      while (to[slot] !== 0) slot = (slot + 1) & mask;
      to[slot] = entry;
    }
  }
}
