// The unbounded buffer's producer: the textbook's producer loop without the
// wait. When the tail segment is full it takes a recycled segment, or grows
// the buffer by one, links it after the tail, and only then writes and
// publishes `in`: a consumer that sees the new `in` sees the link too.
import { checkItems, noneReserved, notCommitted, sameKind } from "./checks.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { Segments } from "../_shm/segments.ts";
import type { UnboundedAttachment } from "../_shm/unbounded_attachment.ts";
import { corrupted } from "../_shm/unbounded_header.ts";
import {
  W_CLOSED,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_SLOT,
  W_TAIL,
} from "../_shm/unbounded_layout.ts";
import { markClosed, wakeIfWaiting } from "../_wait/signal.ts";
import type { ProducerEngine } from "./engine.ts";
import { ClosedError } from "../errors.ts";
import type { SlotView } from "../item.ts";

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
    checkItems(items, what);
    const n = items.length;
    const slots = this.#segmentSlots;
    const bulk = sameKind(this.#data, items);
    // Validate everything, and find the memory, before writing anything.
    if (!bulk) { for (let i = 0; i < n; i++) this.#codec.check(items[i], i); }
    const room = slots - this.#inSlot;
    if (
      n > room && !this.#segments.ensure(Math.ceil((n - room) / slots), what)
    ) {
      throw this.#tooBig(what);
    }
    for (let i = 0; i < n;) {
      if (this.#inSlot === slots) this.#moveTail(what);
      const k = Math.min(n - i, slots - this.#inSlot);
      if (bulk) {
        const source = items as unknown as NumericArray;
        this.#data!.set(source.subarray(i, i + k) as never, this.#inSlot);
      } else {
        for (let j = 0; j < k; j++) {
          this.#codec.write(this.#inSlot + j, items[i + j] as T);
        }
      }
      this.#inSlot += k;
      i += k;
    }
    if (n > 0) this.#publish(n);
    return n;
  }

  reserve(): SlotView<T> {
    const what = "Cannot reserve slot";
    if (this.#buffer.isClosed()) {
      throw new ClosedError(`${what}: buffer is closed`);
    }
    this.#buffer.assertAttached(what);
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
    if (!this.#reserved) throw noneReserved(what);
    this.#reserved = false;
    if (this.#buffer.isClosed()) {
      throw new ClosedError(`${what}: buffer is closed`);
    }
    this.#inSlot++;
    this.#publish(1);
  }

  close(): void {
    if (this.#buffer.attached) markClosed(this.#words, [W_CONSUMER_WAITING]);
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
    // Closed first: after its own close() a producer reports the buffer closed.
    if (this.#buffer.isClosed()) {
      throw new ClosedError(`${what}: buffer is closed`);
    }
    this.#buffer.assertAttached(what);
    if (this.#reserved) throw notCommitted(what);
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

  /** Links a segment found by `ensure` after the tail and moves there. */
  #moveTail(what: string): void {
    const next = this.#segments.take(what);
    if (next === -1) {
      throw corrupted(what, "the free list emptied under the producer");
    }
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
    this.#publish(1);
  }

  /** Publishes `n` written items by advancing `in`, then wakes a sleeping consumer. */
  #publish(n: number): void {
    const words = this.#words;
    Atomics.store(words, W_IN_SLOT, this.#inSlot);
    this.#in = (this.#in + n) | 0;
    // The publishing store: the slots, the links and the growth before it
    // are visible to a consumer that loads this `in`.
    Atomics.store(words, W_IN, this.#in);
    wakeIfWaiting(words, W_CONSUMER_WAITING);
  }
}
