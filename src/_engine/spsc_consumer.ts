// The one-producer ring's consumer: the textbook's consumer loop, which
// reads `buffer[out]` and then publishes `out` (see `spsc_index.ts`).
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import {
  W_CONSUMER_WAITING,
  W_IN,
  W_OUT,
  W_OUT_SLOT,
  W_PRODUCER_WAITING,
} from "../_shm/layout.ts";
import { deadlineOf, wakeIfWaiting } from "../_wait/signal.ts";
import {
  type Blocked,
  CallQueue,
  Gate,
  waitAsync,
  waitSync,
} from "../_wait/wait.ts";
import { checkTarget, nonePeeked, notReleased, sameKind } from "./checks.ts";
import type { ConsumerEngine } from "./engine.ts";
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
import type { PopAsyncOptions } from "../options.ts";

const POP = "Cannot pop item";

/**
 * Up to this many items, `popMany` copies with a loop; above, with
 * `TypedArray.set` of a view, whose making costs about as much as a loop
 * over 32 to 64 items.
 */
const COPY_LOOP_MAX = 32;

export class SpscConsumer<T> implements ConsumerEngine<T>, Blocked {
  readonly gate: Gate;
  readonly calls: CallQueue = new CallQueue();
  #ring: Attachment;
  #codec: Codec<T>;
  #data: NumericArray | null;
  #words: Int32Array;
  #ix: Indexing;
  #slots: number;
  #limit: number;
  /** The textbook's `out`. */
  #out: number;
  /** Physical slot of `out`. */
  #outSlot: number;
  /** Last `in` read from shared memory; re-read only when the ring looks empty. */
  #in: number;
  #peeked = false;

  constructor(ring: Attachment, codec: Codec<T>) {
    const words = ring.header.words;
    this.#ring = ring;
    this.#codec = codec;
    this.#data = codec.array;
    this.#words = words;
    this.gate = new Gate(words, W_CONSUMER_WAITING);
    const ix = this.#ix = indexingOf(ring.header);
    this.#slots = ix.slots;
    this.#limit = ix.limit;
    this.#out = position(Atomics.load(words, W_OUT), ix);
    this.#outSlot = ix.counter ? Atomics.load(words, W_OUT_SLOT) : this.#out;
    this.#in = position(Atomics.load(words, W_IN), ix);
  }

  tryPop(): T | undefined {
    this.ready();
    if (this.#isEmpty()) return undefined;
    return this.#take();
  }

  pop(options: PopAsyncOptions): T {
    this.ready();
    const deadline = deadlineOf(options, POP);
    // The fast path touches no flag: a store to the waiting flag, which sits
    // on the producer's line next to `in`, on every pop would cost an
    // out-of-line atomic call and a cache-line transfer per item.
    if (this.#isEmpty()) waitSync(this, deadline, options.timeout);
    return this.#take();
  }

  popAsync(options: PopAsyncOptions): Promise<T> {
    try {
      this.ready();
      const deadline = deadlineOf(options, POP);
      return waitAsync(this, deadline, options, () => this.#take());
    } catch (error) {
      // Calls complete in call order, failures too (e.g. after detach()).
      return this.calls.fail(error);
    }
  }

  popMany(target: { [index: number]: T; readonly length: number }): number {
    const what = "Cannot pop items";
    this.#check(what);
    checkTarget(target, what);
    let available = used(this.#in, this.#out, this.#limit);
    if (available < target.length) {
      this.#in = this.#loadIn();
      available = used(this.#in, this.#out, this.#limit);
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
    this.#release(n);
    return n;
  }

  peek(): SlotView<T> | null {
    this.#ring.assertAttached("Cannot peek");
    if (!this.#peeked) {
      if (this.#isEmpty()) return null;
      this.#peeked = true;
    }
    return this.#codec.view(this.#outSlot, false);
  }

  release(): void {
    const what = "Cannot release";
    this.#ring.assertAttached(what);
    if (!this.#peeked) throw nonePeeked(what);
    this.#peeked = false;
    this.#release(1);
  }

  detach(): void {
    this.#peeked = false;
    this.#ring.detach();
  }

  /** Blocked: an item now (with the cached `in`, re-read when it looks empty). */
  poll(): boolean {
    return !this.#isEmpty();
  }

  /** Blocked: an empty ring's consumer waits until closed and drained. */
  end(): boolean {
    if (!this.#ring.isClosed()) return false;
    // The producer publishes its last `in` before closing: look once more
    // so an item pushed just before close() is not missed.
    if (!this.#isEmpty()) return true;
    throw new ClosedError(`${POP}: ring is closed and drained`);
  }

  ready(): void {
    this.#check(POP);
  }

  timeout(ms: number | undefined): TimeoutError {
    return new TimeoutError(`${POP}: ring stayed empty for ${ms} ms`);
  }

  #check(what: string): void {
    this.#ring.assertAttached(what);
    if (this.#peeked) throw notReleased(what);
  }

  /** Reads `in` from shared memory and refuses an impossible value. */
  #loadIn(): number {
    const inValue = position(Atomics.load(this.#words, W_IN), this.#ix);
    checkPeer(this.#ix, inValue, this.#out, POP);
    return inValue;
  }

  /** The textbook's empty test, `in == out`, re-reading `in` only when it looks empty. */
  #isEmpty(): boolean {
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
    this.#release(1);
    return item;
  }

  /** Releases `n` read slots by advancing `out`, then wakes a sleeping producer. */
  #release(n: number): void {
    const words = this.#words;
    this.#outSlot = advance(this.#outSlot, n, this.#slots);
    this.#out = advance(this.#out, n, this.#limit);
    // A plain store: the Atomics.store of `out` just below publishes it.
    words[W_OUT_SLOT] = this.#outSlot;
    // The releasing store: the slot was read before it, so the producer may
    // now overwrite it.
    Atomics.store(words, W_OUT, this.#out);
    wakeIfWaiting(words, W_PRODUCER_WAITING);
  }
}
