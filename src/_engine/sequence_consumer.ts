// The sequence ring's consumer (see `sequence.ts`): many may pop at once,
// each claiming its position with a compareExchange of `out`.
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { deadlineOf } from "../_wait/signal.ts";
import {
  type Blocked,
  CallQueue,
  type Gate,
  waitAsync,
  waitSync,
} from "../_wait/wait.ts";
import { checkTarget, nonePeeked, notReleased } from "./checks.ts";
import type { ConsumerEngine } from "./engine.ts";
import { CONSUMERS, SequenceCore } from "./sequence.ts";
import { ClosedError, TimeoutError } from "../errors.ts";
import type { SlotView } from "../item.ts";
import type { PopAsyncOptions } from "../options.ts";

const POP = "Cannot pop item";

export class SequenceConsumer<T> implements ConsumerEngine<T>, Blocked {
  readonly gate: Gate;
  readonly calls: CallQueue = new CallQueue();
  #ring: Attachment;
  #codec: Codec<T>;
  #core: SequenceCore;
  #data: NumericArray | null;
  #slots: number;
  /** The position claimed by peek() and not yet released, or -1. */
  #peeked = -1;
  /** The position the last successful `poll` claimed. */
  #claimed = -1;

  constructor(ring: Attachment, codec: Codec<T>) {
    this.#ring = ring;
    this.#codec = codec;
    this.#core = new SequenceCore(ring.header);
    this.#data = codec.array;
    this.#slots = ring.header.slots;
    this.gate = this.#core.gate(CONSUMERS);
  }

  tryPop(): T | undefined {
    this.#ready(POP);
    const p = this.#claim(POP);
    return p < 0 ? undefined : this.#take(p);
  }

  pop(options: PopAsyncOptions): T {
    this.#ready(POP);
    const deadline = deadlineOf(options, POP);
    if (!this.poll()) waitSync(this, deadline, options.timeout);
    return this.#take(this.#claimed);
  }

  popAsync(options: PopAsyncOptions): Promise<T> {
    try {
      this.#ready(POP);
      const deadline = deadlineOf(options, POP);
      return waitAsync(
        this,
        deadline,
        options,
        () => this.#take(this.#claimed),
      );
    } catch (error) {
      return this.calls.fail(error);
    }
  }

  popMany(target: { [index: number]: T; readonly length: number }): number {
    const what = "Cannot pop items";
    this.#ready(what);
    checkTarget(target, what);
    const data = this.#data;
    let count = 0;
    while (count < target.length) {
      const [p, n] = this.#core.claimMany(
        CONSUMERS,
        target.length - count,
        what,
      );
      if (n === 0) break;
      for (let i = 0, q = p; i < n; i++, q = this.#core.next(q)) {
        if (this.#core.skipped(q)) continue;
        const slot = q % this.#slots;
        target[count++] = data !== null
          ? data[slot] as T
          : this.#codec.read(slot);
      }
      this.#core.releaseMany(p, n);
    }
    return count;
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
    if (this.#peeked < 0) throw nonePeeked(what);
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
    this.#ring.detach();
  }

  /** Blocked: claims a position with an item (`#claimed`), if any. */
  poll(): boolean {
    this.#claimed = this.#claim(POP);
    return this.#claimed >= 0;
  }

  /**
   * Blocked: the consumers wait until closed, and every position claimed
   * by a producer claimed by a consumer: nothing more can come. (A producer
   * that claimed a position before the close still publishes it, and wakes
   * us.)
   */
  end(): boolean {
    if (this.#core.isClosed() && this.#core.drained(POP)) {
      throw new ClosedError(`${POP}: ring is closed and drained`);
    }
    return false;
  }

  ready(): void {
    this.#ready(POP);
  }

  timeout(ms: number | undefined): TimeoutError {
    return new TimeoutError(`${POP}: ring stayed empty for ${ms} ms`);
  }

  #ready(what: string): void {
    this.#ring.assertAttached(what);
    if (this.#peeked >= 0) throw notReleased(what);
  }

  /** Claims the next position with an item, releasing given-up ones; -1 if none. */
  #claim(what: string): number {
    while (true) {
      const p = this.#core.claimOne(CONSUMERS, what);
      if (p < 0 || !this.#core.skipped(p)) return p;
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
