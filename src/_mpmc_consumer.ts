// The consumer calls of a sequence-scheme ring (see `_mpmc.ts`); `Consumer`
// hands every call to this when its ring uses that scheme.
import type { Attachment } from "./_shm/attachment.ts";
import type { Codec, NumericArray } from "./_shm/codec.ts";
import { CallQueue } from "./_call_queue.ts";
import { CONSUMERS, SequenceCore } from "./_mpmc.ts";
import { deadlineOf, remaining, SPIN_CHECKS } from "./_signal.ts";
import { nonePeeked, notReleased } from "./_state_errors.ts";
import { ClosedError, TimeoutError } from "./errors.ts";
import type { SlotView } from "./item.ts";
import type { PopAsyncOptions } from "./options.ts";

const POP = "Cannot pop item";

export class SequenceConsumer<T> {
  #ring: Attachment;
  #codec: Codec<T>;
  #core: SequenceCore;
  #data: NumericArray | null;
  #slots: number;
  /** The position claimed by peek() and not yet released, or -1. */
  #peeked = -1;
  #calls = new CallQueue();

  constructor(ring: Attachment, codec: Codec<T>) {
    this.#ring = ring;
    this.#codec = codec;
    this.#core = new SequenceCore(ring.header);
    this.#data = codec.array;
    this.#slots = ring.header.slots;
  }

  tryPop(): T | undefined {
    this.#ready(POP);
    const p = this.#claim(POP);
    return p < 0 ? undefined : this.#take(p);
  }

  pop(options: PopAsyncOptions): T {
    this.#ready(POP);
    const deadline = deadlineOf(options, POP);
    let p = this.#claimSpinning();
    while (p < 0) {
      if (this.#drained()) throw this.#closed();
      const ms = remaining(deadline);
      if (ms === 0) throw this.#timeout(options.timeout);
      this.#core.sleep(CONSUMERS, ms, () => this.#mayGoOn());
      p = this.#claim(POP);
    }
    return this.#take(p);
  }

  popAsync(options: PopAsyncOptions): Promise<T> {
    try {
      this.#ready(POP);
      const deadline = deadlineOf(options, POP);
      options.signal?.throwIfAborted();
      if (this.#calls.idle) {
        const p = this.#claimSpinning();
        if (p >= 0) return Promise.resolve(this.#take(p));
      }
      return this.#calls.run(() => this.#popWhenReady(deadline, options));
    } catch (error) {
      return this.#calls.fail(error);
    }
  }

  async #popWhenReady(deadline: number, options: PopAsyncOptions): Promise<T> {
    const { signal } = options;
    while (true) {
      this.#ready(POP);
      const p = this.#claim(POP);
      if (p >= 0) return this.#take(p);
      if (this.#drained()) throw this.#closed();
      signal?.throwIfAborted();
      const ms = remaining(deadline);
      if (ms === 0) throw this.#timeout(options.timeout);
      await this.#core.sleepAsync(CONSUMERS, ms, () => this.#mayGoOn(), signal);
      signal?.throwIfAborted();
    }
  }

  /** `target` is an array-like (`Consumer` checked it). */
  popMany(target: { [index: number]: T; readonly length: number }): number {
    const what = "Cannot pop items";
    this.#ready(what);
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
   * Lets go of a peeked item (detach): it was claimed, so it cannot go back
   * to the ring; it is released as consumed.
   */
  drop(): void {
    if (this.#peeked < 0) return;
    this.#core.release(this.#peeked);
    this.#peeked = -1;
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

  /** Claims a position, re-trying an empty ring SPIN_CHECKS times; -1 if empty. */
  #claimSpinning(): number {
    let p = this.#claim(POP);
    for (let k = 0; p < 0 && k < SPIN_CHECKS; k++) p = this.#claim(POP);
    return p;
  }

  /**
   * Closed, and every position claimed by a producer claimed by a consumer:
   * nothing more can come. (A producer that claimed a position before the
   * close still publishes it, and wakes us.)
   */
  #drained(): boolean {
    return this.#core.isClosed() && this.#core.drained(POP);
  }

  /** Whether a sleeping pop should wake: an item, or closed and drained. */
  #mayGoOn(): boolean {
    return this.#core.ready(CONSUMERS, POP) || this.#drained();
  }

  #closed(): ClosedError {
    return new ClosedError(`${POP}: ring is closed and drained`);
  }

  #timeout(timeout: number | undefined): TimeoutError {
    return new TimeoutError(`${POP}: ring stayed empty for ${timeout} ms`);
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
