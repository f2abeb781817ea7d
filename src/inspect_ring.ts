/**
 * Reading a ring's state without attaching to it.
 *
 * @module
 */
import { type Multiplicity, readHeader, type Scheme } from "./_shm/header.ts";
import { distance, positionLimit, slotFromBase } from "./_shm/positions.ts";
import * as shm from "./_shm/layout.ts";
import type { ItemSpec } from "./item.ts";

/** What {@linkcode inspectRing} reports only for the `"sequence"` scheme. */
export interface SequenceSnapshot {
  /** Whether many producers may attach. */
  readonly producers: Multiplicity;
  /** Whether many consumers may attach. */
  readonly consumers: Multiplicity;
  /** Live producer handles. */
  readonly producerHandles: number;
  /** Live consumer handles. */
  readonly consumerHandles: number;
  /** Producers (about to be) asleep waiting for room. */
  readonly producerWaiters: number;
  /** Consumers (about to be) asleep waiting for an item. */
  readonly consumerWaiters: number;
  /** Where `in` and `out` wrap: the largest multiple of `slots` up to 2^31. */
  readonly limit: number;
  /**
   * Byte offset of the per-slot sequence numbers (one int32 per slot: the
   * position the slot expects next; bit 31 marks a given-up position).
   */
  readonly offset: number;
}

/** What {@linkcode inspectRing} reports only for the `"counter"` scheme. */
export interface CounterSnapshot {
  /**
   * The value of `in` (unsigned) at which `inSlot` last wrapped to 0: `inSlot`
   * is `(in - inBase) mod slots` (how it is reported), also for a producer
   * that died between storing the two. The producer stores its base once a
   * lap and its slot word only when it detaches (`recoverRing` re-derives
   * a dead one's from this).
   */
  readonly inBase: number;
  /** The value of `out` at which `outSlot` last wrapped to 0, likewise. */
  readonly outBase: number;
}

/** A snapshot of a ring's header, as {@linkcode inspectRing} reads it. */
export interface RingSnapshot {
  /** The textbook's `BUFFER_SIZE`. */
  readonly slots: number;
  /** The index scheme. */
  readonly scheme: Scheme;
  /** The most items the ring can hold. */
  readonly capacity: number;
  /** What one slot holds, in canonical form. */
  readonly item: ItemSpec;
  /** Bytes from one slot to the next. */
  readonly stride: number;
  /**
   * The textbook's `in`: a slot index (textbook scheme), a counter below
   * 2^30 (counter scheme) or a position (sequence scheme). The waiting and
   * close bits that share the word are left out.
   */
  readonly in: number;
  /** The textbook's `out`, like `in`. */
  readonly out: number;
  /** The physical slot `in` points at. */
  readonly inSlot: number;
  /** The physical slot `out` points at. */
  readonly outSlot: number;
  /** Items between `out` and `in`, computed without validation. */
  readonly size: number;
  /** Whether the ring was closed. */
  readonly closed: boolean;
  /** Whether a producer is attached. */
  readonly producerAttached: boolean;
  /** Whether a consumer is attached. */
  readonly consumerAttached: boolean;
  /** Whether a producer is (about to be) asleep waiting for room. */
  readonly producerWaiting: boolean;
  /** Whether a consumer is (about to be) asleep waiting for an item. */
  readonly consumerWaiting: boolean;
  /** Byte offsets of `in`, `out` and slot 0 in the buffer. */
  readonly offsets: {
    readonly in: number;
    readonly out: number;
    readonly data: number;
  };
  /** The sequence scheme's sides, handles, sleepers and sequence numbers. */
  readonly sequence?: SequenceSnapshot;
  /** The counter scheme's wrap bases of `inSlot` and `outSlot`. */
  readonly counter?: CounterSnapshot;
}

/**
 * Reads a ring's header: its configuration, `in`, `out` and flags. The
 * layout is validated, but `in` and `out` are reported as found, so a
 * corrupted ring can be examined. This is the abstraction function the
 * model-conformance checks use to compare the production ring with the
 * model.
 *
 * @param buffer The ring's SharedArrayBuffer.
 * @returns A snapshot of the header.
 * @throws {TypeError} When `buffer` is not a ring.
 * @throws {RangeError} When the ring's layout version is not supported.
 * @throws {CorruptedRingError} When the ring's configuration (not its
 * indices) is damaged.
 *
 * @example Watching `in` and `out` move
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRing, inspectRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 3 });
 * new Producer(sab).pushMany([1, 2]);
 * const snapshot = inspectRing(sab);
 * assert.equal(snapshot.in, 2);
 * assert.equal(snapshot.out, 0);
 * assert.equal(snapshot.size, 2);
 * ```
 */
export function inspectRing(buffer: SharedArrayBuffer): RingSnapshot {
  const what = "Cannot inspect ring";
  // Indices are reported as found, so a corrupted ring can be examined.
  const header = readHeader(buffer, what, { skipIndices: true });
  const { words, slots, scheme } = header;
  const load = (index: number) => Atomics.load(words, index);
  // A one-producer side waits with WAITING set in the other side's index
  // (a close sets CLOSED_MARK there); a sequence waiter count leaves out the
  // close's CLOSED_BIT.
  const waiters = (index: number) => load(index) & ~shm.CLOSED_BIT;
  const waiting = (word: number, count: number) =>
    sequence ? waiters(count) !== 0 : (load(word) & shm.WAITING) !== 0;
  const counter = scheme === "counter";
  const sequence = scheme === "sequence";
  const limit = positionLimit(slots);
  const index = (word: number) =>
    sequence ? load(word) : load(word) & shm.INDEX_MASK;
  const inValue = index(shm.W_IN);
  const outValue = index(shm.W_OUT);
  // The textbook's index is its own slot; a sequence position's, modulo; a
  // counter's, its distance from the side's wrap base (read after the
  // counter: a live side stores the slot word only when it detaches).
  const slotOf = (p: number, base: number) =>
    counter
      ? slotFromBase(p, load(base), slots, shm.COUNTER_LIMIT)
      : sequence
      ? ((p % slots) + slots) % slots
      : p;
  return {
    slots,
    scheme,
    capacity: header.capacity,
    item: header.item.spec,
    stride: header.item.stride,
    in: inValue,
    out: outValue,
    inSlot: slotOf(inValue, shm.W_IN_BASE),
    outSlot: slotOf(outValue, shm.W_OUT_BASE),
    size: sequence
      ? distance(inValue, outValue, limit)
      : counter
      ? (inValue - outValue) & shm.INDEX_MASK
      : ((inValue - outValue) % slots + slots) % slots,
    closed: load(shm.W_CLOSED) !== 0,
    producerAttached: load(shm.W_PRODUCER_ATTACHED) !== 0,
    consumerAttached: load(shm.W_CONSUMER_ATTACHED) !== 0,
    producerWaiting: waiting(shm.W_OUT, shm.W_PRODUCER_WAITERS),
    consumerWaiting: waiting(shm.W_IN, shm.W_CONSUMER_WAITERS),
    offsets: { in: shm.W_IN * 4, out: shm.W_OUT * 4, data: header.dataOffset },
    ...(counter && {
      counter: {
        inBase: load(shm.W_IN_BASE) >>> 0,
        outBase: load(shm.W_OUT_BASE) >>> 0,
      },
    }),
    ...(sequence && {
      sequence: {
        producers: header.producers,
        consumers: header.consumers,
        // A side of one handle holds its id in the word; of many, a count.
        producerHandles: header.producers === "many"
          ? load(shm.W_PRODUCER_ATTACHED)
          : Number(load(shm.W_PRODUCER_ATTACHED) !== 0),
        consumerHandles: header.consumers === "many"
          ? load(shm.W_CONSUMER_ATTACHED)
          : Number(load(shm.W_CONSUMER_ATTACHED) !== 0),
        producerWaiters: waiters(shm.W_PRODUCER_WAITERS),
        consumerWaiters: waiters(shm.W_CONSUMER_WAITERS),
        limit,
        offset: header.sequenceOffset,
      },
    }),
  };
}
