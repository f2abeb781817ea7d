/**
 * Creating an unbounded buffer in a growable SharedArrayBuffer.
 *
 * @module
 */
import {
  dataOffsetOf,
  describeValue,
  encodeDescriptor,
  parseItemSpec,
  writeDescriptor,
} from "./_shm/item_layout.ts";
import * as shm from "./_shm/unbounded_layout.ts";
import type { ItemOf, ItemSpec } from "./item.ts";

/**
 * A growable SharedArrayBuffer laid out as an unbounded buffer of items of
 * type `T`. The type parameter only helps inference for
 * {@linkcode UnboundedProducer} and {@linkcode UnboundedConsumer}; at run
 * time it is a plain SharedArrayBuffer and can be posted to Workers as one.
 */
export type UnboundedBuffer<T> = SharedArrayBuffer & {
  /** Phantom marker for the item type; never present at run time. */
  readonly "@ringproof/unbounded-item"?: T;
};

/** Options for {@linkcode createUnbounded}. */
export interface CreateUnboundedOptions<S extends ItemSpec = ItemSpec> {
  /** What one slot holds. Defaults to `"int32"`. */
  readonly item?: S;
  /**
   * Items per segment, an integer from 1 to 2^24. The buffer grows and
   * recycles memory one segment at a time. Defaults to 1024.
   */
  readonly segmentSlots?: number;
  /**
   * The most bytes the buffer may grow to, header included: the
   * SharedArrayBuffer's `maxByteLength`. Past it, pushes throw a
   * `RangeError` (and `tryPush` returns `false`). At least the header and
   * one segment, at most 2^31 - 1. Defaults to 64 MiB.
   */
  readonly maxBytes?: number;
  /**
   * Initial value of `in` and `out`, free-running unsigned 32-bit counters.
   * Defaults to 0. Useful to test the wrap-around (e.g. `2 ** 32 - 3`).
   */
  readonly start?: number;
}

/** The default segment size, in items. */
const DEFAULT_SEGMENT_SLOTS = 1024;
/** The default limit, in bytes. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function integerOption(
  name: string,
  value: unknown,
  min: number,
  max: number,
  what: string,
): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `${what}: ${name} must be an integer, received ${describeValue(value)}`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${what}: ${name} must be an integer in [${min}, ${max}], received ${value}`,
    );
  }
  return value;
}

/**
 * Creates the textbook's unbounded buffer: "no practical limit on the size of
 * the buffer. The consumer may have to wait for new items, but the producer
 * can always produce new items". It is a growable SharedArrayBuffer holding
 * a header (`in`, `out`, the configuration) and a chain of fixed-size
 * segments; it starts with one segment, grows by one whenever the producer
 * fills the last and no recycled one is free, and never past `maxBytes`.
 * Hand it to Workers with `postMessage` and attach one
 * {@linkcode UnboundedProducer} and one {@linkcode UnboundedConsumer}.
 *
 * @param options The item format, the segment size and the memory limit.
 * @returns The buffer, ready to share.
 * @throws {TypeError} When an option has the wrong type or the item spec is
 * malformed.
 * @throws {RangeError} When `segmentSlots`, `maxBytes` or `start` is out of
 * range.
 *
 * @example Pushing more items than one segment holds
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
 *
 * const sab = createUnbounded({ item: "float64", segmentSlots: 4, maxBytes: 4096 });
 * const producer = new UnboundedProducer(sab);
 * for (let i = 0; i < 10; i++) producer.push(i / 2); // never waits
 * assert.equal(producer.segments, 3);
 * const consumer = new UnboundedConsumer(sab);
 * assert.equal(consumer.tryPop(), 0);
 * assert.equal(consumer.size, 9);
 * ```
 */
export function createUnbounded<const S extends ItemSpec = "int32">(
  options: CreateUnboundedOptions<S> = {},
): UnboundedBuffer<ItemOf<S>> {
  const what = "Cannot create unbounded buffer";
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${what}: options must be an object, received ${describeValue(options)}`,
    );
  }
  // Defaults for undefined only, as in createRing: a null is refused.
  const {
    item = "int32",
    segmentSlots: givenSlots = DEFAULT_SEGMENT_SLOTS,
    start: givenStart = 0,
  } = options;
  const layout = parseItemSpec(item, what);
  const segmentSlots = integerOption(
    "segmentSlots",
    givenSlots,
    1,
    shm.MAX_SEGMENT_SLOTS,
    what,
  );
  const start = integerOption(
    "start",
    givenStart,
    0,
    2 ** 32 - 1,
    what,
  );
  const descriptor = encodeDescriptor(layout);
  const dataOffset = dataOffsetOf(descriptor.length);
  const segmentBytes = shm.segmentBytesOf(segmentSlots, layout.stride);
  const byteLength = dataOffset + segmentBytes;
  const maxBytes = integerOption(
    "maxBytes",
    options.maxBytes === undefined
      ? Math.min(Math.max(DEFAULT_MAX_BYTES, byteLength), shm.MAX_BYTES)
      : options.maxBytes,
    1,
    shm.MAX_BYTES,
    what,
  );
  if (byteLength > maxBytes) {
    throw new RangeError(
      `${what}: one segment of ${segmentSlots} slots of ${layout.stride} bytes needs ${byteLength} bytes with the header, more than maxBytes ${maxBytes}`,
    );
  }

  const buffer = new SharedArrayBuffer(byteLength, { maxByteLength: maxBytes });
  const words = new Int32Array(buffer, 0, shm.DESCRIPTOR_OFFSET / 4);
  writeDescriptor(buffer, descriptor);
  words[shm.W_SEGMENT_SLOTS] = segmentSlots;
  words[shm.W_STRIDE] = layout.stride;
  words[shm.W_DESCRIPTOR_BYTES] = descriptor.length;
  words[shm.W_DATA_OFFSET] = dataOffset;
  words[shm.W_SEGMENT_BYTES] = segmentBytes;
  words[shm.W_MAX_BYTES] = maxBytes;
  // `in == out`: empty. Head and tail are segment 0 at slot 0, which links
  // nowhere, and the free list is empty: all of that is the zeroed memory.
  words[shm.W_IN] = words[shm.W_OUT] = start | 0;
  // Segment 0 is entered at `start` (its first-count word).
  new Int32Array(buffer, dataOffset, 2)[1] = start | 0;
  words[shm.W_VERSION] = shm.UNBOUNDED_VERSION;
  // Magic last: a buffer is recognised only once it is complete.
  Atomics.store(words, shm.W_MAGIC, shm.UNBOUNDED_MAGIC | 0);
  return buffer as UnboundedBuffer<ItemOf<S>>;
}
