// Deliberately broken rings for the conformance tests — they live only here,
// never in src/ or model/. `plainRing()` is a small, correct, independent
// implementation of the RingUnderTest interface (so the driver is shown to
// work on more than the production ring); `plainRing(bug)` differs from it in
// exactly one place, marked `BUG` below.
import type { RingFactory } from "../model/mod.ts";

/** The bugs, each a classic mistake with the textbook's `in` and `out`. */
export type Bug =
  /** The producer publishes `in` before writing `buffer[in]`. */
  | "publish-before-write"
  /** Full test without the wrap: `in + 1 == out` (textbook), `in - out > BUFFER_SIZE` (counter). */
  | "wrong-full-test"
  /** The consumer publishes `out` before reading `buffer[out]`. */
  | "release-before-read"
  /** The index wraps one slot early: `if (++in == BUFFER_SIZE - 1) in = 0`. */
  | "off-by-one-wrap"
  /** Counter scheme: the slot is `counter % BUFFER_SIZE`, which jumps at 2^32 unless BUFFER_SIZE is a power of two. */
  | "counter-modulo-index";

/** Every bug, for tests that go through them all. */
export const BUGS: readonly Bug[] = [
  "publish-before-write",
  "wrong-full-test",
  "release-before-read",
  "off-by-one-wrap",
  "counter-modulo-index",
];

/** A ring on a plain Int32Array: correct, or with one `bug`. */
export function plainRing(bug?: Bug): RingFactory {
  return ({ slots, scheme, start }) => {
    const counter = scheme === "counter";
    const cells = new Int32Array(slots);
    // The textbook's `in` and `out` (free-running counters in the counter
    // scheme, where inSlot/outSlot are the physical slots).
    let inValue = start;
    let outValue = start;
    let inSlot = 0;
    let outSlot = 0;
    let reserved = -1;
    let peeked = -1;

    const nextSlot = (slot: number) =>
      bug === "off-by-one-wrap"
        ? (slot + 1 === slots - 1 ? 0 : slot + 1) // BUG: wraps one early
        : (slot + 1) % slots;
    const next = (value: number) =>
      counter ? (value + 1) >>> 0 : nextSlot(value);
    const slotOf = (value: number, slot: number) =>
      !counter ? value : bug === "counter-modulo-index"
        ? value % slots // BUG: not the separately wrapped slot
        : slot;
    const isFull = () => {
      if (bug === "wrong-full-test") {
        // BUG: textbook without the modulo; counter with > for >=.
        return counter
          ? ((inValue - outValue) >>> 0) > slots
          : inValue + 1 === outValue;
      }
      return counter
        ? ((inValue - outValue) >>> 0) === slots
        : (inValue + 1) % slots === outValue;
    };
    const publishIn = () => {
      inValue = next(inValue);
      inSlot = nextSlot(inSlot);
    };
    const publishOut = () => {
      outValue = next(outValue);
      outSlot = nextSlot(outSlot);
    };

    const ring = {
      reserve(): number | null {
        if (isFull()) return null;
        reserved = slotOf(inValue, inSlot);
        if (bug === "publish-before-write") publishIn(); // BUG: too early
        return reserved;
      },
      write(item: number): void {
        cells[reserved] = item;
      },
      commit(): void {
        if (bug !== "publish-before-write") publishIn();
      },
      peek(): number | null {
        if (inValue === outValue) return null;
        peeked = slotOf(outValue, outSlot);
        if (bug === "release-before-read") publishOut(); // BUG: too early
        return peeked;
      },
      read(): number {
        return cells[peeked]!;
      },
      release(): void {
        if (bug !== "release-before-read") publishOut();
      },
      tryPush(item: number): boolean {
        if (ring.reserve() === null) return false;
        ring.write(item);
        ring.commit();
        return true;
      },
      tryPop(): number | undefined {
        if (ring.peek() === null) return undefined;
        const item = ring.read();
        ring.release();
        return item;
      },
      snapshot() {
        return {
          in: inValue,
          out: outValue,
          inSlot: slotOf(inValue, inSlot),
          outSlot: slotOf(outValue, outSlot),
          cells: Array.from(cells),
        };
      },
    };
    return ring;
  };
}
