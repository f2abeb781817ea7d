// The unbounded buffer's engine: the textbook's loops over a chain of
// segments. The producer never waits: when the tail segment is full it takes
// a recycled segment, or grows the buffer by one, links it after the tail,
// and only then writes and publishes `in`, so a consumer that sees the new
// `in` sees the link too. The consumer, having read the last slot of its head
// segment, follows the link and pushes the segment it left on the free list.
import {
  type Codec,
  copyIn,
  copyOut,
  type NumericArray,
  sameKind,
} from "../_shm/codec.ts";
import { Segments } from "../_shm/segments.ts";
import type { UnboundedAttachment } from "../_shm/unbounded_attachment.ts";
import { corrupted } from "../_shm/unbounded_header.ts";
import {
  W_CLOSED,
  W_CONSUMER_WAITING,
  W_HEAD,
  W_IN,
  W_IN_SLOT,
  W_OUT,
  W_OUT_SLOT,
  W_TAIL,
} from "../_shm/unbounded_layout.ts";
import { deadlineOf, markClosed, wakeIfWaiting } from "../_wait/signal.ts";
import { Waiter } from "../_wait/wait.ts";
import type { SlotView } from "../item.ts";
import type { PopAsyncOptions } from "../options.ts";
import {
  checkBatch,
  type ConsumerEngine,
  type ProducerEngine,
  stateError,
} from "./engine.ts";

const POP = "Cannot pop item";

export class SegmentProducer<T> implements ProducerEngine<T> {
  #buffer: UnboundedAttachment;
  #segments: Segments<T>;
  #words: Int32Array;
  #segmentSlots: number;
  /** The textbook's `in`: a free-running 32-bit count of items published. */
  #in: number;
  /** The tail segment: where `in` points. */
  #tail: number;
  /** The slot of `in` in the tail segment; `segmentSlots` when it is full. */
  #inSlot: number;
  #codec: Codec<T>;
  #data: NumericArray | null;
  #reserved = false;

  constructor(buffer: UnboundedAttachment) {
    this.#buffer = buffer;
    const { header } = this.#buffer;
    this.#words = header.words;
    this.#segmentSlots = header.segmentSlots;
    this.#segments = new Segments<T>(header, "Cannot push item");
    this.#in = Atomics.load(this.#words, W_IN);
    this.#tail = Atomics.load(this.#words, W_TAIL);
    this.#inSlot = Atomics.load(this.#words, W_IN_SLOT);
    this.#codec = this.#segments.codec(this.#tail);
    this.#data = this.#codec.array;
  }

  tryPush(item: T): boolean {
    const what = "Cannot push item";
    this.#readyFast(what);
    this.#codec.check(item, "item");
    if (this.#inSlot === this.#segmentSlots && !this.#nextSegment(what)) {
      return false;
    }
    this.#write(item);
    return true;
  }

  push(item: T): void {
    const what = "Cannot push item";
    this.#readyFast(what);
    this.#codec.check(item, "item");
    if (this.#inSlot === this.#segmentSlots && !this.#nextSegment(what)) {
      throw this.#tooBig(what);
    }
    this.#write(item);
  }

  pushMany(items: ArrayLike<T>): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    checkBatch(items, "items", what);
    const n = items.length;
    const slots = this.#segmentSlots;
    // Validate everything, and find the memory, before writing anything.
    if (!sameKind(this.#data, items)) {
      for (let i = 0; i < n; i++) this.#codec.check(items[i], i);
    }
    const room = slots - this.#inSlot;
    if (
      n > room && !this.#segments.ensure(Math.ceil((n - room) / slots), what)
    ) {
      throw this.#tooBig(what);
    }
    for (let i = 0; i < n;) {
      if (this.#inSlot === slots) this.#moveTail(what, i);
      const k = Math.min(n - i, slots - this.#inSlot);
      copyIn(this.#codec, items, {
        from: i,
        start: this.#inSlot,
        count: k,
        slots,
      });
      this.#inSlot += k;
      i += k;
    }
    if (n > 0) this.#publish(n, what);
    return n;
  }

  reserve(): SlotView<T> {
    const what = "Cannot reserve slot";
    this.#buffer.assertOpen(what);
    if (!this.#reserved) {
      if (this.#inSlot === this.#segmentSlots && !this.#nextSegment(what)) {
        throw this.#tooBig(what);
      }
      this.#reserved = true;
    }
    return this.#codec.view(this.#inSlot, true);
  }

  commit(): void {
    const what = "Cannot commit";
    this.#buffer.assertAttached(what);
    if (!this.#reserved) throw stateError(what, "noneReserved");
    this.#reserved = false;
    if (this.#buffer.isClosed()) throw this.#buffer.closedError(what);
    this.#inSlot++;
    this.#publish(1, what);
  }

  close(): void {
    if (this.#buffer.attached) {
      markClosed(this.#words, { flags: [W_CONSUMER_WAITING], counts: [] });
    }
    this.detach();
  }

  detach(): void {
    this.#reserved = false;
    this.#buffer.detach();
  }

  /**
   * The entry check of the push calls: a plain read of the closed flag (a
   * monotonic flag needs no fence); whatever looks unusual goes to `#ready`,
   * which re-reads it atomically and throws.
   */
  #readyFast(what: string): void {
    if (
      this.#words[W_CLOSED] !== 0 || this.#reserved || !this.#buffer.attached
    ) {
      this.#ready(what);
    }
  }

  #ready(what: string): void {
    this.#buffer.assertOpen(what);
    if (this.#reserved) throw stateError(what, "notCommitted");
  }

  #tooBig(what: string): RangeError {
    return new RangeError(
      `${what}: the unbounded buffer would exceed maxBytes ${this.#buffer.header.maxBytes}`,
    );
  }

  /**
   * The tail segment is full: takes a recycled segment, or grows the buffer
   * by one. Returns `false`, having changed nothing, at `maxBytes`.
   */
  #nextSegment(what: string): boolean {
    if (!this.#segments.ensure(1, what)) return false;
    this.#moveTail(what);
    return true;
  }

  /**
   * Links a segment found by `ensure` after the tail and moves there;
   * `written` items of the current batch are written and not yet published.
   */
  #moveTail(what: string, written = 0): void {
    const next = this.#segments.take(what);
    if (next === -1) {
      throw corrupted(what, "the free list emptied under the producer");
    }
    // Recorded before the link and `in` publish it (see `unbounded_layout.ts`).
    this.#segments.enter(next, (this.#in + written) | 0);
    // The consumer follows this link only once `in` counts an item of
    // `next`, and `in` is stored after it (and after the growth).
    this.#segments.link(this.#tail, next);
    this.#tail = next;
    this.#inSlot = 0;
    this.#codec = this.#segments.codec(next);
    this.#data = this.#codec.array;
    Atomics.store(this.#words, W_TAIL, next);
    Atomics.store(this.#words, W_IN_SLOT, 0);
  }

  /** Writes the slot at `in`, then publishes `in`. */
  #write(item: T): void {
    const data = this.#data;
    if (data !== null) data[this.#inSlot] = item as never;
    else this.#codec.write(this.#inSlot, item);
    this.#inSlot++;
    this.#publish(1, "Cannot push item");
  }

  /** Publishes `n` written items by advancing `in`, then wakes a sleeping consumer. */
  #publish(n: number, what: string): void {
    const words = this.#words;
    Atomics.store(words, W_IN_SLOT, this.#inSlot);
    this.#in = (this.#in + n) | 0;
    // The publishing store: the slots, the links and the growth before it
    // are visible to a consumer that loads this `in`.
    Atomics.store(words, W_IN, this.#in);
    if (wakeIfWaiting(words, W_CONSUMER_WAITING)) {
      throw this.#buffer.closedError(what);
    }
  }
}

export class SegmentConsumer<T> extends Waiter implements ConsumerEngine<T> {
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

  constructor(buffer: UnboundedAttachment) {
    const { header } = buffer;
    super(buffer, { side: "consumer" });
    this.#buffer = buffer;
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

  tryPop(): T | undefined {
    this.ready("Cannot pop item");
    if (this.#isEmpty()) return undefined;
    return this.#take();
  }

  pop(options: PopAsyncOptions): T {
    this.ready(POP);
    const deadline = deadlineOf(options, POP);
    // The fast path touches no flag (see SpscConsumer.pop).
    if (this.#isEmpty()) this.waitSync(deadline, options.timeout);
    return this.#take();
  }

  popAsync(options: PopAsyncOptions): Promise<T> {
    return this.waitAsync(options, () => {
      this.ready(POP);
      return deadlineOf(options, POP);
    }, () => this.#take());
  }

  popMany(target: { [index: number]: T; readonly length: number }): number {
    const what = "Cannot pop items";
    this.ready(what);
    checkBatch(target, "target", what);
    let available = (this.#in - this.#out) >>> 0;
    if (available < target.length) {
      this.#in = this.#loadIn();
      available = (this.#in - this.#out) >>> 0;
    }
    const n = Math.min(target.length, available);
    const slots = this.#segmentSlots;
    for (let i = 0; i < n;) {
      this.#enter(what);
      const k = Math.min(n - i, slots - this.#outSlot);
      copyOut(this.#codec, target, {
        from: i,
        start: this.#outSlot,
        count: k,
        slots,
      });
      this.#outSlot += k;
      i += k;
    }
    if (n > 0) this.#release(n);
    return n;
  }

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

  release(): void {
    const what = "Cannot release";
    this.#buffer.assertAttached(what);
    if (!this.#peeked) throw stateError(what, "nonePeeked");
    this.#peeked = false;
    this.#outSlot++;
    this.#release(1);
  }

  detach(): void {
    this.#peeked = false;
    this.#buffer.detach();
  }

  ready(what = POP): void {
    this.#buffer.assertAttached(what);
    if (this.#peeked) throw stateError(what, "notReleased");
  }

  /** Blocked: an item now (re-reading `in` when the buffer looks empty). */
  poll(): boolean {
    return !this.#isEmpty();
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
