/**
 * The consumer side of an unbounded buffer.
 *
 * @module
 */
import { batchEnd, batchStart, type ConsumerEngine } from "./_engine/engine.ts";
import { SegmentConsumer } from "./_engine/segment_consumer.ts";
import { attachmentOf } from "./_shm/attachment.ts";
import type { UnboundedAttachment } from "./_shm/unbounded_attachment.ts";
import { untilClosed } from "./_wait/wait.ts";
import type { Item, SlotView } from "./item.ts";
import {
  type BatchOptions,
  NO_OPTIONS,
  type PopAsyncOptions,
  type PopOptions,
} from "./options.ts";
import type { UnboundedBuffer } from "./unbounded_create.ts";
import { UnboundedHandle } from "./unbounded_handle.ts";

/**
 * The consumer side of an unbounded buffer: the textbook's consumer loop,
 * which waits while `in == out`, reads the slot at `out` and then publishes
 * `out = out + 1`.
 *
 * When it has read the last slot of its head segment and `in` says there is
 * more, it follows the head segment's link to the next one and pushes the
 * segment it left on the free list, for the producer to reuse: memory stays
 * at about two segments while the consumer keeps up.
 *
 * At most one live UnboundedConsumer may be attached to a buffer at a time.
 *
 * @typeParam T The item type, inferred from an {@linkcode UnboundedBuffer}.
 *
 * @example Draining a closed buffer with for await
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
 *
 * const sab = createUnbounded({ segmentSlots: 2 });
 * const producer = new UnboundedProducer(sab);
 * producer.pushMany([1, 2, 3]);
 * producer.close();
 * const seen: number[] = [];
 * for await (const item of new UnboundedConsumer(sab)) seen.push(item);
 * assert.deepEqual(seen, [1, 2, 3]);
 * ```
 */
export class UnboundedConsumer<T = Item> extends UnboundedHandle {
  /** The engine of the unbounded buffer: see `_engine/engine.ts`. */
  #engine: ConsumerEngine<T>;

  /**
   * Attaches a consumer to a buffer made by {@linkcode createUnbounded}.
   *
   * @param buffer The buffer's growable SharedArrayBuffer, possibly received
   * from another Worker.
   * @throws {TypeError} When `buffer` is not an unbounded buffer.
   * @throws {RangeError} When the buffer's layout version is not supported.
   * @throws {CorruptedRingError} When the header, `in`, `out` or the chain of
   * segments is impossible.
   * @throws {AlreadyAttachedError} When another consumer is attached.
   */
  constructor(buffer: UnboundedBuffer<T> | SharedArrayBuffer) {
    super(buffer, "consumer");
    this.#engine = new SegmentConsumer(
      attachmentOf<UnboundedAttachment>(this),
    );
  }

  /**
   * Pops the oldest item if there is one, without waiting. Never throws
   * {@linkcode ClosedError}: check {@linkcode UnboundedHandle.closed} to tell
   * "empty for now" from "empty for good".
   *
   * @returns The item, or `undefined` when the buffer is empty.
   * @throws {CorruptedRingError} When `in` or a link is impossible.
   *
   * @example Popping until empty
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ item: "float64" });
   * new UnboundedProducer(sab).push(0.5);
   * const consumer = new UnboundedConsumer(sab);
   * assert.equal(consumer.tryPop(), 0.5);
   * assert.equal(consumer.tryPop(), undefined);
   * ```
   */
  tryPop(): T | undefined {
    return this.#engine.tryPop();
  }

  /**
   * Pops the oldest item, blocking the thread with `Atomics.wait` while the
   * buffer is empty.
   *
   * @param options `timeout` in milliseconds.
   * @returns The item.
   * @throws {ClosedError} When the buffer is closed and drained.
   * @throws {TimeoutError} When the buffer stays empty for `timeout`.
   *
   * @example Popping with a timeout
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, TimeoutError, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded();
   * const consumer = new UnboundedConsumer(sab);
   * new UnboundedProducer(sab).push(3);
   * assert.equal(consumer.pop({ timeout: 10 }), 3);
   * assert.throws(() => consumer.pop({ timeout: 1 }), TimeoutError);
   * ```
   */
  pop(options: PopOptions = NO_OPTIONS): T {
    return this.#engine.pop(options);
  }

  /**
   * Pops the oldest item, waiting with `Atomics.waitAsync` while the buffer
   * is empty, so the event loop stays free. Calls on one consumer complete
   * in call order, failures too: a call queued behind a waiting one looks
   * at its `timeout` and `signal` only once that one has settled. A
   * `tryPop`, `pop` or `popMany` does not queue: made while a call waits,
   * it takes the next item first.
   *
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns A promise of the item.
   * @throws {ClosedError} When the buffer is closed and drained.
   * @throws {TimeoutError} When the buffer stays empty for `timeout`.
   *
   * @example Awaiting an item
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded();
   * const consumer = new UnboundedConsumer(sab);
   * const next = consumer.popAsync({ timeout: 1000 });
   * new UnboundedProducer(sab).push(11);
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
   * buffer stays usable, but items of that batch may be lost.
   *
   * @param target Where to put the items; a typed array of the buffer's own
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
   * @throws {CorruptedRingError} When `in` or a link is impossible.
   *
   * @example Popping a batch into a typed array
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ segmentSlots: 2 });
   * new UnboundedProducer(sab).pushMany([4, 5, 6]);
   * const target = new Int32Array(5);
   * assert.equal(new UnboundedConsumer(sab).popMany(target), 3);
   * assert.deepEqual([...target], [4, 5, 6, 0, 0]);
   * ```
   *
   * @example Popping into the end of an array
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ segmentSlots: 2 });
   * new UnboundedProducer(sab).pushMany([4, 5, 6]);
   * const target = new Int32Array(5);
   * assert.equal(new UnboundedConsumer(sab).popMany(target, { start: 3 }), 2);
   * assert.deepEqual([...target], [0, 0, 0, 4, 5]);
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
   * call {@linkcode UnboundedConsumer.release}; until then its segment is
   * not recycled. Do not write through the view.
   *
   * @returns A read-only view of the oldest item, or `null` when empty.
   * @throws {CorruptedRingError} When `in` or a link is impossible.
   *
   * @example Reading a byte record in place
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ item: { bytes: 3 } });
   * new UnboundedProducer(sab).push(new Uint8Array([1, 2, 3]));
   * const consumer = new UnboundedConsumer(sab);
   * assert.deepEqual([...consumer.peek()!], [1, 2, 3]);
   * consumer.release();
   * assert.equal(consumer.peek(), null);
   * ```
   */
  peek(): SlotView<T> | null {
    return this.#engine.peek();
  }

  /**
   * Frees the slot seen through {@linkcode UnboundedConsumer.peek} by
   * publishing `out`.
   *
   * @throws {RingStateError} When no item is being peeked.
   *
   * @example Releasing a peeked item
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded();
   * new UnboundedProducer(sab).pushMany([1, 2]);
   * const consumer = new UnboundedConsumer(sab);
   * assert.equal(consumer.peek()![0], 1);
   * consumer.release();
   * assert.equal(consumer.tryPop(), 2);
   * ```
   */
  release(): void {
    this.#engine.release();
  }

  /**
   * Lets go of the buffer without closing it, so another consumer may
   * attach. Idempotent; a peeked item stays in the buffer, and a pending
   * {@linkcode UnboundedConsumer.popAsync} rejects with
   * {@linkcode RingStateError}.
   *
   * @example Handing the consumer role over
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUnbounded, UnboundedConsumer, UnboundedProducer } from "@ringproof/ring";
   *
   * const sab = createUnbounded({ segmentSlots: 2 });
   * new UnboundedProducer(sab).pushMany([1, 2, 3]);
   * const first = new UnboundedConsumer(sab);
   * assert.equal(first.tryPop(), 1);
   * first.detach();
   * assert.equal(new UnboundedConsumer(sab).tryPop(), 2);
   * ```
   */
  detach(): void {
    this.#engine.detach();
  }

  /** Detaches, for `using consumer = new UnboundedConsumer(sab)`. */
  [Symbol.dispose](): void {
    this.detach();
  }

  /**
   * Iterates the items with {@linkcode UnboundedConsumer.popAsync}, ending
   * once the buffer is closed and drained.
   *
   * @returns An async iterator of the items.
   */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilClosed(() => this.popAsync());
  }
}
