// Deliberately broken rings for the conformance tests, one fixture for every
// ring kind — they live only here, never in src/ or model/. `plainRing()`
// (RingUnderTest: one producer, one consumer) and `plainSequenceRing()`
// (SequenceRingUnderTest: Vyukov's queue, many of each) are small, correct,
// independent implementations on plain arrays (so the driver is shown to
// work on more than the production rings); `plainRing(bug)` and
// `plainSequenceRing(bug)` differ from them in exactly one place, marked
// `BUG` below. Rings broken from outside: `drifting()`, `unrepeatable()` and
// `forgetful()` (not deterministic, for the replay checks), `throwing()` and
// `throwingSequence()` (a call that throws), and `brokenUnbounded(bug)` (the
// unbounded buffer with one bug of its own).
import {
  productionRing,
  productionSequenceRing,
  type RingFactory,
  type RingUnderTest,
  type SequenceProbe,
  type SequenceRingFactory,
  type SequenceSide,
} from "../model/mod.ts";
import { unboundedUnderTest } from "../model/_lockstep/unbounded_ring.ts";
import { createUnbounded, inspectUnbounded } from "../mod.ts";
import { W_FREE } from "../src/_shm/unbounded_layout.ts";
import { linkOffset } from "./_unbounded_helpers.ts";

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

// --- sequence rings (many producers, many consumers) ---------------------

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

/** The bugs of the unbounded buffer, each in how it links or waits. */
export type UnboundedBug =
  /** The head segment goes on the free list once read, though still linked. */
  | "recycle-head-early"
  /** The producer does not link a new tail from the segment before it. */
  | "forget-link"
  /** The producer is "full" at two items, as if BUFFER_SIZE were 3. */
  | "wait-when-full";

/** Every unbounded bug, for tests that go through them all. */
export const UNBOUNDED_BUGS: readonly UnboundedBug[] = [
  "recycle-head-early",
  "forget-link",
  "wait-when-full",
];

/** The production buffer under test with `bug` applied after each call. */
function withBug(
  bug: (sab: SharedArrayBuffer, call: string) => void,
): RingFactory {
  return (config) => {
    const sab = createUnbounded({ item: "int32", segmentSlots: config.slots });
    const ring = unboundedUnderTest(sab, config);
    const wrapped: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(ring)) {
      wrapped[name] = (...args: never[]) => {
        const result = (method as (...args: never[]) => unknown)(...args);
        if (name !== "snapshot") bug(sab, name);
        return result;
      };
    }
    return wrapped as unknown as RingUnderTest;
  };
}

/** The production unbounded buffer under test, with one `bug`. */
export function brokenUnbounded(bug: UnboundedBug): RingFactory {
  switch (bug) {
    case "recycle-head-early": {
      const freed = new WeakMap<SharedArrayBuffer, Set<number>>();
      return withBug((sab, call) => {
        if (call !== "release" && call !== "tryPop") return;
        const s = inspectUnbounded(sab);
        const done = freed.get(sab) ?? new Set<number>();
        freed.set(sab, done);
        if (s.outSlot < s.segmentSlots || done.has(s.head)) return;
        // BUG: every slot of the head segment is read, so it goes on the free
        // list at once, though the consumer still needs its link.
        done.add(s.head);
        const words = new Int32Array(sab);
        words[linkOffset(sab, s.head) / 4] = words[W_FREE]!;
        words[W_FREE] = s.head + 1;
      });
    }
    case "forget-link":
      return withBug((sab, call) => {
        if (call !== "reserve" && call !== "tryPush") return;
        // BUG: the new tail is not linked from the segment before it.
        for (const segment of inspectUnbounded(sab).chain.slice(0, -1)) {
          const { tail } = inspectUnbounded(sab);
          if (segment !== tail) {
            new Int32Array(sab)[linkOffset(sab, segment) / 4] = 0;
          }
        }
      });
    case "wait-when-full":
      return (config) => {
        const ring = unboundedUnderTest(
          createUnbounded({ item: "int32", segmentSlots: config.slots }),
          config,
        );
        // BUG: "full" at two items, as if BUFFER_SIZE were 3.
        const full = () => ring.snapshot().in - ring.snapshot().out >= 2;
        return {
          ...ring,
          reserve: () => (full() ? null : ring.reserve()),
          tryPush: (item) => (full() ? false : ring.tryPush!(item)),
        };
      };
  }
}

/**
 * The production one-producer ring, except that every ring made after a
 * call on any of them starts one push and pop further on: replaying the
 * same calls on a fresh ring then shows another state.
 */
export function drifting(): RingFactory {
  let used = false;
  return (config) => {
    const ring = productionRing(config);
    if (used) {
      ring.tryPush!(1);
      ring.tryPop!();
    }
    const calls: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(ring)) {
      calls[name] = typeof value !== "function" || name === "snapshot"
        ? value
        : (...args: unknown[]) => {
          used = true;
          return value(...args);
        };
    }
    return calls as unknown as RingUnderTest;
  };
}

/** The production sequence ring with a `restore()` that restores nothing. */
export function forgetful(): SequenceRingFactory {
  return (config) => ({ ...productionSequenceRing(config), restore() {} });
}

/**
 * A plain ring whose first two copies (the capability probe and the root)
 * start empty at 0 and later ones at 1, so replaying a path does not
 * reproduce its state.
 */
export function unrepeatable(): RingFactory {
  let made = 0;
  return (config) => plainRing()({ ...config, start: ++made <= 2 ? 0 : 1 });
}

/** The production one-producer ring, whose `release()` throws "boom". */
export function throwing(): RingFactory {
  return (config) => ({
    ...productionRing(config),
    release() {
      throw new Error("boom");
    },
  });
}

/** The production sequence ring, whose `release()` throws "boom". */
export function throwingSequence(): SequenceRingFactory {
  return (config) => {
    const ring = productionSequenceRing(config);
    return {
      ...ring,
      release() {
        throw new Error("boom");
      },
    };
  };
}
