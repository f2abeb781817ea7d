/**
 * Creating a ring in a SharedArrayBuffer.
 *
 * @module
 */
import {
  describeValue,
  encodeDescriptor,
  parseItemSpec,
  writeDescriptor,
} from "./_shm/item_layout.ts";
import {
  measure,
  type Multiplicity,
  type Scheme,
  schemeCode,
  sidesWord,
} from "./_shm/header.ts";
import { positionLimit } from "./_shm/positions.ts";
import type { ItemOf, ItemSpec } from "./item.ts";
import * as shm from "./_shm/layout.ts";

export type { Multiplicity, Scheme };

/**
 * A SharedArrayBuffer laid out as a ring of items of type `T`. The type
 * parameter only helps inference for {@linkcode Producer} and
 * {@linkcode Consumer}; at run time it is a plain SharedArrayBuffer and can be
 * posted to Workers as one.
 */
export type RingBuffer<T> = SharedArrayBuffer & {
  /** Phantom marker for the item type; never present at run time. */
  readonly "@ringproof/item"?: T;
};

/** Options for {@linkcode createRing}. */
export interface CreateRingOptions<S extends ItemSpec = ItemSpec> {
  /**
   * The textbook's `BUFFER_SIZE`: the number of slots, an integer from 2 to
   * 2^30. The `"textbook"` scheme holds at most `slots - 1` items, the
   * `"counter"` scheme all `slots`.
   */
  readonly slots: number;
  /** What one slot holds. Defaults to `"int32"`. */
  readonly item?: S;
  /**
   * The index scheme. Defaults to `"textbook"`, or `"sequence"` when a side
   * is `"many"` (which needs it).
   */
  readonly scheme?: Scheme;
  /**
   * Initial value of `in` and `out`: a slot index in `[0, slots)` for the
   * textbook scheme, a counter in `[0, 2^30)` for the counter scheme (its
   * counters wrap at 2^30), a position below the wrap (the largest multiple
   * of `slots` up to 2^31) for the sequence scheme. Defaults to 0. Useful to
   * test the wrap-around (e.g. `2 ** 30 - 3`).
   */
  readonly start?: number;
  /**
   * `"one"` (the default): at most one live {@linkcode Producer} at a time.
   * `"many"`: any number, from any Workers (sequence scheme only).
   */
  readonly producers?: Multiplicity;
  /** Like `producers`, for {@linkcode Consumer}s. */
  readonly consumers?: Multiplicity;
}

/**
 * Creates a ring: a SharedArrayBuffer holding the header (`in`, `out`, the
 * configuration) and `slots` item slots. Hand it to Workers with
 * `postMessage` and attach one {@linkcode Producer} and one
 * {@linkcode Consumer} — or, with `producers: "many"` and/or
 * `consumers: "many"`, as many as you like (the `"sequence"` scheme: a
 * lock-free queue with a sequence number per slot, see `docs/mpmc.md`).
 *
 * @param options The ring's size, item format and index scheme.
 * @returns The ring, ready to share.
 * @throws {TypeError} When an option has the wrong type or the item spec is
 * malformed.
 * @throws {RangeError} When `slots`, `start` or the total size is out of range.
 *
 * @example Creating a textbook ring of ten int32 slots
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 10 });
 * const producer = new Producer(sab);
 * const consumer = new Consumer(sab);
 * assert.equal(producer.capacity, 9); // BUFFER_SIZE - 1
 * assert.equal(producer.tryPush(42), true);
 * assert.equal(consumer.tryPop(), 42);
 * ```
 *
 * @example Creating a counter ring of structs
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({
 *   slots: 3,
 *   scheme: "counter",
 *   item: { struct: { id: "uint32", value: "float64" } },
 * });
 * const producer = new Producer(sab);
 * assert.equal(producer.capacity, 3); // all BUFFER_SIZE slots
 * producer.tryPush({ id: 1, value: 0.5 });
 * assert.deepEqual(new Consumer(sab).tryPop(), { id: 1, value: 0.5 });
 * ```
 *
 * @example Creating a ring for many producers and many consumers
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4, producers: "many", consumers: "many" });
 * new Producer(sab).tryPush(1); // attach as many as you like, from any Worker
 * new Producer(sab).tryPush(2);
 * const consumer = new Consumer(sab);
 * assert.equal(consumer.scheme, "sequence"); // per-slot sequence numbers
 * assert.equal(consumer.capacity, 4); // all BUFFER_SIZE slots
 * assert.deepEqual([consumer.tryPop(), new Consumer(sab).tryPop()], [1, 2]);
 * ```
 */
export function createRing<const S extends ItemSpec = "int32">(
  options: CreateRingOptions<S>,
): RingBuffer<ItemOf<S>> {
  const what = "Cannot create ring";
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${what}: options must be an object, received ${describeValue(options)}`,
    );
  }
  const { slots, item = "int32", start = 0 } = options;
  const producers = sideOf(options.producers, "producers");
  const consumers = sideOf(options.consumers, "consumers");
  const many = producers === "many" || consumers === "many";
  const { scheme = many ? "sequence" : "textbook" } = options;
  if (typeof slots !== "number") {
    throw new TypeError(
      `${what}: slots must be an integer >= 2, received ${
        describeValue(slots)
      }`,
    );
  }
  if (!Number.isInteger(slots) || slots < 2) {
    throw new RangeError(
      `${what}: slots must be an integer >= 2, received ${slots}`,
    );
  }
  if (slots > shm.MAX_SLOTS) {
    throw new RangeError(
      `${what}: slots must be at most ${shm.MAX_SLOTS}, received ${slots}`,
    );
  }
  if (scheme !== "textbook" && scheme !== "counter" && scheme !== "sequence") {
    throw new TypeError(
      `${what}: scheme must be "textbook", "counter" or "sequence", received ${
        describeValue(scheme)
      }`,
    );
  }
  if (many && scheme !== "sequence") {
    throw new TypeError(
      `${what}: scheme must be "sequence" when producers or consumers is "many", received ${
        describeValue(scheme)
      }`,
    );
  }
  if (typeof start !== "number") {
    throw new TypeError(
      `${what}: start must be an integer, received ${describeValue(start)}`,
    );
  }
  if (scheme === "counter" && slots > shm.MAX_COUNTER_SLOTS) {
    throw new RangeError(
      `${what}: slots must be at most ${shm.MAX_COUNTER_SLOTS} for the counter scheme, received ${slots}`,
    );
  }
  const startLimit = scheme === "textbook"
    ? slots
    : scheme === "sequence"
    ? positionLimit(slots)
    : shm.COUNTER_LIMIT;
  if (!Number.isInteger(start) || start < 0 || start >= startLimit) {
    throw new RangeError(
      `${what}: start must be an integer in [0, ${startLimit}) for the ${scheme} scheme, received ${start}`,
    );
  }
  const layout = parseItemSpec(item, what);
  const descriptor = encodeDescriptor(layout);
  const { dataOffset, sequenceOffset, byteLength } = measure(
    descriptor.length,
    slots,
    layout,
    scheme,
  );
  if (byteLength > shm.MAX_BYTES) {
    throw new RangeError(
      `${what}: ${slots} slots of ${layout.stride} bytes need ${byteLength} bytes, more than the ${shm.MAX_BYTES} a ring may use`,
    );
  }

  const buffer = new SharedArrayBuffer(byteLength);
  const words = new Int32Array(buffer, 0, shm.DESCRIPTOR_OFFSET / 4);
  writeDescriptor(buffer, descriptor);
  words[shm.W_SLOTS] = slots;
  words[shm.W_SCHEME] = schemeCode(scheme);
  words[shm.W_SIDES] = sidesWord(producers, consumers);
  words[shm.W_STRIDE] = layout.stride;
  words[shm.W_DESCRIPTOR_BYTES] = descriptor.length;
  words[shm.W_DATA_OFFSET] = dataOffset;
  words[shm.W_BYTE_LENGTH] = byteLength;
  // `in == out`: the ring starts empty. The counter scheme starts both
  // counters at `start` and both physical slots at 0.
  words[shm.W_IN] = words[shm.W_OUT] = start | 0;
  // (The textbook scheme's index is its own slot; those words stay 0.)
  words[shm.W_IN_SLOT] = words[shm.W_OUT_SLOT] = 0;
  // Counter scheme: the slots are 0 at the counters' `start`.
  words[shm.W_IN_BASE] = words[shm.W_OUT_BASE] = start | 0;
  if (scheme === "sequence") initSequences(buffer, words, sequenceOffset);
  words[shm.W_VERSION] = shm.LAYOUT_VERSION;
  // Magic last: a buffer is recognised as a ring only once it is complete.
  Atomics.store(words, shm.W_MAGIC, shm.MAGIC | 0);
  return buffer as RingBuffer<ItemOf<S>>;
}

function sideOf(value: unknown, name: string): Multiplicity {
  if (value === undefined || value === "one" || value === "many") {
    return value ?? "one";
  }
  throw new TypeError(
    `Cannot create ring: ${name} must be "one" or "many", received ${
      describeValue(value)
    }`,
  );
}

/**
 * Sequence scheme: each slot expects the first position at or after `start`
 * that maps to it; both futex words start at an odd epoch (see `_engine/sequence_steps.ts`).
 */
function initSequences(
  buffer: SharedArrayBuffer,
  words: Int32Array,
  sequenceOffset: number,
): void {
  const slots = words[shm.W_SLOTS]!;
  const start = words[shm.W_IN]!;
  const limit = positionLimit(slots);
  const seqs = new Int32Array(buffer, sequenceOffset, slots);
  for (let i = 0; i < slots; i++) {
    seqs[i] = (start + ((i - start % slots) % slots + slots) % slots) % limit;
  }
  words[shm.W_PRODUCER_WAITING] = words[shm.W_CONSUMER_WAITING] = 1;
}
