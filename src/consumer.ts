/**
 * The consumer side of a ring.
 *
 * @module
 */
import { type Attachment, attachmentOf } from "./_shm/attachment.ts";
import { batchEnd, batchStart, type ConsumerEngine } from "./_engine/engine.ts";
import { SequenceConsumer } from "./_engine/sequence.ts";
import { SpscConsumer } from "./_engine/spsc_consumer.ts";
import { untilClosed } from "./_wait/wait.ts";
import type { RingBuffer } from "./create_ring.ts";
import type { Item, SlotView } from "./item.ts";
import { RingHandle } from "./ring_handle.ts";
import {
  type BatchOptions,
  NO_OPTIONS,
  type PopAsyncOptions,
  type PopOptions,
} from "./options.ts";

export type { BatchOptions, PopAsyncOptions, PopOptions };

/**
 * The consumer side of a ring: the textbook's consumer loop, which reads
 * `buffer[out]` and then publishes `out = (out + 1) % BUFFER_SIZE`.
 *
 * At most one live Consumer may be attached to a ring at a time, unless it
 * was created with `consumers: "many"` (the `"sequence"` scheme, where each
 * pop claims a position with a compareExchange of `out`). The item is
 * always read **before** `out` is published, so the producer never overwrites
 * a slot still being read; the consumer keeps a cached copy of `in` and
 * re-reads it only when the ring looks empty.
 *
 * @typeParam T The item type, inferred from a {@linkcode RingBuffer}.
 *
 * @example Draining a closed ring with for await
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 8 });
 * const producer = new Producer(sab);
 * producer.pushMany([1, 2, 3]);
 * producer.close();
 * const seen: number[] = [];
 * for await (const item of new Consumer(sab)) seen.push(item);
 * assert.deepEqual(seen, [1, 2, 3]);
 * ```
 */
export class Consumer<T = Item> extends RingHandle {
  /** The engine of the ring's scheme, chosen once: see `_engine/engine.ts`. */
  #engine: ConsumerEngine<T>;

  /**
   * Attaches a consumer to a ring made by {@linkcode createRing}.
   *
   * @param buffer The ring's SharedArrayBuffer, possibly received from
   * another Worker.
   * @throws {TypeError} When `buffer` is not a SharedArrayBuffer holding a ring.
   * @throws {RangeError} When the ring's layout version is not supported.
   * @throws {CorruptedRingError} When the ring's header is damaged.
   * @throws {AlreadyAttachedError} When another consumer is attached.
   */
  constructor(buffer: RingBuffer<T> | SharedArrayBuffer) {
    super(buffer, "consumer");
    const ring = attachmentOf<Attachment>(this);
    this.#engine = ring.header.scheme === "sequence"
      ? new SequenceConsumer(ring)
      : new SpscConsumer(ring);
  }

  /**
   * Pops the oldest item if there is one, without waiting. Never throws
   * {@linkcode ClosedError}: check {@linkcode Consumer.closed} to tell
   * "empty for now" from "empty for good". On a one-producer ring, a call
   * that finds the ring empty pauses the CPU briefly before it returns (1 to
   * 8 `Atomics.pause`, each tens of nanoseconds: the longer pause once the
   * producer has been running ahead of this loop), so a loop spinning on it
   * takes the producer's cache line less often and the items come in runs.
   *
   * @returns The item, or `undefined` when the ring is empty.
   * @throws {CorruptedRingError} When `in` in shared memory is impossible.
   *
   * @example Popping until empty
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4, item: "float64" });
   * new Producer(sab).tryPush(0.5);
   * const consumer = new Consumer(sab);
   * assert.equal(consumer.tryPop(), 0.5);
   * assert.equal(consumer.tryPop(), undefined);
   * ```
   */
  tryPop(): T | undefined {
    return this.#engine.tryPop();
  }

  /**
   * Pops the oldest item, blocking the thread with `Atomics.wait` while the
   * ring is empty.
   *
   * @param options `timeout` in milliseconds.
   * @returns The item.
   * @throws {ClosedError} When the ring is closed and drained.
   * @throws {TimeoutError} When the ring stays empty for `timeout`.
   *
   * @example Popping with a timeout
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer, TimeoutError } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * const consumer = new Consumer(sab);
   * new Producer(sab).push(3);
   * assert.equal(consumer.pop({ timeout: 10 }), 3);
   * assert.throws(() => consumer.pop({ timeout: 1 }), TimeoutError);
   * ```
   */
  pop(options: PopOptions = NO_OPTIONS): T {
    return this.#engine.pop(options);
  }

  /**
   * Pops the oldest item, waiting with `Atomics.waitAsync` while the ring is
   * empty, so the event loop stays free. Calls on one consumer complete in
   * call order, failures too: a call queued behind a waiting one looks at
   * its `timeout` and `signal` only once that one has settled. A `tryPop`,
   * `pop` or `popMany` does not queue: made while a call waits, it takes
   * the next item first.
   *
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns A promise of the item.
   * @throws {ClosedError} When the ring is closed and drained.
   * @throws {TimeoutError} When the ring stays empty for `timeout`.
   *
   * @example Awaiting an item
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * const consumer = new Consumer(sab);
   * const next = consumer.popAsync({ timeout: 1000 });
   * new Producer(sab).tryPush(11);
   * assert.equal(await next, 11);
   * ```
   */
  popAsync(options: PopAsyncOptions = NO_OPTIONS): Promise<T> {
    return this.#engine.popAsync(options);
  }

  /**
   * Pops up to `target.length` items into `target` (from index 0), without
   * waiting, and releases them with one store of `out`. With `start` and
   * `end`, fills `target[start]` up to at most `target[end - 1]` instead,
   * as a `subarray` would, without making one. A `target` that throws when
   * written (a setter, a read-only element) passes its error on; the
   * ring stays usable, but items of that batch may be lost.
   *
   * @param target Where to put the items; a typed array of the ring's own
   * numeric kind is filled in bulk.
   * @param options `start` (default 0) and `end` (default `target.length`):
   * the part of `target` to fill.
   * @returns How many items were popped.
   * @throws {TypeError} When `target` is not an array-like, `options` not an
   * object or a bound not a number, or when `target` cannot hold the items
   * (frozen; a typed array of numbers for bigints or of bigints for
   * numbers; any typed array for byte records and structs); nothing is
   * popped.
   * @throws {RangeError} When `start` is not an integer in
   * `[0, target.length]` or `end` not one in `[start, target.length]`;
   * nothing is popped.
   *
   * @example Popping a batch into a typed array
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 8 });
   * new Producer(sab).pushMany([4, 5, 6]);
   * const target = new Int32Array(5);
   * assert.equal(new Consumer(sab).popMany(target), 3);
   * assert.deepEqual([...target], [4, 5, 6, 0, 0]);
   * ```
   *
   * @example Popping into the middle of an array
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 8 });
   * new Producer(sab).pushMany([4, 5, 6]);
   * const target = new Int32Array(5);
   * assert.equal(new Consumer(sab).popMany(target, { start: 1, end: 3 }), 2);
   * assert.deepEqual([...target], [0, 4, 5, 0, 0]);
   * ```
   */
  popMany(
    target: { [index: number]: T; readonly length: number },
    options?: BatchOptions,
  ): number {
    const what = "Cannot pop items";
    const start = batchStart(target, options, "target", what);
    const end = batchEnd(target, options, start, what);
    return this.#engine.popMany(target, start, end);
  }

  /**
   * Looks at the oldest item in place, without copying. Read the view, then
   * call {@linkcode Consumer.release} to free the slot; until then the
   * producer cannot overwrite it. Do not write through the view (struct views
   * are frozen; typed-array views cannot be).
   *
   * @returns A read-only view of the oldest item, or `null` when empty.
   *
   * @example Reading a byte record in place
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4, item: { bytes: 3 } });
   * new Producer(sab).tryPush(new Uint8Array([1, 2, 3]));
   * const consumer = new Consumer(sab);
   * const view = consumer.peek();
   * assert.deepEqual([...view!], [1, 2, 3]);
   * consumer.release();
   * assert.equal(consumer.peek(), null);
   * ```
   */
  peek(): SlotView<T> | null {
    return this.#engine.peek();
  }

  /**
   * Frees the slot seen through {@linkcode Consumer.peek} by publishing `out`.
   *
   * @throws {RingStateError} When no item is being peeked.
   *
   * @example Releasing a peeked item
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * new Producer(sab).pushMany([1, 2]);
   * const consumer = new Consumer(sab);
   * assert.equal(consumer.peek()![0], 1);
   * consumer.release();
   * assert.equal(consumer.tryPop(), 2);
   * ```
   */
  release(): void {
    this.#engine.release();
  }

  /**
   * Lets go of the ring without closing it, so another consumer may attach.
   * Idempotent; a peeked item stays in the ring, and a pending
   * {@linkcode Consumer.popAsync} rejects with {@linkcode RingStateError}.
   *
   * @example Handing the consumer role over
   * ```ts
   * import { Consumer, createRing } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * new Consumer(sab).detach();
   * new Consumer(sab); // the ring is free again
   * ```
   */
  detach(): void {
    this.#engine.detach();
  }

  /** Detaches, for `using consumer = new Consumer(sab)`. */
  [Symbol.dispose](): void {
    this.detach();
  }

  /**
   * Iterates the items with {@linkcode Consumer.popAsync}, ending once the
   * ring is closed and drained.
   *
   * @returns An async iterator of the items.
   */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilClosed(() => this.popAsync());
  }
}
