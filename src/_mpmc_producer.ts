// The producer calls of a sequence-scheme ring (see `_mpmc.ts`); `Producer`
// hands every call to this when its ring uses that scheme.
import type { Attachment } from "./_shm/attachment.ts";
import { sameKind } from "./_batch.ts";
import type { Codec, NumericArray } from "./_shm/codec.ts";
import { W_CLOSED } from "./_shm/layout.ts";
import { CallQueue } from "./_call_queue.ts";
import { PRODUCERS, SequenceCore } from "./_mpmc.ts";
import { deadlineOf, remaining, SPIN_CHECKS } from "./_signal.ts";
import { noneReserved, notCommitted } from "./_state_errors.ts";
import { ClosedError, TimeoutError } from "./errors.ts";
import type { SlotView } from "./item.ts";
import type { PushAsyncOptions } from "./options.ts";

const PUSH = "Cannot push item";

export class SequenceProducer<T> {
  #ring: Attachment;
  #codec: Codec<T>;
  #core: SequenceCore;
  #words: Int32Array;
  #data: NumericArray | null;
  #slots: number;
  /** The position claimed by reserve() and not yet committed, or -1. */
  #reserved = -1;
  #calls = new CallQueue();

  constructor(ring: Attachment, codec: Codec<T>) {
    this.#ring = ring;
    this.#codec = codec;
    this.#core = new SequenceCore(ring.header);
    this.#words = ring.words;
    this.#data = codec.array;
    this.#slots = ring.header.slots;
  }

  tryPush(item: T): boolean {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    const p = this.#core.claimOne(PRODUCERS, PUSH);
    if (p < 0) return false;
    this.#write(p, item);
    return true;
  }

  push(item: T, options: PushAsyncOptions): void {
    this.#readyFast(PUSH);
    this.#codec.check(item, "item");
    const deadline = deadlineOf(options, PUSH);
    let p = this.#claimSpinning();
    while (p < 0) {
      this.#ready(PUSH);
      const ms = remaining(deadline);
      if (ms === 0) throw this.#timeout(options.timeout);
      this.#core.sleep(PRODUCERS, ms, () => this.#mayGoOn());
      p = this.#core.claimOne(PRODUCERS, PUSH);
    }
    this.#write(p, item);
  }

  pushAsync(item: T, options: PushAsyncOptions): Promise<void> {
    try {
      this.#readyFast(PUSH);
      this.#codec.check(item, "item");
      const deadline = deadlineOf(options, PUSH);
      options.signal?.throwIfAborted();
      if (this.#calls.idle) {
        const p = this.#claimSpinning();
        if (p >= 0) {
          this.#write(p, item);
          return Promise.resolve();
        }
      }
      return this.#calls.run(() => this.#pushWhenRoom(item, deadline, options));
    } catch (error) {
      return this.#calls.fail(error);
    }
  }

  async #pushWhenRoom(
    item: T,
    deadline: number,
    options: PushAsyncOptions,
  ): Promise<void> {
    const { signal } = options;
    while (true) {
      this.#ready(PUSH);
      const p = this.#core.claimOne(PRODUCERS, PUSH);
      if (p >= 0) return this.#write(p, item);
      signal?.throwIfAborted();
      const ms = remaining(deadline);
      if (ms === 0) throw this.#timeout(options.timeout);
      await this.#core.sleepAsync(
        PRODUCERS,
        ms,
        () => this.#mayGoOn(),
        signal,
      );
      signal?.throwIfAborted();
    }
  }

  /** `items` is an array-like (`Producer` checked it). */
  pushMany(items: ArrayLike<T>): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    // At most a ring's worth fits; check those first, so a bad item leaves
    // the ring unchanged.
    const most = Math.min(items.length, this.#slots);
    const data = this.#data;
    const bulk = sameKind(data, items);
    if (!bulk) {
      for (let i = 0; i < most; i++) {
        this.#codec.check(items[i], i);
      }
    }
    if (most === 0) return 0;
    const [p, n] = this.#core.claimMany(PRODUCERS, most, what);
    if (n === 0) return 0;
    const start = p % this.#slots;
    const first = Math.min(n, this.#slots - start);
    if (bulk) {
      const source = items as unknown as NumericArray;
      data.set(source.subarray(0, first) as never, start);
      if (first < n) data.set(source.subarray(first, n) as never, 0);
    } else {
      for (let i = 0; i < n; i++) {
        this.#codec.write((start + i) % this.#slots, items[i] as T);
      }
    }
    this.#core.publishMany(p, n);
    return n;
  }

  reserve(): SlotView<T> | null {
    const what = "Cannot reserve slot";
    if (this.#core.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#ring.assertAttached(what);
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
    if (p < 0) throw noneReserved(what);
    this.#reserved = -1;
    // Closed meanwhile: the item is dropped, but the position is handed on,
    // so consumers can drain the positions claimed after it.
    const closed = this.#core.isClosed();
    this.#core.publish(p, closed);
    if (closed) throw new ClosedError(`${what}: ring is closed`);
  }

  /** Gives up an uncommitted reservation (detach, close). */
  drop(): void {
    if (this.#reserved < 0) return;
    this.#core.publish(this.#reserved, true);
    this.#reserved = -1;
  }

  /** See `Producer`'s `#readyFast`: a plain read of the monotonic closed flag. */
  #readyFast(what: string): void {
    if (
      this.#words[W_CLOSED] !== 0 || this.#reserved >= 0 ||
      !this.#ring.attached
    ) this.#ready(what);
  }

  #ready(what: string): void {
    if (this.#core.isClosed()) throw new ClosedError(`${what}: ring is closed`);
    this.#ring.assertAttached(what);
    if (this.#reserved >= 0) throw notCommitted(what);
  }

  /** Claims a position, re-trying a full ring SPIN_CHECKS times; -1 if full. */
  #claimSpinning(): number {
    let p = this.#core.claimOne(PRODUCERS, PUSH);
    for (let k = 0; p < 0 && k < SPIN_CHECKS; k++) {
      p = this.#core.claimOne(PRODUCERS, PUSH);
    }
    return p;
  }

  /** Whether a sleeping push should wake: room, or the ring closed. */
  #mayGoOn(): boolean {
    return this.#core.isClosed() || this.#core.ready(PRODUCERS, PUSH);
  }

  #timeout(timeout: number | undefined): TimeoutError {
    return new TimeoutError(`${PUSH}: ring stayed full for ${timeout} ms`);
  }

  /** Writes the item into p's slot, then publishes p. */
  #write(p: number, item: T): void {
    const slot = p % this.#slots;
    const data = this.#data;
    if (data !== null) data[slot] = item as never;
    else this.#codec.write(slot, item);
    this.#core.publish(p);
  }
}
