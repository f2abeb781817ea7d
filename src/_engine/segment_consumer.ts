// The unbounded buffer's consumer engine (the producer's is `segment.ts`):
// the textbook's consumer loop over the chain of segments. Having read the
// last slot of its head segment, the consumer follows the link and pushes
// the segment it left on the free list.
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { checkTarget, copyOut } from "../_shm/batch_copy.ts";
import { Segments } from "../_shm/segments.ts";
import type { UnboundedAttachment } from "../_shm/unbounded_attachment.ts";
import { corrupted } from "../_shm/unbounded_header.ts";
import {
  W_CONSUMER_WAITING,
  W_HEAD,
  W_IN,
  W_OUT,
  W_OUT_SLOT,
} from "../_shm/unbounded_layout.ts";
import { deadlineOf, FLAG_BITS } from "../_wait/signal.ts";
import { Gate, Waiter } from "../_wait/wait.ts";
import type { SlotView } from "../item.ts";
import type { PopAsyncOptions } from "../options.ts";
import { type ConsumerEngine, stateError } from "./engine.ts";

const POP = "Cannot pop item";

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
    // The consumer sleeps on its own waiting flag (`in` keeps all 32 bits).
    const gate = new Gate(buffer.words, W_CONSUMER_WAITING, {
      bit: FLAG_BITS.waiting,
    });
    super(buffer, { side: "consumer", gate });
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

  popMany(
    target: { [index: number]: T; readonly length: number },
    start: number,
    end: number,
  ): number {
    const what = "Cannot pop items";
    this.ready(what);
    if (start < end) checkTarget(this.#codec, target, what);
    const wanted = end - start;
    let available = (this.#in - this.#out) >>> 0;
    if (available < wanted) {
      this.#in = this.#loadIn();
      available = (this.#in - this.#out) >>> 0;
    }
    const n = Math.min(wanted, available);
    const slots = this.#segmentSlots;
    for (let i = 0; i < n;) {
      this.#enter(what);
      const k = Math.min(n - i, slots - this.#outSlot);
      try {
        copyOut(this.#codec, target, {
          from: start + i,
          start: this.#outSlot,
          count: k,
          slots,
        });
      } catch (error) {
        // `target` threw (a setter, a read-only element): `out` must count
        // the segments already left, or it and the head disagree.
        if (i > 0) this.#release(i);
        throw error;
      }
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
    this.detachAndWake();
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
    // Named from before the head moves until it is on the free list, so a
    // supervisor can give it back if this thread dies in between.
    this.#segments.leaving(left);
    this.#head = next;
    this.#outSlot = 0;
    this.#codec = this.#segments.codec(next);
    this.#data = this.#codec.array;
    Atomics.store(this.#words, W_HEAD, next);
    Atomics.store(this.#words, W_OUT_SLOT, 0);
    // Only now, with every slot of it read and the head moved on, may the
    // producer take the segment and overwrite it.
    this.#segments.left(left);
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
