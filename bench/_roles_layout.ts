// Layout sketches of the textbook one-producer ring for `bench/spin_floor.ts
// --sketches=layouts` (issue 15, 16 slots): the same loop as this ring's
// per-item calls (`_roles_floor.ts`'s store sketch) over five placements of
// `in`, `out` and the slots (docs/small_rings.md has their figures, and
// those of `in` on the slots' line with `out` after them, dropped: 0.55× the
// packed sketch at 16 slots). Like the floor sketches they never sleep (the
// waiting flags are read, never raised).
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
