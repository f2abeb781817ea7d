// The sequence ring's engine (see `sequence_steps.ts`): many producers and
// many consumers at once, each claiming its position with a compareExchange
// of `in` (`out`), then writing (reading) its slot and publishing
// (releasing) it through the slot's sequence number.
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { checkTarget, copyIn, sameKind } from "../_shm/batch_copy.ts";
import { W_CLOSED, W_IN, W_OUT } from "../_shm/layout.ts";
import { StalledError } from "../errors.ts";
import { claimantOf } from "./recover.ts";
import { deadlineOf, markRingClosed } from "../_wait/signal.ts";
import { Waiter } from "../_wait/wait.ts";
import type { SlotView } from "../item.ts";
import type { PopAsyncOptions, PushAsyncOptions } from "../options.ts";
import {
  type ConsumerEngine,
  stateError,
  type WaitingProducerEngine,
} from "./engine.ts";
import { CONSUMERS, PRODUCERS, SequenceCore } from "./sequence_steps.ts";

const PUSH = "Cannot push item";
const POP = "Cannot pop item";

export class SequenceProducer<T> extends Waiter
  implements WaitingProducerEngine<T> {
  #ring: Attachment;
  #codec: Codec<T>;
  #core: SequenceCore;
  #words: Int32Array;
  #data: NumericArray | null;
  #slots: number;
  /** The position claimed by reserve() and not yet committed, or -1. */
  #reserved = -1;
  /** The position the last successful `poll` claimed. */
  #claimed = -1;

  constructor(ring: Attachment) {
    const core = new SequenceCore(ring.header, ring.record);
    super(ring, { side: "producer", gate: core.gate(PRODUCERS) });
    this.#ring = ring;
    this.#codec = ring.codec<T>(PUSH);
    this.#core = core;
    this.#words = ring.words;
    this.#data = this.#codec.array;
    this.#slots = ring.header.slots;
  }

  tryPush(item: T): boolean {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    const p = this.#core.claimOne(PRODUCERS, PUSH);
    if (p < 0) return false;
    this.#writeOrSkip(p, item);
    return true;
  }

  push(item: T, options: PushAsyncOptions): void {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    const deadline = deadlineOf(options, PUSH);
    if (!this.poll()) this.waitSync(deadline, options.timeout);
    this.#writeOrSkip(this.#claimed, item);
  }

  pushAsync(item: T, options: PushAsyncOptions): Promise<void> {
    return this.waitAsync(options, () => {
      this.#readyFast(PUSH);
      this.#codec.check(item, "item");
      return deadlineOf(options, PUSH);
    }, () => this.#writeOrSkip(this.#claimed, item));
  }

  pushMany(items: ArrayLike<T>, start: number, end: number): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    // At most a ring's worth fits; check those first, so a bad item leaves
    // the ring unchanged.
    const most = Math.min(end - start, this.#slots);
    if (!sameKind(this.#data, items)) {
      for (let i = start; i < start + most; i++) {
        this.#codec.check(items[i], i);
      }
    }
    if (most === 0) return 0;
    const [p, n] = this.#core.claimMany(PRODUCERS, most, what);
    if (n === 0) return 0;
    const span = {
      from: start,
      start: p % this.#slots,
      count: n,
      slots: this.#slots,
    };
    try {
      copyIn(this.#codec, items, span);
    } catch (error) {
      // An item threw when read again (a getter): the claimed positions
      // are given up, or every consumer would stop at the first of them.
      this.#core.publishMany(p, n, true);
      throw error;
    }
    if (this.#core.publishMany(p, n)) throw this.#ring.closedError(what);
    return n;
  }

  reserve(): SlotView<T> | null {
    const what = "Cannot reserve slot";
    this.#ring.assertOpen(what);
    if (this.#reserved < 0) {
      const p = this.#core.claimOne(PRODUCERS, what);
      if (p < 0) return null;
      this.#reserved = p;
    }
    return this.#codec.view(this.#reserved % this.#slots, true);
  }

  commit(): void {
    const what = "Cannot commit";
    this.#ring.assertAttached(what);
    const p = this.#reserved;
    if (p < 0) throw stateError(what, "noneReserved");
    this.#reserved = -1;
    // Closed meanwhile: the item is dropped, but the position is handed on,
    // so consumers can drain the positions claimed after it.
    const closed = this.#core.isClosed();
    if (this.#core.publish(p, closed) || closed) {
      throw this.#ring.closedError(what);
    }
  }

  close(): void {
    if (this.#ring.attached) {
      markRingClosed(this.#words);
    }
    this.detach();
  }

  /** Gives up an uncommitted reservation, then the ring. */
  detach(): void {
    if (this.#ring.attached && this.#reserved >= 0) {
      this.#core.publish(this.#reserved, true);
    }
    this.#reserved = -1;
    this.detachAndWake();
  }

  /** Blocked: claims a position (`#claimed`) when the ring has room. */
  poll(): boolean {
    this.#claimed = this.#core.claimOne(PRODUCERS, PUSH);
    return this.#claimed >= 0;
  }

  /** See `Producer`'s `#readyFast`: a plain read of the monotonic closed flag. */
  #readyFast(what: string): void {
    if (
      this.#words[W_CLOSED] !== 0 || this.#reserved >= 0 ||
      !this.#ring.attached
    ) this.ready(what);
  }

  ready(what = PUSH): void {
    this.#ring.assertOpen(what);
    if (this.#reserved >= 0) throw stateError(what, "notCommitted");
  }

  /**
   * `#write`, giving position p up (as `detach` gives up a reservation)
   * when the item throws as it is written (a struct's getter read again):
   * else p would stay claimed, and every consumer would stop there.
   */
  #writeOrSkip(p: number, item: T): void {
    try {
      this.#write(p, item);
    } catch (error) {
      // Thrown by the write (p's slot still expects p), not by a close
      // that raced the publish.
      if (Atomics.load(this.#core.seqs, p % this.#slots) === p) {
        this.#core.publish(p, true);
      }
      throw error;
    }
  }

  /** Writes the item into p's slot, then publishes p. */
  #write(p: number, item: T): void {
    const slot = p % this.#slots;
    const data = this.#data;
    if (data !== null) data[slot] = item as never;
    else this.#codec.write(slot, item);
    // A close that raced the push: the item may be popped, or not.
    if (this.#core.publish(p)) throw this.#ring.closedError(PUSH);
  }
}

export class SequenceConsumer<T> extends Waiter implements ConsumerEngine<T> {
  #ring: Attachment;
  #codec: Codec<T>;
  #core: SequenceCore;
  #data: NumericArray | null;
  #slots: number;
  /** The position claimed by peek() and not yet released, or -1. */
  #peeked = -1;
  /** The position the last successful `poll` claimed. */
  #claimed = -1;

  constructor(ring: Attachment) {
    const core = new SequenceCore(ring.header, ring.record);
    // A blocking pop that finds nothing sleeps at once: with several
    // consumers faster than the producers, spinning consumers poll the slot
    // the producer writes next, pulling its line away after every item;
    // asleep, they leave it alone and wake to a run of items. Side by side
    // (bench/ab_trees.ts --mode=many, 201 rounds at 1x2, 1024 slots): 1.19x
    // as fast (A/A 0.96); 2x2, 2x1, 4x4 and 16 slots within the A/A spread.
    super(ring, {
      side: "consumer",
      gate: core.gate(CONSUMERS),
      spinBeforeSleep: false,
    });
    this.#ring = ring;
    this.#codec = ring.codec<T>(POP);
    this.#core = core;
    this.#data = this.#codec.array;
    this.#slots = ring.header.slots;
  }

  tryPop(): T | undefined {
    this.ready(POP);
    const p = this.#claim(POP);
    return p < 0 ? undefined : this.#take(p);
  }

  pop(options: PopAsyncOptions): T {
    this.ready(POP);
    const deadline = deadlineOf(options, POP);
    if (!this.poll()) {
      this.waitSync(deadline, options.timeout, options.stallTimeout);
    }
    return this.#take(this.#claimed);
  }

  popAsync(options: PopAsyncOptions): Promise<T> {
    return this.waitAsync(options, () => {
      this.ready(POP);
      return deadlineOf(options, POP);
    }, () => this.#take(this.#claimed));
  }

  popMany(
    target: { [index: number]: T; readonly length: number },
    start: number,
    end: number,
  ): number {
    const what = "Cannot pop items";
    this.ready(what);
    if (start < end) checkTarget(this.#codec, target, what);
    const data = this.#data;
    let at = start;
    while (at < end) {
      const [p, n] = this.#core.claimMany(CONSUMERS, end - at, what);
      if (n === 0) break;
      try {
        for (let i = 0, q = p; i < n; i++, q = this.#core.next(q)) {
          if (this.#core.skipped(q)) continue;
          const slot = q % this.#slots;
          target[at++] = data !== null
            ? data[slot] as T
            : this.#codec.read(slot);
        }
      } finally {
        // Also when `target` throws (a setter, a read-only element): a
        // claimed position cannot go back, and one never released would
        // stop the ring there for good.
        this.#core.releaseMany(p, n);
      }
    }
    return at - start;
  }

  peek(): SlotView<T> | null {
    const what = "Cannot peek";
    this.#ring.assertAttached(what);
    if (this.#peeked < 0) {
      const p = this.#claim(what);
      if (p < 0) return null;
      this.#peeked = p;
    }
    return this.#codec.view(this.#peeked % this.#slots, false);
  }

  release(): void {
    const what = "Cannot release";
    this.#ring.assertAttached(what);
    if (this.#peeked < 0) throw stateError(what, "nonePeeked");
    this.#core.release(this.#peeked);
    this.#peeked = -1;
  }

  /**
   * Lets go of a peeked item, then the ring: the item was claimed, so it
   * cannot go back to the ring; it is released as consumed.
   */
  detach(): void {
    if (this.#ring.attached && this.#peeked >= 0) {
      this.#core.release(this.#peeked);
    }
    this.#peeked = -1;
    this.detachAndWake();
  }

  /** Blocked: claims a position with an item (`#claimed`), if any. */
  poll(): boolean {
    this.#claimed = this.#claim(POP);
    return this.#claimed >= 0;
  }

  /**
   * Closed, and every position claimed by a producer claimed by a consumer:
   * nothing more can come. (A producer that claimed a position before the
   * close still publishes it, and wakes us.)
   */
  override drained(): boolean {
    return this.#core.drained(POP);
  }

  ready(what = POP): void {
    this.#ring.assertAttached(what);
    if (this.#peeked >= 0) throw stateError(what, "notReleased");
  }

  /** `out`, when a producer claimed it and has not published it; else -1. */
  override hole(): number {
    const { words, seqs } = this.#core;
    const out = Atomics.load(words, W_OUT);
    if (Atomics.load(words, W_IN) === out) return -1;
    return Atomics.load(seqs, out % this.#slots) === out ? out : -1;
  }

  override stalled(position: number, ms: number): StalledError {
    const handle = claimantOf(this.#ring.header, position, "producer");
    const by = handle === 0
      ? "a producer that recorded no claim"
      : `producer ${handle}`;
    return new StalledError(
      `${POP}: position ${position} was claimed by ${by} and not published for ${ms} ms`,
      { position, handle },
    );
  }

  /** Claims the next position with an item, releasing given-up ones; -1 if none. */
  #claim(what: string): number {
    while (true) {
      const p = this.#core.claimOne(CONSUMERS, what);
      // The claim's "wait" step read the slot's number: SKIP is its sign bit.
      if (p < 0 || this.#core.seq >= 0) return p;
      this.#core.release(p);
    }
  }

  /** Reads p's slot, then releases it. */
  #take(p: number): T {
    const slot = p % this.#slots;
    const data = this.#data;
    const item = data !== null ? data[slot] as T : this.#codec.read(slot);
    this.#core.release(p);
    return item;
  }
}
