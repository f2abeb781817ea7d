/**
 * The producer side of an unbounded buffer.
 *
 * @module
 */
import { batchEnd, batchStart } from "./_engine/engine.ts";
import { SegmentProducer } from "./_engine/segment.ts";
import { attachmentOf } from "./_shm/attachment.ts";
import type { UnboundedAttachment } from "./_shm/unbounded_attachment.ts";
import type { Item, SlotView } from "./item.ts";
import type { BatchOptions } from "./options.ts";
import type { UnboundedBuffer } from "./unbounded_create.ts";
import { UnboundedHandle } from "./unbounded_handle.ts";

/**
 * The producer side of an unbounded buffer: the textbook's producer loop
 * without the wait, since "the producer can always produce new items". It
 * writes the slot at `in` and then publishes `in = in + 1` (a free-running
 * 32-bit counter).
 *
 * When the tail segment is full, the producer takes a recycled segment from
 * the free list, or grows the buffer by one; links it after the tail; and
 * only then writes and publishes `in`. A consumer that sees the new `in`
 * therefore sees the grown buffer and the link too. Past `maxBytes`, pushes
 * throw a `RangeError` (`tryPush` returns `false`) with nothing written.
 *
 * At most one live UnboundedProducer may be attached to a buffer at a time.
 *
 * @typeParam T The item type, inferred from an {@linkcode UnboundedBuffer}.
 *
 * @example Producing without waiting
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
 *
 * const sab = createUnbounded({ segmentSlots: 2, maxBytes: 1024 });
 * const producer = new UnboundedProducer(sab);
 * const consumer = new UnboundedConsumer(sab);
 * assert.equal(producer.pushMany([1, 2, 3, 4, 5]), 5); // three segments
 * assert.equal(consumer.tryPop(), 1);
 * assert.equal(producer.size, 4);
 * ```
 */
export class UnboundedProducer<T = Item> extends UnboundedHandle {
  /** The engine of the unbounded buffer: see `_engine/engine.ts`. */
  #engine: SegmentProducer<T>;

  /**
   * Attaches a producer to a buffer made by {@linkcode createUnbounded}.
   *
   * @param buffer The buffer's growable SharedArrayBuffer, possibly received
   * from another Worker.
   * @throws {TypeError} When `buffer` is not an unbounded buffer.
   * @throws {RangeError} When the buffer's layout version is not supported.
   * @throws {CorruptedRingError} When the header, the tail segment or the
   * free list is damaged.
   * @throws {AlreadyAttachedError} When another producer is attached.
   */
  constructor(buffer: UnboundedBuffer<T> | SharedArrayBuffer) {
    super(buffer, "producer");
    this.#engine = new SegmentProducer(
      attachmentOf<UnboundedAttachment>(this),
    );
  }

  /**
   * Pushes one item, growing the buffer when needed, unless that would pass
   * `maxBytes`.
   *
   * @param item The item to push.
   * @returns `true` if pushed, `false` if the buffer is at `maxBytes` (and
   * nothing was recycled meanwhile); nothing is written then.
   * @throws {TypeError} When the item has the wrong type or shape.
   * @throws {RangeError} When the item is out of range for its kind.
   * @throws {ClosedError} When the buffer is closed (not `false`). A push racing
   * `closeUnbounded()` from another thread is delivered or throws this, even
   * after the item was written (it may then be popped, or not); it never
   * returns for an item nobody pops.
   *
   * @example Pushing until the memory limit
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedProducer } from "@ringproof/ring";
   *
   * const producer = new UnboundedProducer(createUnbounded({ segmentSlots: 100, maxBytes: 2048 }));
   * let pushed = 0;
   * while (producer.tryPush(pushed)) pushed++;
   * assert.equal(pushed, 400); // the header and four segments fit in 2048 bytes
   * assert.equal(producer.segments, 4);
   * ```
   */
  tryPush(item: T): boolean {
    return this.#engine.tryPush(item);
  }

  /**
   * Pushes one item, growing the buffer when needed. Never waits.
   *
   * @param item The item to push.
   * @throws {RangeError} When the buffer would grow past `maxBytes` (nothing
   * is written; push again once the consumer has freed a segment), or when
   * the item is out of range for its kind.
   * @throws {TypeError} When the item has the wrong type or shape.
   * @throws {ClosedError} When the buffer is closed.
   *
   * @example Hitting the memory limit
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedProducer } from "@ringproof/ring";
   *
   * const producer = new UnboundedProducer(createUnbounded({ segmentSlots: 100, maxBytes: 2048 }));
   * for (let i = 0; i < 400; i++) producer.push(i);
   * assert.throws(() => producer.push(400), RangeError); // a fifth segment does not fit
   * assert.equal(producer.size, 400); // nothing lost, nothing half-written
   * ```
   */
  push(item: T): void {
    this.#engine.push(item);
  }

  /**
   * Pushes all of `items`, in order, and publishes them with one store of
   * `in`: all or nothing. With `start` and `end`, pushes from
   * `items[start]` up to `items[end - 1]` instead, as a `subarray` would,
   * without making one.
   *
   * @param items The items; a typed array of the buffer's own numeric kind
   * is copied in bulk.
   * @param options `start` (default 0) and `end` (default `items.length`):
   * the part of `items` to push.
   * @returns How many items were pushed: `end - start`.
   * @throws {TypeError} When `items` is not an array-like, `options` not an
   * object or a bound not a number, or when an item is bad; nothing is
   * pushed.
   * @throws {RangeError} When `start` is not an integer in
   * `[0, items.length]` or `end` not one in `[start, items.length]`, when an
   * item is out of range, or when the items would grow the buffer past
   * `maxBytes`; nothing is pushed.
   * @throws {ClosedError} When the buffer is closed.
   *
   * @example Pushing a batch across segments
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ segmentSlots: 4, maxBytes: 4096 });
   * assert.equal(new UnboundedProducer(sab).pushMany(new Int32Array([1, 2, 3, 4, 5, 6])), 6);
   * const target = new Int32Array(6);
   * assert.equal(new UnboundedConsumer(sab).popMany(target), 6);
   * assert.deepEqual([...target], [1, 2, 3, 4, 5, 6]);
   * ```
   *
   * @example Pushing part of an array
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ segmentSlots: 4 });
   * const producer = new UnboundedProducer(sab);
   * assert.equal(producer.pushMany([1, 2, 3, 4, 5], { start: 1, end: 4 }), 3);
   * const target = new Int32Array(3);
   * new UnboundedConsumer(sab).popMany(target);
   * assert.deepEqual([...target], [2, 3, 4]);
   * ```
   */
  pushMany(items: ArrayLike<T>, options?: BatchOptions): number {
    const what = "Cannot push items";
    const start = batchStart(items, options, "items", what);
    const end = batchEnd(items, options, start, what);
    return this.#engine.pushMany(items, start, end);
  }

  /**
   * Reserves the slot at `in` for zero-copy writing, growing the buffer when
   * needed. Fill the returned view, then call
   * {@linkcode UnboundedProducer.commit} to publish it. Reserving again
   * before committing returns the same slot.
   *
   * @returns A writable view of the slot.
   * @throws {RangeError} When the buffer would grow past `maxBytes`.
   * @throws {ClosedError} When the buffer is closed.
   *
   * @example Writing a struct in place
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ item: { struct: { id: "uint32", value: "float64" } } });
   * const producer = new UnboundedProducer(sab);
   * const slot = producer.reserve();
   * slot.id = 7;
   * slot.value = 2.5;
   * producer.commit();
   * assert.deepEqual(new UnboundedConsumer(sab).tryPop(), { id: 7, value: 2.5 });
   * ```
   */
  reserve(): SlotView<T> {
    return this.#engine.reserve();
  }

  /**
   * Publishes the slot filled through {@linkcode UnboundedProducer.reserve}.
   *
   * @throws {RingStateError} When no slot is reserved.
   * @throws {ClosedError} When the buffer was closed meanwhile; the item is
   * dropped, not published.
   *
   * @example Committing a reserved int32
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded();
   * const producer = new UnboundedProducer(sab);
   * producer.reserve()[0] = 99;
   * producer.commit();
   * assert.equal(new UnboundedConsumer(sab).tryPop(), 99);
   * ```
   */
  commit(): void {
    this.#engine.commit();
  }

  /**
   * Closes the buffer and detaches this producer. A consumer waiting for an
   * item wakes; it still drains every published item, then gets
   * {@linkcode ClosedError}. An uncommitted reservation is dropped.
   *
   * @example Closing after the last item
   * ```ts
   * import assert from "node:assert/strict";
   * import { ClosedError, createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded();
   * const producer = new UnboundedProducer(sab);
   * const consumer = new UnboundedConsumer(sab);
   * producer.push(1);
   * producer.close();
   * assert.equal(consumer.pop(), 1); // still drained
   * assert.throws(() => consumer.pop(), ClosedError);
   * ```
   */
  close(): void {
    this.#engine.close();
  }

  /**
   * Lets go of the buffer without closing it, so another producer may
   * attach. Idempotent; an uncommitted reservation is dropped (its segment
   * stays linked, and the next producer writes there).
   *
   * @example Handing the producer role over
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded();
   * const first = new UnboundedProducer(sab);
   * first.push(1);
   * first.detach();
   * const second = new UnboundedProducer(sab); // the buffer is free again
   * assert.equal(second.size, 1);
   * ```
   */
  detach(): void {
    this.#engine.detach();
  }

  /** Detaches, for `using producer = new UnboundedProducer(sab)`. */
  [Symbol.dispose](): void {
    this.detach();
  }
}
