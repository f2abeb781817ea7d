// The one-producer ring's producer: the textbook's producer loop, which
// writes `buffer[in]` and then publishes `in` (see `spsc_index.ts` for the
// textbook and counter schemes as one indexing).
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import {
  W_CLOSED,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_SLOT,
  W_OUT,
  W_PRODUCER_WAITING,
} from "../_shm/layout.ts";
import { deadlineOf, markClosed, wakeIfWaiting } from "../_wait/signal.ts";
import {
  type Blocked,
  CallQueue,
  Gate,
  waitAsync,
  waitSync,
} from "../_wait/wait.ts";
import { checkItems, noneReserved, notCommitted, sameKind } from "./checks.ts";
import type { WaitingProducerEngine } from "./engine.ts";
import {
  advance,
  checkPeer,
  type Indexing,
  indexingOf,
  position,
  used,
} from "./spsc_index.ts";
import { ClosedError, TimeoutError } from "../errors.ts";
import type { SlotView } from "../item.ts";
import type { PushAsyncOptions } from "../options.ts";

const PUSH = "Cannot push item";

export class SpscProducer<T> implements WaitingProducerEngine<T>, Blocked {
  readonly gate: Gate;
  readonly calls: CallQueue = new CallQueue();
  #ring: Attachment;
  #codec: Codec<T>;
  #data: NumericArray | null;
  #words: Int32Array;
  #ix: Indexing;
  #slots: number;
  #limit: number;
  #capacity: number;
  /** The textbook's `in`. */
  #in: number;
  /** Physical slot of `in`. */
  #inSlot: number;
  /** Last `out` read from shared memory; re-read only when the ring looks full. */
  #out: number;
  #reserved = false;

  constructor(ring: Attachment, codec: Codec<T>) {
    const words = ring.header.words;
    this.#ring = ring;
    this.#codec = codec;
    this.#data = codec.array;
    this.#words = words;
    this.gate = new Gate(words, W_PRODUCER_WAITING);
    const ix = this.#ix = indexingOf(ring.header);
    this.#slots = ix.slots;
    this.#limit = ix.limit;
    this.#capacity = ix.capacity;
    this.#in = position(Atomics.load(words, W_IN), ix);
    this.#inSlot = ix.counter ? Atomics.load(words, W_IN_SLOT) : this.#in;
    this.#out = position(Atomics.load(words, W_OUT), ix);
  }

  tryPush(item: T): boolean {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    if (this.#isFull()) return false;
    this.#write(item);
    return true;
  }

  push(item: T, options: PushAsyncOptions): void {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    const deadline = deadlineOf(options, PUSH);
    // The fast path touches no flag (see SpscConsumer.pop).
    if (this.#isFull()) waitSync(this, deadline, options.timeout);
    this.#write(item);
  }

  pushAsync(item: T, options: PushAsyncOptions): Promise<void> {
    try {
      this.#readyFast(PUSH);
      this.#codec.check(item, "item");
      const deadline = deadlineOf(options, PUSH);
      return waitAsync(this, deadline, options, () => this.#write(item));
    } catch (error) {
      // Calls complete in call order, failures too (e.g. after close()).
      return this.calls.fail(error);
    }
  }

  pushMany(items: ArrayLike<T>): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    checkItems(items, what);
    let free = this.#capacity - used(this.#in, this.#out, this.#limit);
    if (free < items.length) {
      this.#out = this.#loadOut();
      free = this.#capacity - used(this.#in, this.#out, this.#limit);
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
    this.#publish(n);
    return n;
  }

  reserve(): SlotView<T> | null {
    const what = "Cannot reserve slot";
    if (this.#ring.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#ring.assertAttached(what);
    if (!this.#reserved) {
      if (this.#isFull()) return null;
      this.#reserved = true;
    }
    return this.#codec.view(this.#inSlot, true);
  }

  commit(): void {
    const what = "Cannot commit";
    this.#ring.assertAttached(what);
    if (!this.#reserved) throw noneReserved(what);
    this.#reserved = false;
    if (this.#ring.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#publish(1);
  }

  close(): void {
    if (this.#ring.attached) {
      markClosed(this.#words, [W_PRODUCER_WAITING, W_CONSUMER_WAITING]);
    }
    this.detach();
  }

  detach(): void {
    this.#reserved = false;
    this.#ring.detach();
  }

  /** Blocked: room now (with the cached `out`, re-read when it looks full). */
  poll(): boolean {
    return !this.#isFull();
  }

  /** Blocked: a full ring's producer waits until closed or detached. */
  end(): boolean {
    this.ready();
    return false;
  }

  ready(): void {
    this.#check(PUSH);
  }

  timeout(ms: number | undefined): TimeoutError {
    return new TimeoutError(`${PUSH}: ring stayed full for ${ms} ms`);
  }

  /**
   * The entry check of the push calls: one plain read of the closed flag
   * instead of an `Atomics.load` (which V8 runs as an out-of-line builtin). A
   * monotonic flag needs no fence here: a push that races with a close could
   * miss it just as well with a fence, and whatever looks unusual goes to
   * `ready`, which re-reads the flag atomically and throws.
   */
  #readyFast(what: string): void {
    if (this.#words[W_CLOSED] !== 0 || this.#reserved || !this.#ring.attached) {
      this.#check(what);
    }
  }

  #check(what: string): void {
    // Closed first: after its own close() a producer reports the ring closed.
    if (this.#ring.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#ring.assertAttached(what);
    if (this.#reserved) throw notCommitted(what);
  }

  /** Reads `out` from shared memory and refuses an impossible value. */
  #loadOut(): number {
    const out = position(Atomics.load(this.#words, W_OUT), this.#ix);
    checkPeer(this.#ix, this.#in, out, PUSH);
    return out;
  }

  /** Full test with the cached `out`, re-reading `out` only when it looks full. */
  #isFull(): boolean {
    if (used(this.#in, this.#out, this.#limit) !== this.#capacity) return false;
    this.#out = this.#loadOut();
    return used(this.#in, this.#out, this.#limit) === this.#capacity;
  }

  /** Writes `buffer[in]`, then publishes `in`. */
  #write(item: T): void {
    const data = this.#data;
    if (data !== null) data[this.#inSlot] = item as never;
    else this.#codec.write(this.#inSlot, item);
    this.#publish(1);
  }

  /** Publishes `n` written items by advancing `in`, then wakes a sleeping consumer. */
  #publish(n: number): void {
    const words = this.#words;
    this.#inSlot = advance(this.#inSlot, n, this.#slots);
    this.#in = advance(this.#in, n, this.#limit);
    // A plain store: the Atomics.store of `in` just below publishes it, as it
    // publishes the slots' contents (the textbook scheme's is `in` itself).
    words[W_IN_SLOT] = this.#inSlot;
    // The publishing store: everything written to the slots before it is
    // visible to a consumer that loads this `in`.
    Atomics.store(words, W_IN, this.#in);
    wakeIfWaiting(words, W_CONSUMER_WAITING);
  }
}
