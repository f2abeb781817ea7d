// The unbounded buffer's producer engine (the consumer's is
// `segment_consumer.ts`): the textbook's producer loop over a chain of
// segments. The producer never waits: when the tail segment is full it takes
// a recycled segment, or grows the buffer by one, links it after the tail,
// and only then writes and publishes `in`, so a consumer that sees the new
// `in` sees the link too.
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { copyIn, sameKind } from "../_shm/batch_copy.ts";
import { Segments } from "../_shm/segments.ts";
import type { UnboundedAttachment } from "../_shm/unbounded_attachment.ts";
import { corrupted } from "../_shm/unbounded_header.ts";
import {
  W_BATCH,
  W_CLOSED,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_SLOT,
  W_TAIL,
} from "../_shm/unbounded_layout.ts";
import { markClosed, UNBOUNDED_MARKS, wakeIfWaiting } from "../_wait/signal.ts";
import type { SlotView } from "../item.ts";
import { type ProducerEngine, stateError } from "./engine.ts";
import { repairSlot, rollBackBatch } from "./recover_unbounded.ts";

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

  pushMany(items: ArrayLike<T>, start: number, end: number): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    const n = end - start;
    const slots = this.#segmentSlots;
    // Validate everything, and find the memory, before writing anything.
    if (!sameKind(this.#data, items)) {
      for (let i = start; i < end; i++) this.#codec.check(items[i], i);
    }
    const room = slots - this.#inSlot;
    if (
      n > room && !this.#segments.ensure(Math.ceil((n - room) / slots), what)
    ) {
      throw this.#tooBig(what);
    }
    // Named until published: a supervisor rolls back what it linked.
    const crossing = n > room;
    if (crossing) Atomics.store(this.#words, W_BATCH, this.#tail + 1);
    for (let i = 0; i < n;) {
      if (this.#inSlot === slots) this.#moveTail(what, i);
      const k = Math.min(n - i, slots - this.#inSlot);
      try {
        copyIn(this.#codec, items, {
          from: start + i,
          start: this.#inSlot,
          count: k,
          slots,
        });
      } catch (error) {
        // An item threw when read again (a getter): the batch is undone,
        // or the next publish would count its items.
        if (crossing) this.#rollBack();
        throw error;
      }
      this.#inSlot += k;
      i += k;
    }
    if (crossing) this.#publishBatch(n, what);
    else if (n > 0) this.#publish(n, what);
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
      markClosed(this.#words, UNBOUNDED_MARKS);
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

  /**
   * Undoes a batch that crossed segments and was not published, as a
   * recovery undoes one whose producer died there (the same steps, run
   * beside a live consumer): the tail moves back to the segment `in` lies
   * in and the segments the batch linked go back on the free list. Then
   * this producer goes on from there, as a replacement would.
   */
  #rollBack(): void {
    const { header, id } = this.#buffer;
    rollBackBatch(header, id);
    repairSlot(header, id);
    Atomics.store(this.#words, W_BATCH, 0);
    this.#tail = Atomics.load(this.#words, W_TAIL);
    this.#inSlot = Atomics.load(this.#words, W_IN_SLOT);
    this.#codec = this.#segments.codec(this.#tail);
    this.#data = this.#codec.array;
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

  /**
   * `#publish` for a batch that crossed segments, which also clears the
   * batch record once `in` is published (kept apart so that a single push
   * pays nothing for it).
   */
  #publishBatch(n: number, what: string): void {
    const words = this.#words;
    Atomics.store(words, W_IN_SLOT, this.#inSlot);
    this.#in = (this.#in + n) | 0;
    Atomics.store(words, W_IN, this.#in);
    Atomics.store(words, W_BATCH, 0);
    if (wakeIfWaiting(words, W_CONSUMER_WAITING)) {
      throw this.#buffer.closedError(what);
    }
  }
}
