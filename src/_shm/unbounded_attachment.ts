// What an UnboundedProducer and an UnboundedConsumer share: the validated
// header, the lock of their side (see `_handle_lock.ts`), and the checks of
// the shared indices made when attaching.
import { HandleLock, type Role } from "./attachment.ts";
import {
  checkRange,
  corrupted,
  readUnboundedHeader,
  type UnboundedHeader,
} from "./unbounded_header.ts";
import {
  W_HEAD,
  W_IN,
  W_IN_SLOT,
  W_OUT,
  W_OUT_SLOT,
  W_TAIL,
} from "./unbounded_layout.ts";
import { Segments } from "./segments.ts";

export class UnboundedAttachment extends HandleLock {
  readonly header: UnboundedHeader;
  readonly segments: Segments<never>;

  constructor(buffer: unknown, role: Role) {
    const what = `Cannot attach ${role}`;
    const header = readUnboundedHeader(buffer, what);
    super(header.words, role, "buffer");
    this.header = header;
    this.segments = new Segments(
      header,
      role === "producer" ? "Cannot push item" : "Cannot pop item",
    );
    // Checked before taking the lock, so a refused attach leaves it free.
    if (role === "producer") this.#checkProducerSide(what);
    else this.#checkConsumerSide(what);
    this.lock("unbounded buffer", false);
  }

  /**
   * Items in the buffer now, validated. The side's own index is read first:
   * it is stable, and the other side's index read after it can only have
   * moved towards it, so the difference never overstates.
   */
  size(what = "Cannot read size"): number {
    const producer = this.role === "producer";
    const own = Atomics.load(this.words, producer ? W_IN : W_OUT);
    const other = Atomics.load(this.words, producer ? W_OUT : W_IN);
    return this.count(producer ? own : other, producer ? other : own, what);
  }

  /** `in - out` mod 2^32, which cannot exceed the slots of all segments. */
  count(inValue: number, outValue: number, what: string): number {
    const count = (inValue - outValue) >>> 0;
    const slots = this.segments.count() * this.header.segmentSlots;
    if (count > slots) {
      throw corrupted(
        what,
        `in ${inValue >>> 0} - out ${
          outValue >>> 0
        } is ${count} items, more than the ${slots} slots of all segments`,
      );
    }
    return count;
  }

  /** The producer's words: its tail segment ends the chain; the free list ends. */
  #checkProducerSide(what: string): void {
    const { words, segmentSlots } = this.header;
    const segments = this.segments;
    const tail = Atomics.load(words, W_TAIL);
    segments.check(tail, "the tail segment", what);
    checkRange(
      Atomics.load(words, W_IN_SLOT),
      segmentSlots,
      "inSlot",
      what,
      true,
    );
    if (segments.next(tail, what) !== -1) {
      throw corrupted(what, `the tail segment ${tail} links onwards`);
    }
    this.size(what);
    const limit = segments.count();
    if (segments.countFree(limit + 1, what) > limit) {
      throw corrupted(what, "the free list loops");
    }
  }

  /**
   * The consumer's words: its head segment and the chain from it, which must
   * hold every item between `out` and `in`. The chain only grows at its end
   * meanwhile, so walking it after reading `in` cannot come up short.
   */
  #checkConsumerSide(what: string): void {
    const { words, segmentSlots } = this.header;
    const segments = this.segments;
    const head = Atomics.load(words, W_HEAD);
    segments.check(head, "the head segment", what);
    const outSlot = Atomics.load(words, W_OUT_SLOT);
    checkRange(outSlot, segmentSlots, "outSlot", what, true);
    const items = this.size(what);
    let length = 1;
    for (
      let s = segments.next(head, what);
      s !== -1;
      s = segments.next(s, what)
    ) {
      // Re-read the count: a running producer may grow the buffer and link
      // new segments while we walk. The count is bounded by maxBytes, so a
      // real loop still ends here.
      if (++length > segments.count()) {
        throw corrupted(what, "the chain of segments loops");
      }
    }
    if (length * segmentSlots - outSlot < items) {
      throw corrupted(
        what,
        `${items} items do not fit the ${length} segments chained from the head segment ${head} at slot ${outSlot}`,
      );
    }
  }
}
