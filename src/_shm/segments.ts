// The segments of an unbounded buffer as one handle sees them: their item
// codecs, the links of the chain from the consumer's head segment to the
// producer's tail segment, and the free list of recycled segments.
//
// The free list is a stack in shared memory threaded through the link words.
// The consumer pushes the segments it has left; the producer pushes segments
// it has just grown and pops them all. Pushes and pops are compare-and-swap
// on the head word; as only the producer pops, no segment can leave the stack
// and come back between a pop's load and its CAS (no ABA).
//
// A segment between two of these places (popped and not yet linked, grown
// and not yet pushed, left and not yet pushed) is named by its handle's
// segment record (`unbounded_layout.ts`), so a supervisor can give it back
// if the handle dies there (`reclaimSegments` in `recover_unbounded.ts`).
import { type Codec, makeCodec } from "./codec.ts";
import { corrupted, type UnboundedHeader } from "./unbounded_header.ts";
import {
  NO_SEGMENT,
  SEGMENT_HEADER,
  W_FREE,
  W_GROWN,
  W_HEAD,
  W_LEAVING,
  W_TAIL,
  W_TAKING,
} from "./unbounded_layout.ts";

export class Segments<T> {
  readonly header: UnboundedHeader;
  /** Every word of the buffer: a length-tracking view, so it grows with it. */
  readonly #all: Int32Array;
  /** Every byte of the buffer, length-tracking, for zero-filling. */
  readonly #bytes: Uint8Array;
  readonly #codecs: (Codec<T> | undefined)[] = [];
  /** Prefixes item errors of the codecs ("Cannot push item"). */
  readonly #itemWhat: string;

  constructor(header: UnboundedHeader, itemWhat: string) {
    this.header = header;
    this.#all = new Int32Array(header.buffer);
    this.#bytes = new Uint8Array(header.buffer);
    this.#itemWhat = itemWhat;
  }

  /** Segments in the buffer now (they are never removed). */
  count(): number {
    const { buffer, dataOffset, segmentBytes } = this.header;
    return Math.floor((buffer.byteLength - dataOffset) / segmentBytes);
  }

  /** Byte offset of segment `index`. */
  offset(index: number): number {
    return this.header.dataOffset + index * this.header.segmentBytes;
  }

  /**
   * The codec of segment `index`'s slots, made once: a segment never moves,
   * so views made after it exists stay valid however the buffer grows.
   */
  codec(index: number): Codec<T> {
    const { item, buffer, segmentSlots } = this.header;
    return this.#codecs[index] ??= makeCodec<T>(
      item,
      buffer,
      this.offset(index) + SEGMENT_HEADER,
      segmentSlots,
      this.#itemWhat,
    );
  }

  /** Throws unless `index` names a segment of the buffer now. */
  check(index: number, name: string, what: string): void {
    const count = this.count();
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw corrupted(what, `${name} is ${index}, outside [0, ${count})`);
    }
  }

  /** Segment `index`'s successor in the chain (validated), or -1 for none. */
  next(index: number, what: string): number {
    const link = Atomics.load(this.#all, this.offset(index) / 4);
    if (link === NO_SEGMENT) return -1;
    this.check(link - 1, `the link of segment ${index}`, what);
    if (link - 1 === index) {
      throw corrupted(what, `segment ${index} links to itself`);
    }
    return link - 1;
  }

  /** The count at which the producer entered segment `index`. */
  first(index: number): number {
    return Atomics.load(this.#all, this.offset(index) / 4 + 1);
  }

  /** Records that the producer enters segment `index` at count `first`. */
  enter(index: number, first: number): void {
    Atomics.store(this.#all, this.offset(index) / 4 + 1, first);
  }

  /**
   * Makes `to`, the segment the producer took, the successor of `from`;
   * then `to` is in the chain, and its record is cleared.
   */
  link(from: number, to: number): void {
    Atomics.store(this.#all, this.offset(from) / 4, to + 1);
    Atomics.store(this.header.words, W_TAKING, NO_SEGMENT);
  }

  /** Makes segment `index` link nowhere (a supervisor's rollback). */
  cut(index: number): void {
    Atomics.store(this.#all, this.offset(index) / 4, NO_SEGMENT);
  }

  /** Records that the consumer leaves segment `index` (before `head` moves). */
  leaving(index: number): void {
    Atomics.store(this.header.words, W_LEAVING, index + 1);
  }

  /** Pushes the segment the consumer left on the free list; clears its record. */
  left(index: number): void {
    this.free(index);
    Atomics.store(this.header.words, W_LEAVING, NO_SEGMENT);
  }

  /** Pushes segment `index` on the free list. */
  free(index: number): void {
    const { words } = this.header;
    const linkWord = this.offset(index) / 4;
    while (true) {
      const top = Atomics.load(words, W_FREE);
      Atomics.store(this.#all, linkWord, top);
      if (Atomics.compareExchange(words, W_FREE, top, index + 1) === top) {
        return;
      }
    }
  }

  /**
   * Pops a recycled segment and zero-fills it (no link, no stale items);
   * -1 when the free list is empty. Producer only.
   */
  take(what: string): number {
    const { words, segmentBytes } = this.header;
    while (true) {
      const top = Atomics.load(words, W_FREE);
      if (top === NO_SEGMENT) return -1;
      const index = this.#freeEntry(top, what);
      const below = Atomics.load(this.#all, this.offset(index) / 4);
      // Recorded before the pop, so no death leaves a popped segment
      // unnamed; after a failed pop it names a segment still on the list.
      Atomics.store(words, W_TAKING, top);
      // A failed CAS means the consumer pushed meanwhile: try again.
      if (Atomics.compareExchange(words, W_FREE, top, below) === top) {
        const start = this.offset(index);
        this.#bytes.fill(0, start, start + segmentBytes);
        return index;
      }
    }
  }

  /**
   * Free-list entries, counted up to `limit`. Entries below the head seen
   * first stay put (only the producer pops), so the count is a lower bound
   * that later pushes only raise.
   */
  countFree(limit: number, what: string): number {
    let n = 0;
    let link = Atomics.load(this.header.words, W_FREE);
    while (link !== NO_SEGMENT && n < limit) {
      const index = this.#freeEntry(link, what);
      n++;
      link = Atomics.load(this.#all, this.offset(index) / 4);
    }
    return n;
  }

  /**
   * Makes sure `n` segments can be taken: counts the free list and grows the
   * buffer by the rest, pushing the new segments on the free list. Returns
   * `false`, having changed nothing, when growing would pass `maxBytes`.
   * Producer only.
   */
  ensure(n: number, what: string): boolean {
    const missing = n - this.countFree(n, what);
    if (missing <= 0) return true;
    const { buffer, maxBytes } = this.header;
    const first = this.count();
    const byteLength = this.offset(first + missing);
    if (byteLength > maxBytes) return false;
    // Recorded first: until every new segment is on the free list, a dead
    // producer's supervisor pushes those that are not.
    Atomics.store(this.header.words, W_GROWN, first + 1);
    // Grow first: the new segments exist (zeroed) before any word points at
    // them, so no thread can follow a link past the end of its buffer.
    buffer.grow(byteLength);
    for (let i = first + missing - 1; i >= first; i--) this.free(i);
    Atomics.store(this.header.words, W_GROWN, NO_SEGMENT);
    return true;
  }

  /**
   * The free list's segments as one snapshot, for a supervisor. A pop may
   * rewrite the link of a segment being walked, so the walk is repeated
   * until the head word did not change during it (a popped segment cannot
   * come back meanwhile: the consumer that would push it is the dead one).
   */
  freeSnapshot(what: string): Set<number> {
    const { words } = this.header;
    while (true) {
      const top = Atomics.load(words, W_FREE);
      const seen = new Set<number>();
      const count = this.count();
      let why = "";
      for (let link = top; link !== NO_SEGMENT;) {
        const index = link - 1;
        if (index < 0 || index >= count) {
          why = `a free-list entry is ${index}, outside [0, ${count})`;
        } else if (seen.has(index)) why = "the free list loops";
        if (why !== "") break;
        seen.add(index);
        link = Atomics.load(this.#all, this.offset(index) / 4);
      }
      if (Atomics.load(words, W_FREE) !== top) continue;
      if (why !== "") throw corrupted(what, why);
      return seen;
    }
  }

  /** Whether segment `index` is `from` or chained after it. */
  chained(from: number, index: number, what: string): boolean {
    let steps = 0;
    for (let s = from; s !== -1; s = this.next(s, what)) {
      if (s === index) return true;
      if (++steps > this.count()) {
        throw corrupted(what, "the chain of segments loops");
      }
    }
    return false;
  }

  /** A free-list word's segment, refused when it is impossible or in use. */
  #freeEntry(link: number, what: string): number {
    const index = link - 1;
    this.check(index, "a free-list entry", what);
    const { words } = this.header;
    if (
      index === Atomics.load(words, W_HEAD) ||
      index === Atomics.load(words, W_TAIL)
    ) {
      throw corrupted(
        what,
        `free-list entry ${index} is a segment in use (head ${
          Atomics.load(words, W_HEAD)
        }, tail ${Atomics.load(words, W_TAIL)})`,
      );
    }
    return index;
  }
}
