/**
 * The consumer side of a ring.
 *
 * @module
 */
import type { Attachment } from "./_shm/attachment.ts";
import { attachmentOf } from "./_shm/lock.ts";
import { RingHandle } from "./ring_handle.ts";
import { checkTarget, sameKind } from "./_batch.ts";
import { CallQueue } from "./_call_queue.ts";
import { type Codec, makeCodec, type NumericArray } from "./_shm/codec.ts";
import { checkCount, checkSlot } from "./_shm/header.ts";
import {
  W_CONSUMER_WAITING,
  W_IN,
  W_OUT,
  W_OUT_SLOT,
  W_PRODUCER_WAITING,
} from "./_shm/layout.ts";
import {
  deadlineOf,
  remaining,
  sleepAsync,
  SPIN_CHECKS,
  wakeIfWaiting,
} from "./_signal.ts";
import { nonePeeked, notReleased } from "./_state_errors.ts";
import { ClosedError, TimeoutError } from "./errors.ts";
import { untilClosed } from "./_until_closed.ts";
import type { RingBuffer } from "./create_ring.ts";
import type { Item, SlotView } from "./item.ts";
import { SequenceConsumer } from "./_mpmc_consumer.ts";
import type { PopAsyncOptions, PopOptions } from "./options.ts";

export type { PopAsyncOptions, PopOptions };

/**
 * Up to this many items, `popMany` copies with a loop; above, with
 * `TypedArray.set` of a view, whose making costs about as much as a loop
 * over 32 to 64 items.
 */
const COPY_LOOP_MAX = 32;

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
  #ring: Attachment;
  #codec: Codec<T>;
  #words: Int32Array;
  /** The textbook's BUFFER_SIZE. */
  #slots: number;
  #counter: boolean;
  /** The textbook's `out`: slot index, or free-running counter (counter scheme). */
  #out: number;
  /** Physical slot of `out`; the same as `out` in the textbook scheme. */
  #outSlot: number;
  /** Last `in` read from shared memory; re-read only when the ring looks empty. */
  #in: number;
  #data: NumericArray | null;
  /** The sequence scheme's calls (many consumers), or null: see `_mpmc.ts`. */
  #mpmc: SequenceConsumer<T> | null;
  #peeked = false;
  #calls = new CallQueue();

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
    this.#ring = attachmentOf<Attachment>(this);
    const { header } = this.#ring;
    this.#words = header.words;
    this.#slots = header.slots;
    this.#counter = header.scheme === "counter";
    this.#out = Atomics.load(this.#words, W_OUT);
    // The textbook scheme's `out` is its own slot; W_OUT_SLOT is unused there.
    this.#outSlot = this.#counter
      ? Atomics.load(this.#words, W_OUT_SLOT)
      : this.#out;
    this.#in = Atomics.load(this.#words, W_IN);
    this.#codec = makeCodec<T>(
      header.item,
      header.buffer,
      header.dataOffset,
      header.slots,
      "Cannot pop item",
    );
    this.#data = this.#codec.array;
    this.#mpmc = header.scheme === "sequence"
      ? new SequenceConsumer(this.#ring, this.#codec)
      : null;
  }

  /**
   * Pops the oldest item if there is one, without waiting. Never throws
   * {@linkcode ClosedError}: check {@linkcode Consumer.closed} to tell
   * "empty for now" from "empty for good".
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
    if (this.#mpmc !== null) return this.#mpmc.tryPop();
    this.#ready("Cannot pop item");
    if (this.#isEmpty()) return undefined;
    return this.#take();
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
  pop(options: PopOptions = {}): T {
    if (this.#mpmc !== null) return this.#mpmc.pop(options);
    const what = "Cannot pop item";
    this.#ready(what);
    const deadline = deadlineOf(options, what);
    // The fast path touches no flag: a store to the waiting flag, which sits
    // on the producer's line next to `in`, on every pop would cost an
    // out-of-line atomic call and a cache-line transfer per item.
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
   * Pops the oldest item, waiting with `Atomics.waitAsync` while the ring is
   * empty, so the event loop stays free. Calls on one consumer complete in
   * call order.
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
  popAsync(options: PopAsyncOptions = {}): Promise<T> {
    if (this.#mpmc !== null) return this.#mpmc.popAsync(options);
    try {
      const what = "Cannot pop item";
      this.#ready(what);
      const deadline = deadlineOf(options, what);
      options.signal?.throwIfAborted();
      if (
        this.#calls.idle && (!this.#isEmpty() || !this.#emptyAfterSpin())
      ) {
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
      signal?.throwIfAborted();
      const ms = this.#msLeft(deadline, options.timeout);
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
   * @param target Where to put the items; a typed array of the ring's own
   * numeric kind is filled in bulk.
   * @returns How many items were popped.
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
   */
  popMany(target: { [index: number]: T; readonly length: number }): number {
    const what = "Cannot pop items";
    this.#ready(what);
    checkTarget(target, what);
    if (this.#mpmc !== null) return this.#mpmc.popMany(target);
    let available = this.#available(this.#in);
    if (available < target.length) {
      this.#in = this.#loadIn();
      available = this.#available(this.#in);
    }
    const n = Math.min(target.length, available);
    if (n === 0) return 0;
    const slots = this.#slots;
    const start = this.#outSlot;
    const first = Math.min(n, slots - start);
    const data = this.#data;
    if (sameKind(data, target)) {
      const out = target as unknown as NumericArray;
      if (n <= COPY_LOOP_MAX) {
        // A few items: a loop is cheaper than making views of the slots.
        let slot = start;
        for (let i = 0; i < n; i++) {
          out[i] = data[slot] as never;
          if (++slot === slots) slot = 0;
        }
      } else {
        out.set(data.subarray(start, start + first) as never, 0);
        if (first < n) out.set(data.subarray(0, n - first) as never, first);
      }
    } else {
      let slot = start;
      for (let i = 0; i < n; i++) {
        target[i] = this.#codec.read(slot);
        if (++slot === slots) slot = 0;
      }
    }
    this.#advance(n);
    return n;
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
    if (this.#mpmc !== null) return this.#mpmc.peek();
    this.#ring.assertAttached("Cannot peek");
    if (!this.#peeked) {
      if (this.#isEmpty()) return null;
      this.#peeked = true;
    }
    return this.#codec.view(this.#outSlot, false);
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
    if (this.#mpmc !== null) return this.#mpmc.release();
    const what = "Cannot release";
    this.#ring.assertAttached(what);
    if (!this.#peeked) throw nonePeeked(what);
    this.#peeked = false;
    this.#advance(1);
  }

  /**
   * Lets go of the ring without closing it, so another consumer may attach.
   * Idempotent; a peeked item stays in the ring.
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
    this.#peeked = false;
    if (this.#ring.attached) this.#mpmc?.drop();
    this.#ring.detach();
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

  #ready(what: string): void {
    this.#ring.assertAttached(what);
    if (this.#peeked) throw notReleased(what);
  }

  /**
   * The empty ring's path to sleep: raises the waiting flag and re-checks (a
   * producer that published before seeing the flag will not wake us).
   * Returns `false` when an item came meanwhile; throws when the ring is
   * closed and drained.
   */
  #stillEmpty(what: string): boolean {
    Atomics.store(this.#words, W_CONSUMER_WAITING, 1);
    if (!this.#isEmpty()) return false;
    if (this.#ring.isClosed()) {
      // The producer publishes its last `in` before closing: look once more
      // so an item pushed just before close() is not missed.
      if (!this.#isEmpty()) return false;
      Atomics.store(this.#words, W_CONSUMER_WAITING, 0);
      throw new ClosedError(`${what}: ring is closed and drained`);
    }
    return true;
  }

  /** Milliseconds left to sleep; at none, lowers the flag and throws. */
  #msLeft(deadline: number, timeout: number | undefined): number {
    const ms = remaining(deadline);
    if (ms === 0) {
      Atomics.store(this.#words, W_CONSUMER_WAITING, 0);
      throw new TimeoutError(
        `Cannot pop item: ring stayed empty for ${timeout} ms`,
      );
    }
    return ms;
  }

  /** Reads `in` from shared memory and refuses an impossible value. */
  #loadIn(): number {
    const inValue = Atomics.load(this.#words, W_IN);
    if (this.#counter) {
      checkCount(inValue, this.#out, this.#slots, "Cannot pop item");
    } else checkSlot(inValue, this.#slots, "in", "Cannot pop item");
    return inValue;
  }

  /** Items available as seen with `in`. */
  #available(inValue: number): number {
    if (this.#counter) return (inValue - this.#out) >>> 0;
    return inValue >= this.#out
      ? inValue - this.#out
      : this.#slots - this.#out + inValue;
  }

  /**
   * Re-checks an empty ring up to SPIN_CHECKS times before a caller sleeps;
   * true when it is still empty.
   */
  #emptyAfterSpin(): boolean {
    for (let k = 0; k < SPIN_CHECKS; k++) if (!this.#isEmpty()) return false;
    return true;
  }

  /** Empty test with the cached `in`, re-reading `in` only when it looks empty. */
  #isEmpty(): boolean {
    // The textbook's empty test: in == out.
    if (this.#in !== this.#out) return false;
    this.#in = this.#loadIn();
    return this.#in === this.#out;
  }

  /** Reads `buffer[out]`, then publishes `out`. */
  #take(): T {
    const data = this.#data;
    const item = data !== null
      ? data[this.#outSlot] as T
      : this.#codec.read(this.#outSlot);
    this.#advance(1);
    return item;
  }

  /** Releases `n` read slots by advancing `out`, then wakes a sleeping producer. */
  #advance(n: number): void {
    const words = this.#words;
    let slot = this.#outSlot + n;
    if (slot >= this.#slots) slot -= this.#slots;
    this.#outSlot = slot;
    if (this.#counter) {
      this.#out = (this.#out + n) | 0;
      // A plain store: the Atomics.store of the counter just below publishes
      // it, as it publishes the slots' contents, and only an attaching handle
      // or inspectRing() reads it.
      words[W_OUT_SLOT] = slot;
    } else {
      this.#out = slot;
    }
    // The releasing store: the slot was read before it, so the producer may
    // now overwrite it.
    Atomics.store(words, W_OUT, this.#out);
    wakeIfWaiting(words, W_PRODUCER_WAITING);
  }
}
