/**
 * The producer side of a ring.
 *
 * @module
 */
import { type Attachment, attachmentOf } from "./_shm/attachment.ts";
import {
  batchEnd,
  batchStart,
  type WaitingProducerEngine,
} from "./_engine/engine.ts";
import { SequenceProducer } from "./_engine/sequence.ts";
import { SpscProducer } from "./_engine/spsc.ts";
import type { RingBuffer } from "./create_ring.ts";
import type { Item, SlotView } from "./item.ts";
import { RingHandle } from "./ring_handle.ts";
import {
  type BatchOptions,
  NO_OPTIONS,
  type PushAsyncOptions,
  type PushOptions,
} from "./options.ts";

export type { BatchOptions, PushAsyncOptions, PushOptions };

/**
 * The producer side of a ring: the textbook's producer loop, which writes
 * `buffer[in]` and then publishes `in = (in + 1) % BUFFER_SIZE`.
 *
 * At most one live Producer may be attached to a ring at a time, unless it
 * was created with `producers: "many"` (the `"sequence"` scheme, where each
 * push claims a position with a compareExchange of `in`). The item is
 * always written **before** `in` is published, so the consumer never sees a
 * slot that is not fully written; the producer keeps a cached copy of `out`
 * and re-reads it only when the ring looks full.
 *
 * @typeParam T The item type, inferred from a {@linkcode RingBuffer}.
 *
 * @example Pushing and popping through one ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * const producer = new Producer(sab);
 * const consumer = new Consumer(sab);
 * assert.equal(producer.pushMany([1, 2, 3, 4]), 3); // capacity is BUFFER_SIZE - 1
 * assert.equal(producer.tryPush(5), false);
 * assert.equal(consumer.tryPop(), 1);
 * ```
 */
export class Producer<T = Item> extends RingHandle {
  /** The engine of the ring's scheme, chosen once: see `_engine/engine.ts`. */
  #engine: WaitingProducerEngine<T>;

  /**
   * Attaches a producer to a ring made by {@linkcode createRing}.
   *
   * @param buffer The ring's SharedArrayBuffer, possibly received from
   * another Worker.
   * @throws {TypeError} When `buffer` is not a SharedArrayBuffer holding a ring.
   * @throws {RangeError} When the ring's layout version is not supported.
   * @throws {CorruptedRingError} When the ring's header is damaged.
   * @throws {AlreadyAttachedError} When another producer is attached.
   */
  constructor(buffer: RingBuffer<T> | SharedArrayBuffer) {
    super(buffer, "producer");
    const ring = attachmentOf<Attachment>(this);
    this.#engine = ring.header.scheme === "sequence"
      ? new SequenceProducer(ring)
      : new SpscProducer(ring);
  }

  /**
   * Pushes one item if there is room, without waiting. On a one-producer
   * ring, a call that finds the ring full pauses the CPU briefly before it
   * returns `false` (1 to 8 `Atomics.pause`, each tens of nanoseconds: the
   * longer pause once the consumer has been freeing slots faster than this
   * loop looked), so a loop spinning on it takes the consumer's cache line
   * less often.
   *
   * @param item The item to push.
   * @returns `true` if pushed, `false` if the ring is full.
   * @throws {TypeError} When the item has the wrong type or shape; the ring is unchanged.
   * @throws {RangeError} When the item is out of range for its kind; the ring is unchanged.
   * @throws {ClosedError} When the ring is closed (not `false`). A push racing
   * `closeRing()` from another thread is delivered or throws this, even
   * after the item was written (it may then be popped, or not); it never
   * returns for an item nobody pops.
   *
   * @example Filling a ring
   * ```ts
   * import assert from "node:assert/strict";
   * import { createRing, Producer } from "@ringproof/ring";
   *
   * const producer = new Producer(createRing({ slots: 2 }));
   * assert.equal(producer.tryPush(7), true);
   * assert.equal(producer.tryPush(8), false); // 2 slots hold 1 item
   * ```
   */
  tryPush(item: T): boolean {
    return this.#engine.tryPush(item);
  }

  /**
   * Pushes one item, blocking the thread with `Atomics.wait` while the ring is
   * full. Use it in Workers (and on Deno's main thread); see
   * {@linkcode Producer.pushAsync} for the event loop.
   *
   * @param item The item to push.
   * @param options `timeout` in milliseconds.
   * @throws {TimeoutError} When there is still no room after `timeout`.
   * @throws {ClosedError} When the ring is closed, before or while waiting
   * (a close racing the push: see {@linkcode Producer.tryPush}).
   * @throws {TypeError} When the item has the wrong type or shape.
   * @throws {RangeError} When the item is out of range for its kind.
   *
   * @example Pushing with a timeout
   * ```ts
   * import assert from "node:assert/strict";
   * import { createRing, Producer, TimeoutError } from "@ringproof/ring";
   *
   * const producer = new Producer(createRing({ slots: 2 }));
   * producer.push(1);
   * assert.throws(() => producer.push(2, { timeout: 5 }), TimeoutError);
   * ```
   */
  push(item: T, options: PushOptions = NO_OPTIONS): void {
    this.#engine.push(item, options);
  }

  /**
   * Pushes one item, waiting with `Atomics.waitAsync` while the ring is full,
   * so the event loop stays free. Calls on one producer complete in call
   * order, failures too: a call queued behind a waiting one looks at its
   * `timeout` and `signal` only once that one has settled. A `tryPush`,
   * `push` or `pushMany` does not queue: made while a call waits, its item
   * goes first.
   *
   * @param item The item to push.
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns A promise that resolves once the item is published.
   * @throws {TimeoutError} When there is still no room after `timeout`.
   * @throws {ClosedError} When the ring is closed, before or while waiting
   * (a close racing the push: see {@linkcode Producer.tryPush}).
   *
   * @example Pushing from the event loop
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 2 });
   * const producer = new Producer(sab);
   * const consumer = new Consumer(sab);
   * await producer.pushAsync(1);
   * const second = producer.pushAsync(2); // waits: the ring is full
   * assert.equal(consumer.tryPop(), 1);
   * await second;
   * assert.equal(consumer.tryPop(), 2);
   * ```
   */
  pushAsync(item: T, options: PushAsyncOptions = NO_OPTIONS): Promise<void> {
    return this.#engine.pushAsync(item, options);
  }

  /**
   * Pushes as many of `items` as fit now, in order, without waiting, and
   * publishes them with one store of `in`. With `start` and `end`, pushes
   * from `items[start]` up to `items[end - 1]` instead, as a `subarray`
   * would, without making one: a sender walking through one large array
   * passes where it is.
   *
   * @param items The items; a typed array of the ring's own numeric kind is
   * copied in bulk.
   * @param options `start` (default 0) and `end` (default `items.length`):
   * the part of `items` to push.
   * @returns How many items were pushed (a prefix of the part).
   * @throws {TypeError} When `items` is not an array-like, `options` not an
   * object or a bound not a number, or when one of the items that would be
   * pushed is bad; nothing is pushed.
   * @throws {RangeError} When `start` is not an integer in
   * `[0, items.length]` or `end` not one in `[start, items.length]`, or when
   * one of the items that would be pushed is out of range; nothing is pushed.
   * @throws {ClosedError} When the ring is closed.
   *
   * @example Pushing a batch
   * ```ts
   * import assert from "node:assert/strict";
   * import { createRing, Producer } from "@ringproof/ring";
   *
   * const producer = new Producer(createRing({ slots: 8, scheme: "counter" }));
   * assert.equal(producer.pushMany(new Int32Array([1, 2, 3])), 3);
   * assert.equal(producer.size, 3);
   * ```
   *
   * @example Sending one large array in parts
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4, scheme: "counter" });
   * const producer = new Producer(sab);
   * const consumer = new Consumer(sab);
   * const source = Int32Array.from({ length: 10 }, (_, i) => i);
   * const sink = new Int32Array(10);
   * let sent = 0;
   * let received = 0;
   * while (received < source.length) {
   *   sent += producer.pushMany(source, { start: sent });
   *   received += consumer.popMany(sink, { start: received });
   * }
   * assert.deepEqual(sink, source);
   * ```
   */
  pushMany(items: ArrayLike<T>, options?: BatchOptions): number {
    const what = "Cannot push items";
    const start = batchStart(items, options, "items", what);
    const end = batchEnd(items, options, start, what);
    return this.#engine.pushMany(items, start, end);
  }

  /**
   * Reserves the next free slot for zero-copy writing. Fill the returned
   * view, then call {@linkcode Producer.commit} to publish it. Nothing is
   * visible to the consumer until then; a producer that dies in between
   * leaves no partial item behind. Reserving again before committing returns
   * the same slot.
   *
   * @returns A writable view of the slot, or `null` when the ring is full.
   * @throws {ClosedError} When the ring is closed.
   *
   * @example Writing a struct in place
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4, item: { struct: { id: "uint32", value: "float64" } } });
   * const producer = new Producer(sab);
   * const slot = producer.reserve();
   * assert.ok(slot !== null);
   * slot.id = 7;
   * slot.value = 2.5;
   * producer.commit();
   * assert.deepEqual(new Consumer(sab).tryPop(), { id: 7, value: 2.5 });
   * ```
   */
  reserve(): SlotView<T> | null {
    return this.#engine.reserve();
  }

  /**
   * Publishes the slot filled through {@linkcode Producer.reserve}.
   *
   * @throws {RingStateError} When no slot is reserved.
   * @throws {ClosedError} When the ring was closed meanwhile; the item is
   * dropped, not published.
   *
   * @example Committing a reserved int32
   * ```ts
   * import assert from "node:assert/strict";
   * import { Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * const producer = new Producer(sab);
   * const slot = producer.reserve()!;
   * slot[0] = 99;
   * producer.commit();
   * assert.equal(new Consumer(sab).tryPop(), 99);
   * ```
   */
  commit(): void {
    this.#engine.commit();
  }

  /**
   * Closes the ring and detaches this producer. Blocked and async waiters on
   * both sides wake; the consumer still drains every committed item. An
   * uncommitted reservation is dropped.
   *
   * @example Closing after the last item
   * ```ts
   * import assert from "node:assert/strict";
   * import { ClosedError, Consumer, createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * const producer = new Producer(sab);
   * const consumer = new Consumer(sab);
   * producer.tryPush(1);
   * producer.close();
   * assert.equal(consumer.pop(), 1); // still drained
   * assert.throws(() => consumer.pop(), ClosedError);
   * ```
   */
  close(): void {
    this.#engine.close();
  }

  /**
   * Lets go of the ring without closing it, so another producer may attach.
   * Idempotent; an uncommitted reservation is dropped, and a pending
   * {@linkcode Producer.pushAsync} rejects with {@linkcode RingStateError}.
   *
   * @example Handing the producer role over
   * ```ts
   * import { createRing, Producer } from "@ringproof/ring";
   *
   * const sab = createRing({ slots: 4 });
   * new Producer(sab).detach();
   * new Producer(sab); // the ring is free again
   * ```
   */
  detach(): void {
    this.#engine.detach();
  }

  /** Detaches, for `using producer = new Producer(sab)`. */
  [Symbol.dispose](): void {
    this.detach();
  }
}
