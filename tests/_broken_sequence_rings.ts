// Deliberately broken sequence rings for the MPMC conformance tests — they
// live only here, never in src/ or model/. `plainSequenceRing()` is a small,
// correct, independent implementation of SequenceRingUnderTest on plain
// arrays (so the driver is shown to work on more than the production ring);
// `plainSequenceRing(bug)` differs from it in exactly one place, marked BUG.
import type {
  SequenceProbe,
  SequenceRingFactory,
  SequenceSide,
} from "../model/mod.ts";

/** The bugs, each a classic mistake with Vyukov's queue. */
export type SequenceBug =
  /** Claims by a plain store of `in`/`out` instead of a compareExchange. */
  | "store-instead-of-cas"
  /** A producer takes a slot whose previous item was not consumed yet. */
  | "ignore-lap"
  /** Publishes seq = p (the producer's value) instead of p + 1. */
  | "publish-without-increment"
  /** Releases seq = p + 1 instead of p + BUFFER_SIZE: the slot looks full again. */
  | "release-one-lap-short"
  /** tryPush answers true on a full ring, pushing nothing. */
  | "try-push-lies";

/** Every bug, for tests that go through them all. */
export const SEQUENCE_BUGS: readonly SequenceBug[] = [
  "store-instead-of-cas",
  "ignore-lap",
  "publish-without-increment",
  "release-one-lap-short",
  "try-push-lies",
];

/** A sequence ring on plain arrays: correct, or with one `bug`. */
export function plainSequenceRing(bug?: SequenceBug): SequenceRingFactory {
  return ({ slots, start }) => {
    const limit = 2 ** 31 - 2 ** 31 % slots;
    const plus = (p: number, n: number) => (p + n) % limit;
    const distance = (a: number, b: number) => {
      const d = (a - b + limit) % limit;
      return d > limit / 2 ? d - limit : d;
    };
    const cells: number[] = new Array(slots).fill(0);
    // Slot i first expects the first position at or after `start` on it.
    const sequences = cells.map((_, i) =>
      plus(start, ((i - start % slots) % slots + slots) % slots)
    );
    const positions = { in: start, out: start };
    const probe = (side: SequenceSide, p: number): SequenceProbe => {
      const want = side === "in" ? p : plus(p, 1);
      const d = distance(sequences[p % slots]!, want);
      if (d === 0) return "ready";
      // BUG: a slot one lap behind (its item unread) looks free.
      if (bug === "ignore-lap" && side === "in" && d === 1 - slots) {
        return "ready";
      }
      return d < 0 ? "blocked" : "taken";
    };
    const claim = (side: SequenceSide, p: number) => {
      if (bug === "store-instead-of-cas") {
        positions[side] = plus(p, 1); // BUG: no compare
        return true;
      }
      if (positions[side] !== p) return false;
      positions[side] = plus(p, 1);
      return true;
    };
    const claimOne = (side: SequenceSide) => {
      while (true) {
        const p = positions[side];
        const answer = probe(side, p);
        if (answer === "blocked") return -1;
        if (answer === "ready" && claim(side, p)) return p;
      }
    };
    const ring = {
      load: (side: SequenceSide) => positions[side],
      probe,
      claim,
      write(p: number, item: number) {
        cells[p % slots] = item;
      },
      publish(p: number) {
        // BUG: leaves the producer's own value.
        sequences[p % slots] = bug === "publish-without-increment"
          ? p
          : plus(p, 1);
      },
      read: (p: number) => cells[p % slots]!,
      release(p: number) {
        // BUG: one lap short.
        sequences[p % slots] = plus(
          p,
          bug === "release-one-lap-short" ? 1 : slots,
        );
      },
      tryPush(_process: number, item: number) {
        const p = claimOne("in");
        if (p < 0) return bug === "try-push-lies"; // BUG: true when full
        ring.write(p, item);
        ring.publish(p);
        return true;
      },
      tryPop(_process: number) {
        const p = claimOne("out");
        if (p < 0) return undefined;
        const item = ring.read(p);
        ring.release(p);
        return item;
      },
      observe: () => ({
        in: positions.in,
        out: positions.out,
        sequences: [...sequences],
        cells: [...cells],
      }),
      save: () => ({
        cells: [...cells],
        sequences: [...sequences],
        positions: { ...positions },
      }),
      restore(saved: unknown) {
        const s = saved as ReturnType<typeof ring.save>;
        cells.splice(0, slots, ...s.cells);
        sequences.splice(0, slots, ...s.sequences);
        Object.assign(positions, s.positions);
      },
    };
    return ring;
  };
}
