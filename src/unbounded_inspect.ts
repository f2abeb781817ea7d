/**
 * Reading an unbounded buffer's state without attaching to it.
 *
 * @module
 */
import { CLOSED_FLAG, FLAG_WAITING } from "./_shm/layout.ts";
import { readUnboundedHeader } from "./_shm/unbounded_header.ts";
import * as shm from "./_shm/unbounded_layout.ts";
import type { ItemSpec } from "./item.ts";

/** A snapshot of an unbounded buffer, as {@linkcode inspectUnbounded} reads it. */
export interface UnboundedSnapshot {
  /** What one slot holds, in canonical form. */
  readonly item: ItemSpec;
  /** Bytes from one slot to the next. */
  readonly stride: number;
  /** Items per segment. */
  readonly segmentSlots: number;
  /** Bytes per segment: its link word, padding, then the slots. */
  readonly segmentBytes: number;
  /** The limit the buffer may grow to. */
  readonly maxBytes: number;
  /** The buffer's length now. */
  readonly byteLength: number;
  /** Segments in the buffer now, in use or free. */
  readonly segments: number;
  /** The textbook's `in`: an unsigned 32-bit count of items published. */
  readonly in: number;
  /** The textbook's `out`: an unsigned 32-bit count of items consumed. */
  readonly out: number;
  /** The producer's segment, where `in` points. */
  readonly tail: number;
  /** The slot of `in` in the tail segment (`segmentSlots` when it is full). */
  readonly inSlot: number;
  /** The consumer's segment, where `out` points. */
  readonly head: number;
  /** The slot of `out` in the head segment (`segmentSlots` when all are read). */
  readonly outSlot: number;
  /**
   * The segments linked from the head segment, in order, head first; the
   * walk stops at a link that points nowhere, out of range, or back into
   * the walk.
   */
  readonly chain: readonly number[];
  /** The free list of recycled segments, top first, walked like `chain`. */
  readonly free: readonly number[];
  /** Items between `out` and `in`, computed without validation. */
  readonly size: number;
  /** Whether the buffer was closed. */
  readonly closed: boolean;
  /** Whether a producer is attached. */
  readonly producerAttached: boolean;
  /** Whether a consumer is attached. */
  readonly consumerAttached: boolean;
  /** Whether a consumer is (about to be) asleep waiting for an item. */
  readonly consumerWaiting: boolean;
  /**
   * Byte offsets: of `in`, `out`, the tail, head and free-list words, of
   * segment 0, and of the first slot within a segment.
   */
  readonly offsets: {
    readonly in: number;
    readonly inSlot: number;
    readonly tail: number;
    readonly out: number;
    readonly outSlot: number;
    readonly head: number;
    readonly free: number;
    readonly data: number;
    readonly slots: number;
  };
}

/**
 * Reads an unbounded buffer's header and links: its configuration, `in`,
 * `out`, the segments they point into, the chain and the free list. The
 * configuration is validated, but the indices and links are reported as
 * found, so a corrupted buffer can be examined. This is what the
 * model-conformance checks read through their abstraction function.
 *
 * @param buffer The unbounded buffer's SharedArrayBuffer.
 * @returns A snapshot.
 * @throws {TypeError} When `buffer` is not an unbounded buffer.
 * @throws {CorruptedRingError} When its header's configuration is damaged.
 *
 * @example Watching segments being recycled
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUnbounded, inspectUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
 *
 * const sab = createUnbounded({ segmentSlots: 2 });
 * const producer = new UnboundedProducer(sab);
 * const consumer = new UnboundedConsumer(sab);
 * producer.pushMany([1, 2, 3]);
 * assert.deepEqual(inspectUnbounded(sab).chain, [0, 1]);
 * assert.equal(consumer.popMany(new Int32Array(3)), 3);
 * const snapshot = inspectUnbounded(sab);
 * assert.deepEqual(snapshot.chain, [1]);
 * assert.deepEqual(snapshot.free, [0]); // segment 0, read, is free for reuse
 * assert.equal(snapshot.in, 3);
 * assert.equal(snapshot.out, 3);
 * ```
 */
export function inspectUnbounded(buffer: SharedArrayBuffer): UnboundedSnapshot {
  const header = readUnboundedHeader(buffer, "Cannot inspect unbounded buffer");
  const { words, dataOffset, segmentBytes, segmentSlots } = header;
  const byteLength = buffer.byteLength;
  const segments = Math.floor((byteLength - dataOffset) / segmentBytes);
  const all = new Int32Array(buffer, 0, byteLength / 4);
  const walk = (first: number): number[] => {
    const seen: number[] = [];
    for (let link = first; link !== shm.NO_SEGMENT;) {
      const index = link - 1;
      if (index < 0 || index >= segments || seen.includes(index)) break;
      seen.push(index);
      link = Atomics.load(all, (dataOffset + index * segmentBytes) / 4);
    }
    return seen;
  };
  const inValue = Atomics.load(words, shm.W_IN) >>> 0;
  const outValue = Atomics.load(words, shm.W_OUT) >>> 0;
  const head = Atomics.load(words, shm.W_HEAD);
  return {
    item: header.item.spec,
    stride: header.item.stride,
    segmentSlots,
    segmentBytes,
    maxBytes: header.maxBytes,
    byteLength,
    segments,
    in: inValue,
    out: outValue,
    tail: Atomics.load(words, shm.W_TAIL),
    inSlot: Atomics.load(words, shm.W_IN_SLOT),
    head,
    outSlot: Atomics.load(words, shm.W_OUT_SLOT),
    chain: walk(head + 1),
    free: walk(Atomics.load(words, shm.W_FREE)),
    size: (inValue - outValue) >>> 0,
    closed: Atomics.load(words, shm.W_CLOSED) !== 0,
    producerAttached: Atomics.load(words, shm.W_PRODUCER_ATTACHED) !== 0,
    consumerAttached: Atomics.load(words, shm.W_CONSUMER_ATTACHED) !== 0,
    // FLAG_WAITING while the consumer sleeps (a close adds CLOSED_FLAG).
    consumerWaiting:
      (Atomics.load(words, shm.W_CONSUMER_WAITING) & FLAG_WAITING) !== 0 &&
      (Atomics.load(words, shm.W_CONSUMER_WAITING) & CLOSED_FLAG) === 0,
    offsets: {
      in: shm.W_IN * 4,
      inSlot: shm.W_IN_SLOT * 4,
      tail: shm.W_TAIL * 4,
      out: shm.W_OUT * 4,
      outSlot: shm.W_OUT_SLOT * 4,
      head: shm.W_HEAD * 4,
      free: shm.W_FREE * 4,
      data: dataOffset,
      slots: shm.SEGMENT_HEADER,
    },
  };
}
