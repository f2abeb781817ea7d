// The one-producer ring's engine (the textbook and counter schemes, as one
// indexing: see `_shm/positions.ts`), its producer side here and its consumer
// side in `spsc_consumer.ts`. The producer runs the textbook's producer
// loop: write `buffer[in]`, then publish `in`; the consumer its consumer
// loop: read `buffer[out]`, then publish `out`. Each keeps a cached copy of
// the other's index and re-reads it only when the ring looks full (empty).
// Each side's waiting flag is a bit of the other side's index word (see
// `_shm/layout.ts`): a side publishes with one `Atomics.add`, whose old
// value says whether the peer sleeps (or a close raced), and a blocked side
// arms the bit in the word it waits for.
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { copyIn, sameKind, type Span } from "../_shm/batch_copy.ts";
import {
  INDEX_MASK,
  W_CLOSED,
  W_IN,
  W_IN_BASE,
  W_IN_SLOT,
  W_OUT,
  WAITING,
} from "../_shm/layout.ts";
import {
  deadlineOf,
  INDEX_BITS,
  markRingClosed,
  MissPace,
  wakeFrom,
} from "../_wait/signal.ts";
import { Gate, Waiter } from "../_wait/wait.ts";
import type { SlotView } from "../item.ts";
import type { PushAsyncOptions } from "../options.ts";
import { stateError, type WaitingProducerEngine } from "./engine.ts";
import {
  advance,
  checkPeer,
  type Indexing,
  indexingOf,
  retreat,
  used,
} from "../_shm/positions.ts";

const PUSH = "Cannot push item";

/** Where a blocked side sleeps: the peer's index word, its WAITING bit. */
export function peerGate(words: Int32Array, peer: number): Gate {
  return new Gate(words, peer, { bit: WAITING });
}

export class SpscProducer<T> extends Waiter
  implements WaitingProducerEngine<T> {
  #ring: Attachment;
  #codec: Codec<T>;
  #data: NumericArray | null;
  #words: Int32Array;
  #ix: Indexing;
  #slots: number;
  #limit: number;
  #capacity: number;
  /**
   * Counter scheme: the wrap base and the slot word are kept (the textbook's
   * index is its slot).
   */
  #counter: boolean;
  /** The textbook's `in`. */
  #in: number;
  /** Physical slot of `in`. */
  #inSlot: number;
  /** Last `out` read from shared memory; re-read only when the ring looks full. */
  #out: number;
  #reserved = false;
  /** The pause of a look that finds the ring full: `tryPush`'s and the wait's. */
  #pace: MissPace;
  /** The batch copy's span, reused: no allocation per `pushMany`. */
  #span: Span;
  /** Reserved or detached: the fast path's one check of the handle's state. */
  #blocked = false;

  constructor(ring: Attachment) {
    const pace = new MissPace();
    super(ring, {
      side: "producer",
      gate: peerGate(ring.header.words, W_OUT),
      pace,
    });
    this.#pace = pace;
    const words = ring.header.words;
    this.#ring = ring;
    this.#codec = ring.codec<T>(PUSH);
    this.#data = this.#codec.array;
    this.#words = words;
    const ix = this.#ix = indexingOf(ring.header);
    this.#slots = ix.slots;
    this.#limit = ix.limit;
    this.#capacity = ix.capacity;
    this.#counter = ix.counter;
    this.#span = { from: 0, start: 0, count: 0, slots: ix.slots };
    this.#in = Atomics.load(words, W_IN) & INDEX_MASK;
    // Checked on attach against `in` and its base (`checkOwnSlot`).
    this.#inSlot = ix.counter ? Atomics.load(words, W_IN_SLOT) : this.#in;
    this.#out = Atomics.load(words, W_OUT) & INDEX_MASK;
  }

  tryPush(item: T): boolean {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    if (this.#isFull()) {
      this.#pace.miss();
      return false;
    }
    this.#write(item);
    return true;
  }

  push(item: T, options: PushAsyncOptions): void {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    const deadline = deadlineOf(options, PUSH);
    // The fast path touches no flag (see SpscConsumer.pop).
    if (this.#isFull()) this.waitSync(deadline, options.timeout);
    this.#write(item);
  }

  pushAsync(item: T, options: PushAsyncOptions): Promise<void> {
    return this.waitAsync(options, () => {
      this.#readyFast(PUSH);
      this.#codec.check(item, "item");
      return deadlineOf(options, PUSH);
    }, () => this.#write(item));
  }

  pushMany(items: ArrayLike<T>, start: number, end: number): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    const wanted = end - start;
    let free = this.#capacity - used(this.#in, this.#out, this.#limit);
    if (free < wanted) {
      this.#out = this.#loadOut();
      free = this.#capacity - used(this.#in, this.#out, this.#limit);
    }
    const n = Math.min(wanted, free);
    if (n === 0) return 0;
    if (!sameKind(this.#data, items)) {
      // Validate everything first: a bad item leaves the ring unchanged.
      for (let i = start; i < start + n; i++) this.#codec.check(items[i], i);
    }
    const span = this.#span;
    span.from = start;
    span.start = this.#inSlot;
    span.count = n;
    copyIn(this.#codec, items, span);
    this.#publish(n, what);
    return n;
  }

  reserve(): SlotView<T> | null {
    const what = "Cannot reserve slot";
    this.#ring.assertOpen(what);
    if (!this.#reserved) {
      if (this.#isFull()) return null;
      this.#reserved = this.#blocked = true;
    }
    return this.#codec.view(this.#inSlot, true);
  }

  commit(): void {
    const what = "Cannot commit";
    this.#ring.assertAttached(what);
    if (!this.#reserved) throw stateError(what, "noneReserved");
    this.#reserved = this.#blocked = false;
    if (this.#ring.isClosed()) throw this.#ring.closedError(what);
    this.#publish(1, what);
  }

  close(): void {
    if (this.#ring.attached) {
      markRingClosed(this.#words);
    }
    this.detach();
  }

  detach(): void {
    this.#reserved = false;
    this.#blocked = true;
    if (this.#counter) this.#ring.leaveSlot(W_IN_SLOT, this.#inSlot);
    this.detachAndWake();
  }

  /** Blocked: room now (with the cached `out`, re-read when it looks full). */
  poll(): boolean {
    return !this.#isFull();
  }

  /**
   * The entry check of the push calls: one plain read of the closed flag
   * instead of an `Atomics.load` (which V8 runs as an out-of-line builtin). A
   * monotonic flag needs no fence here: a push that races with a close could
   * miss it just as well with a fence, and whatever looks unusual goes to
   * `ready`, which re-reads the flag atomically and throws.
   */
  #readyFast(what: string): void {
    if (this.#words[W_CLOSED] !== 0 || this.#blocked) this.ready(what);
  }

  ready(what = PUSH): void {
    this.#ring.assertOpen(what);
    if (this.#reserved) throw stateError(what, "notCommitted");
  }

  /** Reads `out` from shared memory and refuses an impossible value. */
  #loadOut(): number {
    const out = Atomics.load(this.#words, W_OUT) & INDEX_MASK;
    checkPeer(this.#ix, this.#in, out, PUSH);
    return out;
  }

  /** Full test with the cached `out`, re-reading `out` only when it looks full. */
  #isFull(): boolean {
    if (used(this.#in, this.#out, this.#limit) !== this.#capacity) return false;
    this.#out = this.#loadOut();
    const room = this.#capacity - used(this.#in, this.#out, this.#limit);
    if (room === 0) return true;
    this.#pace.found(room);
    return false;
  }

  /** Writes `buffer[in]`, then publishes `in`. */
  #write(item: T): void {
    const data = this.#data;
    if (data !== null) data[this.#inSlot] = item as never;
    else this.#codec.write(this.#inSlot, item);
    this.#publish(1, PUSH);
  }

  /**
   * Publishes `n` written items by advancing `in`, then wakes a sleeping
   * consumer. Throws when a close raced the push (see `wakeFrom`): the
   * items may then be popped, or not.
   */
  #publish(n: number, what: string): void {
    const words = this.#words;
    const from = this.#in;
    const slot = this.#inSlot + n;
    this.#in = advance(from, n, this.#limit);
    if (slot < this.#slots) this.#inSlot = slot;
    else {
      this.#inSlot = slot - this.#slots;
      // Counter scheme, once per lap, before `in` moves: the `in` at which
      // the slot was 0, so the slot follows from `in` and this base alone,
      // also after a death between this store and the add (`slotFromBase`).
      // Nothing else goes to `in`'s cache line, which the spinning consumer
      // keeps reading: the slot word is written only at detach. A plain
      // store: the add below publishes it, as it publishes the slots.
      if (this.#counter) {
        words[W_IN_BASE] = retreat(this.#in, this.#inSlot, this.#limit);
      }
    }
    // The publishing add (negative at a wrap; the bits above the index stay
    // as they are): everything written to the slots before it is visible to
    // a consumer that loads this `in`. Its old value carries the consumer's
    // WAITING bit and a close's mark.
    const was = Atomics.add(words, W_IN, this.#in - from);
    if ((was & ~INDEX_MASK) !== 0 && wakeFrom(words, W_IN, was, INDEX_BITS)) {
      throw this.#ring.closedError(what);
    }
  }
}
