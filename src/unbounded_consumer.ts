/**
 * The consumer side of an unbounded buffer.
 *
 * @module
 */
import { checkTarget, sameKind } from "./_batch.ts";
import { CallQueue } from "./_call_queue.ts";
import type { Codec, NumericArray } from "./_shm/codec.ts";
import { Segments } from "./_shm/segments.ts";
import { attachmentOf } from "./_shm/lock.ts";
import type { UnboundedAttachment } from "./_shm/unbounded_attachment.ts";
import { corrupted } from "./_shm/unbounded_header.ts";
import {
  W_CONSUMER_WAITING,
  W_HEAD,
  W_IN,
  W_OUT,
  W_OUT_SLOT,
} from "./_shm/unbounded_layout.ts";
import { deadlineOf, remaining, sleepAsync, SPIN_CHECKS } from "./_signal.ts";
import type { PopAsyncOptions, PopOptions } from "./options.ts";
import { nonePeeked, notReleased } from "./_state_errors.ts";
import { ClosedError, TimeoutError } from "./errors.ts";
import type { Item, SlotView } from "./item.ts";
import { untilClosed } from "./_until_closed.ts";
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
  #buffer: UnboundedAttachment;
  #segments: Segments<T>;
  #words: Int32Array;
  #segmentSlots: number;
  /** The textbook's `out`: a free-running 32-bit count of items consumed. */
  #out: number;
  /** Last `in` read from shared memory; re-read only when the buffer looks empty. */
  #in: number;
  /** The head segment: where `out` points. */
  #head: number;
  /** The slot of `out` in the head segment; `segmentSlots` when all are read. */
  #outSlot: number;
  #codec: Codec<T>;
  #data: NumericArray | null;
  #peeked = false;
  #calls = new CallQueue();

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
    this.#buffer = attachmentOf<UnboundedAttachment>(this);
    const { header } = this.#buffer;
    this.#words = header.words;
    this.#segmentSlots = header.segmentSlots;
    this.#segments = new Segments<T>(header, "Cannot pop item");
    this.#out = Atomics.load(this.#words, W_OUT);
    this.#in = Atomics.load(this.#words, W_IN);
    this.#head = Atomics.load(this.#words, W_HEAD);
    this.#outSlot = Atomics.load(this.#words, W_OUT_SLOT);
    this.#codec = this.#segments.codec(this.#head);
    this.#data = this.#codec.array;
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
    this.#ready("Cannot pop item");
    if (this.#isEmpty()) return undefined;
    return this.#take();
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
  pop(options: PopOptions = {}): T {
    const what = "Cannot pop item";
    this.#ready(what);
    const deadline = deadlineOf(options, what);
    // The fast path touches no flag (see Consumer.pop).
    if (this.#isEmpty() && this.#emptyAfterSpin()) {
      while (this.#isEmpty() && this.#stillEmpty(what)) {
        const ms = this.#msLeft(deadline, options.timeout);
        Atomics.wait(this.#words, W_CONSUMER_WAITING, 1, ms);
      }
      Atomics.store(this.#words, W_CONSUMER_WAITING, 0);
    }
    return this.#take();
  }

  /**
   * Pops the oldest item, waiting with `Atomics.waitAsync` while the buffer
   * is empty, so the event loop stays free. Calls on one consumer complete
   * in call order.
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
  popAsync(options: PopAsyncOptions = {}): Promise<T> {
    try {
      const what = "Cannot pop item";
      this.#ready(what);
      const deadline = deadlineOf(options, what);
      options.signal?.throwIfAborted();
      if (this.#calls.idle && !this.#isEmpty()) {
        return Promise.resolve(this.#take());
      }
      return this.#calls.run(() => this.#popWhenReady(deadline, options));
    } catch (error) {
      // Calls complete in call order, failures too (e.g. after detach()).
      return this.#calls.fail(error);
    }
  }

  async #popWhenReady(deadline: number, options: PopAsyncOptions): Promise<T> {
    const what = "Cannot pop item";
    const { signal } = options;
    while (this.#isEmpty() && this.#stillEmpty(what)) {
      const ms = this.#msLeft(deadline, options.timeout);
      signal?.throwIfAborted();
      await sleepAsync(this.#words, W_CONSUMER_WAITING, ms, signal);
      signal?.throwIfAborted();
      this.#ready(what);
    }
    Atomics.store(this.#words, W_CONSUMER_WAITING, 0);
    return this.#take();
  }

  /**
   * Pops up to `target.length` items into `target` (from index 0), without
   * waiting, and releases them with one store of `out`.
   *
   * @param target Where to put the items; a typed array of the buffer's own
   * numeric kind is filled in bulk.
   * @returns How many items were popped.
   * @throws {TypeError} When `target` is not an array-like.
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
   */
  popMany(target: { [index: number]: T; readonly length: number }): number {
    const what = "Cannot pop items";
    this.#ready(what);
    checkTarget(target, what);
    let available = (this.#in - this.#out) >>> 0;
    if (available < target.length) {
      this.#in = this.#loadIn();
      available = (this.#in - this.#out) >>> 0;
    }
    const n = Math.min(target.length, available);
    const slots = this.#segmentSlots;
    const bulk = sameKind(this.#data, target);
    for (let i = 0; i < n;) {
      this.#enter(what);
      const k = Math.min(n - i, slots - this.#outSlot);
      if (bulk) {
        const from = this.#data!.subarray(this.#outSlot, this.#outSlot + k);
        (target as unknown as NumericArray).set(from as never, i);
      } else {
        for (let j = 0; j < k; j++) {
          target[i + j] = this.#codec.read(this.#outSlot + j);
        }
      }
      this.#outSlot += k;
      i += k;
    }
    if (n > 0) this.#release(n);
    return n;
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
    const what = "Cannot peek";
    this.#buffer.assertAttached(what);
    if (!this.#peeked) {
      if (this.#isEmpty()) return null;
      this.#enter(what);
      this.#peeked = true;
    }
    return this.#codec.view(this.#outSlot, false);
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
    const what = "Cannot release";
    this.#buffer.assertAttached(what);
    if (!this.#peeked) throw nonePeeked(what);
    this.#peeked = false;
    this.#outSlot++;
    this.#release(1);
  }

  /**
   * Lets go of the buffer without closing it, so another consumer may
   * attach. Idempotent; a peeked item stays in the buffer.
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
    this.#peeked = false;
    this.#buffer.detach();
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

  #ready(what: string): void {
    this.#buffer.assertAttached(what);
    if (this.#peeked) throw notReleased(what);
  }

  /**
   * The empty buffer's path to sleep: raises the waiting flag and re-checks
   * (a producer that published before seeing the flag will not wake us).
   * Returns `false` when an item came meanwhile; throws when the buffer is
   * closed and drained.
   */
  #stillEmpty(what: string): boolean {
    Atomics.store(this.#words, W_CONSUMER_WAITING, 1);
    if (!this.#isEmpty()) return false;
    if (this.#buffer.isClosed()) {
      // The producer publishes its last `in` before closing: look once more
      // so an item pushed just before close() is not missed.
      if (!this.#isEmpty()) return false;
      Atomics.store(this.#words, W_CONSUMER_WAITING, 0);
      throw new ClosedError(`${what}: buffer is closed and drained`);
    }
    return true;
  }

  /** Milliseconds left to sleep; at none, lowers the flag and throws. */
  #msLeft(deadline: number, timeout: number | undefined): number {
    const ms = remaining(deadline);
    if (ms === 0) {
      Atomics.store(this.#words, W_CONSUMER_WAITING, 0);
      throw new TimeoutError(
        `Cannot pop item: buffer stayed empty for ${timeout} ms`,
      );
    }
    return ms;
  }

  /** Re-checks an empty buffer up to SPIN_CHECKS times; true when still empty. */
  #emptyAfterSpin(): boolean {
    for (let k = 0; k < SPIN_CHECKS; k++) if (!this.#isEmpty()) return false;
    return true;
  }

  /** Reads `in` from shared memory and refuses an impossible value. */
  #loadIn(): number {
    const inValue = Atomics.load(this.#words, W_IN);
    this.#buffer.count(inValue, this.#out, "Cannot pop item");
    return inValue;
  }

  /** The textbook's empty test, `in == out`, re-reading `in` only when it looks empty. */
  #isEmpty(): boolean {
    if (this.#in !== this.#out) return false;
    this.#in = this.#loadIn();
    return this.#in === this.#out;
  }

  /**
   * Before reading the slot at `out` (with `in` past it): when the head
   * segment is used up, moves to the next and recycles the one it leaves.
   */
  #enter(what: string): void {
    if (this.#outSlot !== this.#segmentSlots) return;
    const left = this.#head;
    const next = this.#segments.next(left, what);
    if (next === -1) {
      throw corrupted(
        what,
        `in ${
          this.#in >>> 0
        } counts items past segment ${left}, which links nowhere`,
      );
    }
    this.#head = next;
    this.#outSlot = 0;
    this.#codec = this.#segments.codec(next);
    this.#data = this.#codec.array;
    Atomics.store(this.#words, W_HEAD, next);
    Atomics.store(this.#words, W_OUT_SLOT, 0);
    // Only now, with every slot of it read and the head moved on, may the
    // producer take the segment and overwrite it.
    this.#segments.free(left);
  }

  /** Reads the slot at `out`, then publishes `out`. */
  #take(): T {
    this.#enter("Cannot pop item");
    const data = this.#data;
    const item = data !== null
      ? data[this.#outSlot] as T
      : this.#codec.read(this.#outSlot);
    this.#outSlot++;
    this.#release(1);
    return item;
  }

  /** Releases `n` read slots by advancing `out`. */
  #release(n: number): void {
    Atomics.store(this.#words, W_OUT_SLOT, this.#outSlot);
    this.#out = (this.#out + n) | 0;
    // The releasing store. The producer never waits for room, so there is
    // nobody to wake.
    Atomics.store(this.#words, W_OUT, this.#out);
  }
}
