// The sequence ring's producer (see `sequence.ts`): many may push at once,
// each claiming its position with a compareExchange of `in`.
import type { Attachment } from "../_shm/attachment.ts";
import type { Codec, NumericArray } from "../_shm/codec.ts";
import { W_CLOSED } from "../_shm/layout.ts";
import { deadlineOf, markClosed } from "../_wait/signal.ts";
import {
  type Blocked,
  CallQueue,
  type Gate,
  waitAsync,
  waitSync,
} from "../_wait/wait.ts";
import { checkItems, noneReserved, notCommitted, sameKind } from "./checks.ts";
import type { WaitingProducerEngine } from "./engine.ts";
import { CONSUMERS, PRODUCERS, SequenceCore } from "./sequence.ts";
import { ClosedError, TimeoutError } from "../errors.ts";
import type { SlotView } from "../item.ts";
import type { PushAsyncOptions } from "../options.ts";

const PUSH = "Cannot push item";

export class SequenceProducer<T> implements WaitingProducerEngine<T>, Blocked {
  readonly gate: Gate;
  readonly calls: CallQueue = new CallQueue();
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

  constructor(ring: Attachment, codec: Codec<T>) {
    this.#ring = ring;
    this.#codec = codec;
    this.#core = new SequenceCore(ring.header);
    this.#words = ring.words;
    this.#data = codec.array;
    this.#slots = ring.header.slots;
    this.gate = this.#core.gate(PRODUCERS);
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
    if (!this.poll()) waitSync(this, deadline, options.timeout);
    this.#write(this.#claimed, item);
  }

  pushAsync(item: T, options: PushAsyncOptions): Promise<void> {
    try {
      this.#readyFast(PUSH);
      this.#codec.check(item, "item");
      const deadline = deadlineOf(options, PUSH);
      return waitAsync(
        this,
        deadline,
        options,
        () => this.#write(this.#claimed, item),
      );
    } catch (error) {
      return this.calls.fail(error);
    }
  }

  pushMany(items: ArrayLike<T>): number {
    const what = "Cannot push items";
    this.#readyFast(what);
    checkItems(items, what);
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

  close(): void {
    if (this.#ring.attached) {
      markClosed(this.#words, [PRODUCERS.futex, CONSUMERS.futex]);
    }
    this.detach();
  }

  /** Gives up an uncommitted reservation, then the ring. */
  detach(): void {
    if (this.#ring.attached && this.#reserved >= 0) {
      this.#core.publish(this.#reserved, true);
    }
    this.#reserved = -1;
    this.#ring.detach();
  }

  /** Blocked: claims a position (`#claimed`) when the ring has room. */
  poll(): boolean {
    this.#claimed = this.#core.claimOne(PRODUCERS, PUSH);
    return this.#claimed >= 0;
  }

  /** Blocked: a full ring's producers wait until closed or detached. */
  end(): boolean {
    this.ready();
    return false;
  }

  ready(): void {
    this.#ready(PUSH);
  }

  timeout(ms: number | undefined): TimeoutError {
    return new TimeoutError(`${PUSH}: ring stayed full for ${ms} ms`);
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

  /** Writes the item into p's slot, then publishes p. */
  #write(p: number, item: T): void {
    const slot = p % this.#slots;
    const data = this.#data;
    if (data !== null) data[slot] = item as never;
    else this.#codec.write(slot, item);
    this.#core.publish(p);
  }
}
