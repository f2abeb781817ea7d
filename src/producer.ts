/**
 * The producer side of a ring.
 *
 * @module
 */
import type { Attachment } from "./_shm/attachment.ts";
import { attachmentOf } from "./_shm/lock.ts";
import { RingHandle } from "./ring_handle.ts";
import { checkItems, sameKind } from "./_batch.ts";
import { CallQueue } from "./_call_queue.ts";
import { type Codec, makeCodec, type NumericArray } from "./_shm/codec.ts";
import { checkCount, checkSlot } from "./_shm/header.ts";
import {
  W_CLOSED,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_SLOT,
  W_OUT,
  W_PRODUCER_WAITING,
} from "./_shm/layout.ts";
import {
  deadlineOf,
  markClosed,
  remaining,
  sleepAsync,
  SPIN_CHECKS,
  wakeIfWaiting,
} from "./_signal.ts";
import { noneReserved, notCommitted } from "./_state_errors.ts";
import { ClosedError, TimeoutError } from "./errors.ts";
import type { RingBuffer } from "./create_ring.ts";
import type { Item, SlotView } from "./item.ts";
import { SequenceProducer } from "./_mpmc_producer.ts";
import type { PushAsyncOptions, PushOptions } from "./options.ts";

export type { PushAsyncOptions, PushOptions };

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
  #ring: Attachment;
  #codec: Codec<T>;
  #words: Int32Array;
  /** The textbook's BUFFER_SIZE. */
  #slots: number;
  #counter: boolean;
  /** The textbook's `in`: slot index, or free-running counter (counter scheme). */
  #in: number;
  /** Physical slot of `in`; the same as `in` in the textbook scheme. */
  #inSlot: number;
  /** Last `out` read from shared memory; re-read only when the ring looks full. */
  #out: number;
  #data: NumericArray | null;
  /** The sequence scheme's calls (many producers), or null: see `_mpmc.ts`. */
  #mpmc: SequenceProducer<T> | null;
  #reserved = false;
  #calls = new CallQueue();

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
    this.#ring = attachmentOf<Attachment>(this);
    const { header } = this.#ring;
    this.#words = header.words;
    this.#slots = header.slots;
    this.#counter = header.scheme === "counter";
    this.#in = Atomics.load(this.#words, W_IN);
    // The textbook scheme's `in` is its own slot; W_IN_SLOT is unused there.
    this.#inSlot = this.#counter
      ? Atomics.load(this.#words, W_IN_SLOT)
      : this.#in;
    this.#out = Atomics.load(this.#words, W_OUT);
    this.#codec = makeCodec<T>(
      header.item,
      header.buffer,
      header.dataOffset,
      header.slots,
      "Cannot push item",
    );
    this.#data = this.#codec.array;
    this.#mpmc = header.scheme === "sequence"
      ? new SequenceProducer(this.#ring, this.#codec)
      : null;
  }

  /**
   * Pushes one item if there is room, without waiting.
   *
   * @param item The item to push.
   * @returns `true` if pushed, `false` if the ring is full.
   * @throws {TypeError} When the item has the wrong type or shape; the ring is unchanged.
   * @throws {RangeError} When the item is out of range for its kind; the ring is unchanged.
   * @throws {ClosedError} When the ring is closed.
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
    if (this.#mpmc !== null) return this.#mpmc.tryPush(item);
    this.#readyFast("Cannot push item");
    this.#codec.check(item, "item");
    if (this.#isFull()) return false;
    this.#write(item);
    return true;
  }

  /**
   * Pushes one item, blocking the thread with `Atomics.wait` while the ring is
   * full. Use it in Workers (and on Deno's main thread); see
   * {@linkcode Producer.pushAsync} for the event loop.
   *
   * @param item The item to push.
   * @param options `timeout` in milliseconds.
   * @throws {TimeoutError} When there is still no room after `timeout`.
   * @throws {ClosedError} When the ring is closed, before or while waiting.
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
  push(item: T, options: PushOptions = {}): void {
    if (this.#mpmc !== null) return this.#mpmc.push(item, options);
    const what = "Cannot push item";
    this.#readyFast(what);
    this.#codec.check(item, "item");
    const deadline = deadlineOf(options, what);
    // The fast path touches no flag (see Consumer.pop).
    if (this.#isFull() && this.#fullAfterSpin()) {
      while (this.#isFull() && this.#stillFull(what)) {
        const ms = this.#msLeft(deadline, options.timeout);
        Atomics.wait(this.#words, W_PRODUCER_WAITING, 1, ms);
      }
      Atomics.store(this.#words, W_PRODUCER_WAITING, 0);
    }
    this.#write(item);
  }

  /**
   * Pushes one item, waiting with `Atomics.waitAsync` while the ring is full,
   * so the event loop stays free. Calls on one producer complete in call
   * order.
   *
   * @param item The item to push.
   * @param options `timeout` in milliseconds and an abort `signal`.
   * @returns A promise that resolves once the item is published.
   * @throws {TimeoutError} When there is still no room after `timeout`.
   * @throws {ClosedError} When the ring is closed, before or while waiting.
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
  pushAsync(item: T, options: PushAsyncOptions = {}): Promise<void> {
    if (this.#mpmc !== null) return this.#mpmc.pushAsync(item, options);
    try {
      const what = "Cannot push item";
      this.#readyFast(what);
      this.#codec.check(item, "item");
      const deadline = deadlineOf(options, what);
      options.signal?.throwIfAborted();
      // Fast path: nothing queued before us and room now.
      if (
        this.#calls.idle && (!this.#isFull() || !this.#fullAfterSpin())
      ) {
        this.#write(item);
        return Promise.resolve();
      }
      return this.#calls.run(() => this.#pushWhenRoom(item, deadline, options));
    } catch (error) {
      // Calls complete in call order, failures too (e.g. after close()).
      return this.#calls.fail(error);
    }
  }

  async #pushWhenRoom(
    item: T,
    deadline: number,
    options: PushAsyncOptions,
  ): Promise<void> {
    const what = "Cannot push item";
    const { signal } = options;
    while (this.#isFull() && this.#stillFull(what)) {
      signal?.throwIfAborted();
      const ms = this.#msLeft(deadline, options.timeout);
      await sleepAsync(this.#words, W_PRODUCER_WAITING, ms, signal);
      signal?.throwIfAborted();
    }
    Atomics.store(this.#words, W_PRODUCER_WAITING, 0);
    this.#ready(what);
    this.#write(item);
  }

  /**
   * Pushes as many of `items` as fit now, in order, without waiting, and
   * publishes them with one store of `in`.
   *
   * @param items The items; a typed array of the ring's own numeric kind is
   * copied in bulk.
   * @returns How many items were pushed (a prefix of `items`).
   * @throws {TypeError} When one of the items that would be pushed is bad;
   * nothing is pushed.
   * @throws {RangeError} When one of the items that would be pushed is out of
   * range; nothing is pushed.
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
   */
  pushMany(items: ArrayLike<T>): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    checkItems(items, what);
    if (this.#mpmc !== null) return this.#mpmc.pushMany(items);
    let free = this.#free(this.#out);
    if (free < items.length) {
      this.#out = this.#loadOut();
      free = this.#free(this.#out);
    }
    const n = Math.min(items.length, free);
    if (n === 0) return 0;
    const data = this.#data;
    const bulk = sameKind(data, items);
    if (!bulk) {
      // Validate everything first: a bad item leaves the ring unchanged.
      for (let i = 0; i < n; i++) this.#codec.check(items[i], i);
    }
    const slots = this.#slots;
    const start = this.#inSlot;
    const first = Math.min(n, slots - start);
    if (bulk) {
      const source = items as unknown as NumericArray;
      if (first === source.length) {
        // The whole array, no wrap: copy without making a view.
        data.set(source as never, start);
      } else {
        data.set(source.subarray(0, first) as never, start);
        if (first < n) data.set(source.subarray(first, n) as never, 0);
      }
    } else {
      let slot = start;
      for (let i = 0; i < n; i++) {
        this.#codec.write(slot, items[i] as T);
        if (++slot === slots) slot = 0;
      }
    }
    this.#advance(n);
    return n;
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
    if (this.#mpmc !== null) return this.#mpmc.reserve();
    const what = "Cannot reserve slot";
    if (this.#ring.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#ring.assertAttached(what);
    if (!this.#reserved) {
      if (this.#isFull()) return null;
      this.#reserved = true;
    }
    return this.#codec.view(this.#inSlot, true);
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
    if (this.#mpmc !== null) return this.#mpmc.commit();
    const what = "Cannot commit";
    this.#ring.assertAttached(what);
    if (!this.#reserved) throw noneReserved(what);
    this.#reserved = false;
    if (this.#ring.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#advance(1);
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
    if (this.#ring.attached) {
      markClosed(this.#words, [W_PRODUCER_WAITING, W_CONSUMER_WAITING]);
    }
    this.detach();
  }

  /**
   * Lets go of the ring without closing it, so another producer may attach.
   * Idempotent; an uncommitted reservation is dropped.
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
    this.#reserved = false;
    if (this.#ring.attached) this.#mpmc?.drop();
    this.#ring.detach();
  }

  /** Detaches, for `using producer = new Producer(sab)`. */
  [Symbol.dispose](): void {
    this.detach();
  }

  /**
   * The entry check of the push calls: one plain read of the closed flag
   * instead of an `Atomics.load` (which V8 runs as an out-of-line builtin). A
   * monotonic flag needs no fence here: a push that races with a close could
   * miss it just as well with a fence, and whatever looks unusual goes to
   * `#ready`, which re-reads the flag atomically and throws.
   */
  #readyFast(what: string): void {
    if (this.#words[W_CLOSED] !== 0 || this.#reserved || !this.#ring.attached) {
      this.#ready(what);
    }
  }

  #ready(what: string): void {
    // Closed first: after its own close() a producer reports the ring closed.
    if (this.#ring.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#ring.assertAttached(what);
    if (this.#reserved) throw notCommitted(what);
  }

  /**
   * The full ring's path to sleep: raises the waiting flag and re-checks (a
   * consumer that released a slot before seeing the flag will not wake us).
   * Returns `false` when room came meanwhile; throws when the ring was closed.
   */
  #stillFull(what: string): boolean {
    Atomics.store(this.#words, W_PRODUCER_WAITING, 1);
    if (!this.#isFull()) return false;
    this.#ready(what);
    return true;
  }

  /** Milliseconds left to sleep; at none, lowers the flag and throws. */
  #msLeft(deadline: number, timeout: number | undefined): number {
    const ms = remaining(deadline);
    if (ms === 0) {
      Atomics.store(this.#words, W_PRODUCER_WAITING, 0);
      throw new TimeoutError(
        `Cannot push item: ring stayed full for ${timeout} ms`,
      );
    }
    return ms;
  }

  /** Reads `out` from shared memory and refuses an impossible value. */
  #loadOut(): number {
    const out = Atomics.load(this.#words, W_OUT);
    if (this.#counter) {
      checkCount(this.#in, out, this.#slots, "Cannot push item");
    } else checkSlot(out, this.#slots, "out", "Cannot push item");
    return out;
  }

  /** Free slots as seen with `out`. */
  #free(out: number): number {
    if (this.#counter) return this.#slots - ((this.#in - out) >>> 0);
    const used = this.#in >= out
      ? this.#in - out
      : this.#slots - out + this.#in;
    return this.#slots - 1 - used;
  }

  /**
   * Re-checks a full ring up to SPIN_CHECKS times before a caller sleeps;
   * true when it is still full.
   */
  #fullAfterSpin(): boolean {
    for (let k = 0; k < SPIN_CHECKS; k++) if (!this.#isFull()) return false;
    return true;
  }

  /** Full test with the cached `out`, re-reading `out` only when it looks full. */
  #isFull(): boolean {
    if (this.#counter) {
      if (((this.#in - this.#out) >>> 0) !== this.#slots) return false;
      this.#out = this.#loadOut();
      return ((this.#in - this.#out) >>> 0) === this.#slots;
    }
    // The textbook's full test: (in + 1) % BUFFER_SIZE == out, without the modulo.
    const next = this.#in + 1 === this.#slots ? 0 : this.#in + 1;
    if (next !== this.#out) return false;
    this.#out = this.#loadOut();
    return next === this.#out;
  }

  /** Writes `buffer[in]`, then publishes `in`. */
  #write(item: T): void {
    const data = this.#data;
    if (data !== null) data[this.#inSlot] = item as never;
    else this.#codec.write(this.#inSlot, item);
    this.#advance(1);
  }

  /** Publishes `n` written items by advancing `in`, then wakes a sleeping consumer. */
  #advance(n: number): void {
    const words = this.#words;
    let slot = this.#inSlot + n;
    if (slot >= this.#slots) slot -= this.#slots;
    this.#inSlot = slot;
    if (this.#counter) {
      this.#in = (this.#in + n) | 0;
      // A plain store: the Atomics.store of the counter just below publishes
      // it, as it publishes the slots' contents, and only an attaching handle
      // or inspectRing() reads it.
      words[W_IN_SLOT] = slot;
    } else {
      this.#in = slot;
    }
    // The publishing store: everything written to the slots before it is
    // visible to a consumer that loads this `in`.
    Atomics.store(words, W_IN, this.#in);
    wakeIfWaiting(words, W_CONSUMER_WAITING);
  }
}
