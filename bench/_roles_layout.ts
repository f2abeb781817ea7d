// Layout sketches of the textbook one-producer ring for `bench/spin_floor.ts
// --sketches=layouts` (issue 15, 16 slots): the same loop as this ring's
// per-item calls (`_roles_floor.ts`'s store sketch) over five placements of
// `in`, `out` and the slots (docs/small_rings.md has their figures, and
// those of `in` on the slots' line with `out` after them, dropped: 0.55× the
// packed sketch at 16 slots). Like the floor sketches they never sleep (the
// waiting flags are read, never raised). Below them, the add sketches: this
// ring's own protocol (one `Atomics.add` a side, the flag in the index word)
// over four placements, one way and as a round trip (`--sketches=add-layouts`
// and `add-ping`).
import { formatChecksum } from "./_checksum.ts";
import type { Run } from "./_drivers.ts";
import type { Task } from "./_protocol.ts";

/** Where a sketch keeps its words (int32 indices) and how far apart slots are. */
export interface SketchLayout {
  /** `in`, written by the producer. */
  readonly in: number;
  /** The consumer's waiting flag, read by the producer per item. */
  readonly consumerWaiting: number;
  /** `out`, written by the consumer. */
  readonly out: number;
  /** The producer's waiting flag, read by the consumer per item. */
  readonly producerWaiting: number;
  /** Word of slot 0. */
  readonly data: number;
  /** log2 of the words from one slot to the next. */
  readonly shift: number;
}

/** The sketches' layouts, by name. */
export const SKETCH_LAYOUTS = {
  // This ring's layout: `in`, `out` and the slots on a line each (16 slots).
  packed: {
    in: 16,
    consumerWaiting: 18,
    out: 32,
    producerWaiting: 34,
    data: 48,
    shift: 0,
  },
  // A cache line (16 words) per slot: a slot write never invalidates the
  // line the consumer is reading the previous slot from.
  padded: {
    in: 16,
    consumerWaiting: 18,
    out: 32,
    producerWaiting: 34,
    data: 48,
    shift: 4,
  },
  // ringbuf.js's placement: both indices and the first 12 slots on one line.
  shared: {
    in: 16,
    consumerWaiting: 18,
    out: 17,
    producerWaiting: 19,
    data: 20,
    shift: 0,
  },
  // `in` and `out` on one line, the slots packed on lines of their own.
  indices: {
    in: 16,
    consumerWaiting: 18,
    out: 17,
    producerWaiting: 19,
    data: 32,
    shift: 0,
  },
  // `in` and `out` on one line, a cache line per slot.
  "indices-padded": {
    in: 16,
    consumerWaiting: 18,
    out: 17,
    producerWaiting: 19,
    data: 32,
    shift: 4,
  },
} as const satisfies Record<string, SketchLayout>;

/** A sketch layout's name. */
export type SketchLayoutName = keyof typeof SKETCH_LAYOUTS;

/** A fresh buffer for a sketch of layout `name` with `slots` int32 slots. */
export function layoutBuffer(
  name: SketchLayoutName,
  slots: number,
): SharedArrayBuffer {
  const layout: SketchLayout = SKETCH_LAYOUTS[name];
  const words = Math.max(
    layout.data + (slots << layout.shift),
    layout.producerWaiting + 1,
  );
  return new SharedArrayBuffer(Math.ceil(words / 16) * 64);
}

/** The producer of the sketch of layout `name`: the store sketch's loop. */
export function layoutProducer(name: SketchLayoutName): (task: Task) => Run {
  return (task) => {
    const words = new Int32Array(task.buffers[0]!);
    const { count: n, slots } = task;
    const { in: IN, out: OUT, consumerWaiting: WAITING, data, shift } =
      SKETCH_LAYOUTS[name];
    return () => {
      let inValue = 0;
      let out = 0;
      for (let i = 0; i < n; i++) {
        const next = inValue + 1 === slots ? 0 : inValue + 1;
        while (next === out) out = Atomics.load(words, OUT);
        words[data + (inValue << shift)] = i;
        inValue = next;
        Atomics.store(words, IN, inValue);
        if (Atomics.load(words, WAITING) !== 0) {
          Atomics.notify(words, WAITING);
        }
      }
      return { count: n, checksum: null };
    };
  };
}

/** The consumer of the sketch of layout `name`, mirrored; checksum in locals. */
export function layoutConsumer(name: SketchLayoutName): (task: Task) => Run {
  return (task) => {
    const words = new Int32Array(task.buffers[0]!);
    const { count: n, slots } = task;
    const { in: IN, out: OUT, producerWaiting: WAITING, data, shift } =
      SKETCH_LAYOUTS[name];
    return () => {
      let inValue = 0;
      let out = 0;
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        while (inValue === out) inValue = Atomics.load(words, IN);
        a = (a + words[data + (out << shift)]!) | 0;
        b = (b + a) | 0;
        out = out + 1 === slots ? 0 : out + 1;
        Atomics.store(words, OUT, out);
        if (Atomics.load(words, WAITING) !== 0) {
          Atomics.notify(words, WAITING);
        }
      }
      return { count: n, checksum: formatChecksum(a, b) };
    };
  };
}

// The add sketches: this ring's own per-item protocol (`src/_engine/spsc.ts`)
// over four placements of `in`, `out` and the slots. Each side publishes
// with ONE `Atomics.add` on its index word, whose old value carries the
// peer's waiting bit (bit 30, as this ring's `WAITING`); the producer keeps
// a cached `out` and the consumer a cached `in`, re-read only when the ring
// looks full (empty). Textbook indices: `in` and `out` are slots, full when
// (in + 1) % BUFFER_SIZE == out. Like the other sketches they never sleep:
// the bit is read from the add's result, never raised.

/** The add sketches' waiting bit in an index word, as this ring's. */
const WAITING_BIT = 1 << 30;
/** The index below the waiting bit. */
const INDEX = WAITING_BIT - 1;

/** Where an add sketch keeps `in`, `out` (int32 indices) and its slots. */
export interface AddLayout {
  /** `in`, advanced by the producer's add; the consumer's waiting bit. */
  readonly in: number;
  /** `out`, advanced by the consumer's add; the producer's waiting bit. */
  readonly out: number;
  /** Word of slot 0. */
  readonly data: number;
  /** log2 of the words from one slot to the next. */
  readonly shift: number;
}

/** The add sketches' layouts, by name (a cache line is 16 words). */
export const ADD_LAYOUTS = {
  // This ring's: `in`, `out` and the slots on lines of their own.
  packed: { in: 16, out: 32, data: 48, shift: 0 },
  // ringbuf.js's: `in`, `out` and the first 14 slots on one line.
  shared: { in: 16, out: 17, data: 18, shift: 0 },
  // `in` on the first slots' line (15 of them), `out` on a line of its own:
  // the consumer's miss on `in` brings the item's line with it.
  "in-slots": { in: 32, out: 16, data: 33, shift: 0 },
  // A cache line per slot, `in` and `out` on lines of their own.
  padded: { in: 16, out: 32, data: 48, shift: 4 },
} as const satisfies Record<string, AddLayout>;

/** An add sketch layout's name. */
export type AddLayoutName = keyof typeof ADD_LAYOUTS;

/** A fresh buffer for an add sketch of layout `name` with `slots` int32 slots. */
export function addBuffer(
  name: AddLayoutName,
  slots: number,
): SharedArrayBuffer {
  const layout: AddLayout = ADD_LAYOUTS[name];
  const words = Math.max(
    layout.data + (slots << layout.shift),
    layout.in + 1,
    layout.out + 1,
  );
  return new SharedArrayBuffer(Math.ceil(words / 16) * 64);
}

/**
 * The producer of the add sketch of layout `name`: write `buffer[in]`, then
 * one `Atomics.add` of `in`, waking the consumer if the old word says so.
 */
export function addProducer(name: AddLayoutName): (task: Task) => Run {
  return (task) => {
    const words = new Int32Array(task.buffers[0]!);
    const { count: n, slots } = task;
    const { in: IN, out: OUT, data, shift } = ADD_LAYOUTS[name];
    return () => {
      let inValue = 0;
      let out = 0;
      for (let i = 0; i < n; i++) {
        const next = inValue + 1 === slots ? 0 : inValue + 1;
        // Full with the cached `out`: re-read it.
        while (next === out) out = Atomics.load(words, OUT) & INDEX;
        words[data + (inValue << shift)] = i;
        const was = Atomics.add(words, IN, next - inValue);
        inValue = next;
        if ((was & WAITING_BIT) !== 0) Atomics.notify(words, IN);
      }
      return { count: n, checksum: null };
    };
  };
}

/** The consumer of the add sketch of layout `name`, mirrored; checksum in locals. */
export function addConsumer(name: AddLayoutName): (task: Task) => Run {
  return (task) => {
    const words = new Int32Array(task.buffers[0]!);
    const { count: n, slots } = task;
    const { in: IN, out: OUT, data, shift } = ADD_LAYOUTS[name];
    return () => {
      let inValue = 0;
      let out = 0;
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        // Empty with the cached `in`: re-read it.
        while (inValue === out) inValue = Atomics.load(words, IN) & INDEX;
        a = (a + words[data + (out << shift)]!) | 0;
        b = (b + a) | 0;
        const next = out + 1 === slots ? 0 : out + 1;
        const was = Atomics.add(words, OUT, next - out);
        out = next;
        if ((was & WAITING_BIT) !== 0) Atomics.notify(words, OUT);
      }
      return { count: n, checksum: formatChecksum(a, b) };
    };
  };
}

/**
 * The round trip's initiator over two add sketch rings of layout `name`:
 * sends i through ring 0 (its producer), then spins for the echo on ring 1
 * (its consumer), `count` times; the checksum of the echoes in locals.
 */
export function addPingInitiator(name: AddLayoutName): (task: Task) => Run {
  return (task) => {
    const there = new Int32Array(task.buffers[0]!);
    const back = new Int32Array(task.buffers[1]!);
    const { count: n, slots } = task;
    const { in: IN, out: OUT, data, shift } = ADD_LAYOUTS[name];
    return () => {
      // Ring 0's `in` and cached `out`; ring 1's `out` and cached `in`.
      let inThere = 0;
      let outThere = 0;
      let inBack = 0;
      let outBack = 0;
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        const next = inThere + 1 === slots ? 0 : inThere + 1;
        while (next === outThere) outThere = Atomics.load(there, OUT) & INDEX;
        there[data + (inThere << shift)] = i;
        const sent = Atomics.add(there, IN, next - inThere);
        inThere = next;
        if ((sent & WAITING_BIT) !== 0) Atomics.notify(there, IN);
        while (inBack === outBack) inBack = Atomics.load(back, IN) & INDEX;
        a = (a + back[data + (outBack << shift)]!) | 0;
        b = (b + a) | 0;
        const after = outBack + 1 === slots ? 0 : outBack + 1;
        const taken = Atomics.add(back, OUT, after - outBack);
        outBack = after;
        if ((taken & WAITING_BIT) !== 0) Atomics.notify(back, OUT);
      }
      return { count: n, checksum: formatChecksum(a, b) };
    };
  };
}

/**
 * The round trip's responder: pops each item from ring 0 (its consumer) and
 * pushes it to ring 1 (its producer), spinning, `count` times.
 */
export function addPingResponder(name: AddLayoutName): (task: Task) => Run {
  return (task) => {
    const there = new Int32Array(task.buffers[0]!);
    const back = new Int32Array(task.buffers[1]!);
    const { count: n, slots } = task;
    const { in: IN, out: OUT, data, shift } = ADD_LAYOUTS[name];
    return () => {
      // Ring 0's `out` and cached `in`; ring 1's `in` and cached `out`.
      let inThere = 0;
      let outThere = 0;
      let inBack = 0;
      let outBack = 0;
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        while (inThere === outThere) inThere = Atomics.load(there, IN) & INDEX;
        const item = there[data + (outThere << shift)]!;
        const after = outThere + 1 === slots ? 0 : outThere + 1;
        const taken = Atomics.add(there, OUT, after - outThere);
        outThere = after;
        if ((taken & WAITING_BIT) !== 0) Atomics.notify(there, OUT);
        a = (a + item) | 0;
        b = (b + a) | 0;
        const next = inBack + 1 === slots ? 0 : inBack + 1;
        while (next === outBack) outBack = Atomics.load(back, OUT) & INDEX;
        back[data + (inBack << shift)] = item;
        const sent = Atomics.add(back, IN, next - inBack);
        inBack = next;
        if ((sent & WAITING_BIT) !== 0) Atomics.notify(back, IN);
      }
      return { count: n, checksum: formatChecksum(a, b) };
    };
  };
}
