// The one-producer ring's consumer side (the producer side and the
// protocol's description are in `spsc.ts`): the textbook's consumer loop,
// read `buffer[out]`, then publish `out`, with a cached copy of `in`
// re-read only when the ring looks empty.
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { checkTarget, copyOut, type Span } from "../_shm/batch_copy.ts";
import {
  INDEX_MASK,
  W_IN,
  W_OUT,
  W_OUT_BASE,
  W_OUT_SLOT,
  WAITING,
} from "../_shm/layout.ts";
import { deadlineOf, INDEX_BITS, MissPace, wakeFrom } from "../_wait/signal.ts";
import { Waiter } from "../_wait/wait.ts";
import type { SlotView } from "../item.ts";
import type { PopAsyncOptions } from "../options.ts";
import { type ConsumerEngine, stateError } from "./engine.ts";
import {
  advance,
  checkPeer,
  type Indexing,
  indexingOf,
  retreat,
  used,
} from "../_shm/positions.ts";
import { peerGate } from "./spsc.ts";

const POP = "Cannot pop item";

export class SpscConsumer<T> extends Waiter implements ConsumerEngine<T> {
  #ring: Attachment;
  #codec: Codec<T>;
  #data: NumericArray | null;
  #words: Int32Array;
  #ix: Indexing;
  #slots: number;
  #limit: number;
  /** Counter scheme: the wrap base and the slot word are kept (see SpscProducer). */
  #counter: boolean;
  /** The textbook's `out`. */
  #out: number;
  /** Physical slot of `out`. */
  #outSlot: number;
  /** Last `in` read from shared memory; re-read only when the ring looks empty. */
  #in: number;
  #peeked = false;
  /** The pause of a look that finds the ring empty: `tryPop`'s and the wait's. */
  #pace: MissPace;
  /** The batch copy's span, reused: no allocation per `popMany`. */
  #span: Span;
  /** Peeked or detached: the fast path's one check of the handle's state. */
  #blocked = false;

  constructor(ring: Attachment) {
    const pace = new MissPace();
    super(ring, {
      side: "consumer",
      gate: peerGate(ring.header.words, W_IN),
      pace,
    });
    this.#pace = pace;
    const words = ring.header.words;
    this.#ring = ring;
    this.#codec = ring.codec<T>(POP);
    this.#data = this.#codec.array;
    this.#words = words;
    const ix = this.#ix = indexingOf(ring.header);
    this.#slots = ix.slots;
    this.#limit = ix.limit;
    this.#counter = ix.counter;
    this.#span = { from: 0, start: 0, count: 0, slots: ix.slots };
    this.#out = Atomics.load(words, W_OUT) & INDEX_MASK;
    // Checked on attach against `out` and its base (`checkOwnSlot`).
    this.#outSlot = ix.counter ? Atomics.load(words, W_OUT_SLOT) : this.#out;
    this.#in = Atomics.load(words, W_IN) & INDEX_MASK;
  }

  tryPop(): T | undefined {
    if (this.#blocked) this.ready();
    if (this.#isEmpty()) {
      this.#pace.miss();
      return undefined;
    }
    return this.#take();
  }

  pop(options: PopAsyncOptions): T {
    if (this.#blocked) this.ready();
    const deadline = deadlineOf(options, POP);
    // The fast path touches no flag: arming WAITING in `in`, the producer's
    // line, on every pop would cost an out-of-line atomic call and a
    // cache-line transfer per item.
    if (this.#isEmpty()) this.waitSync(deadline, options.timeout);
    return this.#take();
  }

  popAsync(options: PopAsyncOptions): Promise<T> {
    return this.waitAsync(options, () => {
      this.ready();
      return deadlineOf(options, POP);
    }, () => this.#take());
  }

  popMany(
    target: { [index: number]: T; readonly length: number },
    start: number,
    end: number,
  ): number {
    const what = "Cannot pop items";
    if (this.#blocked) this.ready(what);
    if (start < end) checkTarget(this.#codec, target, what);
    const wanted = end - start;
    let available = used(this.#in, this.#out, this.#limit);
    if (available < wanted) {
      this.#in = this.#loadIn();
      available = used(this.#in, this.#out, this.#limit);
    }
    const n = Math.min(wanted, available);
    if (n === 0) return 0;
    const span = this.#span;
    span.from = start;
    span.start = this.#outSlot;
    span.count = n;
    copyOut(this.#codec, target, span);
    this.#release(n);
    return n;
  }

  peek(): SlotView<T> | null {
    this.#ring.assertAttached("Cannot peek");
    if (!this.#peeked) {
      if (this.#isEmpty()) return null;
      this.#peeked = this.#blocked = true;
    }
    return this.#codec.view(this.#outSlot, false);
  }

  release(): void {
    const what = "Cannot release";
    this.#ring.assertAttached(what);
    if (!this.#peeked) throw stateError(what, "nonePeeked");
    this.#peeked = this.#blocked = false;
    this.#release(1);
  }

  detach(): void {
    this.#peeked = false;
    this.#blocked = true;
    if (this.#counter) this.#ring.leaveSlot(W_OUT_SLOT, this.#outSlot);
    this.detachAndWake();
  }

  /** Blocked: an item now (with the cached `in`, re-read when it looks empty). */
  poll(): boolean {
    return !this.#isEmpty();
  }

  ready(what = POP): void {
    this.#ring.assertAttached(what);
    if (this.#peeked) throw stateError(what, "notReleased");
  }

  /** Reads `in` from shared memory and refuses an impossible value. */
  #loadIn(): number {
    const inValue = Atomics.load(this.#words, W_IN) & INDEX_MASK;
    checkPeer(this.#ix, inValue, this.#out, POP);
    return inValue;
  }

  /** The textbook's empty test, `in == out`, re-reading `in` only when it looks empty. */
  #isEmpty(): boolean {
    if (this.#in !== this.#out) return false;
    this.#in = this.#loadIn();
    if (this.#in === this.#out) return true;
    this.#pace.found(used(this.#in, this.#out, this.#limit));
    return false;
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
    const from = this.#out;
    const slot = this.#outSlot + n;
    this.#out = advance(from, n, this.#limit);
    if (slot < this.#slots) this.#outSlot = slot;
    else {
      this.#outSlot = slot - this.#slots;
      // Counter scheme, once per lap, before `out` moves (see #publish).
      if (this.#counter) {
        words[W_OUT_BASE] = retreat(this.#out, this.#outSlot, this.#limit);
      }
    }
    // The releasing add: the slot was read before it, so the producer may
    // now overwrite it. Its old value carries the producer's WAITING bit (a
    // close's mark on `out` concerns nobody here).
    const was = Atomics.add(words, W_OUT, this.#out - from);
    if ((was & WAITING) !== 0) wakeFrom(words, W_OUT, was, INDEX_BITS);
  }
}
