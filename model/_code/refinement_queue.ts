// The abstract state of the one-producer ring and the unbounded buffer for
// the refinement check (refinement.ts): `in`, `out` and the items between
// them, read through inspectRing() / inspectUnbounded().
import type { RingModule } from "./scenario_types.ts";

/** The abstract shared state of a one-producer ring or unbounded buffer. */
export interface Queue {
  readonly in: number;
  readonly out: number;
  readonly inSlot: number;
  readonly outSlot: number;
  /** The raw items between `out` and `in`, oldest first. */
  readonly items: readonly number[];
}

/** Reads the queue of a ring or unbounded buffer. */
export interface QueueReader {
  read(sab: SharedArrayBuffer, prev: Queue | null): Queue | string;
  /** The model's scheme and the counters' start. */
  readonly scheme: "textbook" | "counter" | "unbounded";
  readonly slots: number;
  readonly start: number;
}

/** The queue, as the table shows it: `in 1, out 0, [11]`. */
export function show(q: Queue): string {
  return `in ${q.in}, out ${q.out}, [${q.items.join(" ")}]`;
}

/** Where a counter ring's counters wrap (`src/_shm/layout.ts`, COUNTER_LIMIT). */
const RING_COUNTER_WRAP = 2 ** 30;

/** The one-producer ring's reader (textbook and counter schemes). */
export function ringReader(
  ring: RingModule,
  sab: SharedArrayBuffer,
  start: number,
): QueueReader {
  const first = ring.inspectRing(sab);
  const scheme = first.scheme as "textbook" | "counter";
  const slots = first.slots as number;
  return {
    scheme,
    slots,
    start,
    read(buffer) {
      const s = ring.inspectRing(buffer);
      // The counter scheme's slot words are not part of it: they pass from a
      // handle to the next one of its side through the attachment lock
      // (checked when it attaches), and a step's plain code may already
      // hold the next publish's write of the word. The slots of the model
      // (wrapped separately from the counters) are the counters' distance
      // from their start, modulo BUFFER_SIZE.
      const slotOf = (counter: number) =>
        scheme === "textbook" ? counter : ((counter - start) >>> 0) % slots;
      // The ring's counters wrap at 2^30 (below their words' flag bits), the
      // model's at 2^32: a counter is shown as the model's, the same
      // distance from the start.
      const lift = (c: number) =>
        scheme === "textbook"
          ? c
          : (start + (c - start + RING_COUNTER_WRAP) % RING_COUNTER_WRAP) >>> 0;
      const inValue = lift(s.in);
      const outValue = lift(s.out);
      const inSlot = slotOf(inValue);
      const outSlot = slotOf(outValue);
      const size = Math.min(s.size, slots);
      const data = new Int32Array(buffer, s.offsets.data, slots * s.stride / 4);
      const stride = s.stride / 4;
      const items: number[] = [];
      for (let k = 0; k < size; k++) {
        const slot = (outSlot + k) % slots;
        items.push(Atomics.load(data, slot * stride));
      }
      return { in: inValue, out: outValue, inSlot, outSlot, items };
    },
  };
}

/**
 * The unbounded buffer's reader. The consumer moves its head segment and
 * slot with stores of their own before `out`, so the window is read from a
 * cursor of our own: where `out` points, moved along the links when `out`
 * moves (and onto the next segment as soon as it is linked, before the
 * consumer may recycle the one it leaves).
 */
export function unboundedReader(
  ring: RingModule,
  sab: SharedArrayBuffer,
): QueueReader & { reset(sab: SharedArrayBuffer): void } {
  const first = ring.inspectUnbounded(sab);
  const { segmentSlots, segmentBytes, stride } = first;
  const dataOffset = first.offsets.data as number;
  const slotOffset = first.offsets.slots as number;
  let seg = first.head as number;
  let slot = first.outSlot as number;
  let out = first.out as number;
  const link = (buffer: SharedArrayBuffer, index: number): number =>
    Atomics.load(
      new Int32Array(buffer, dataOffset + index * segmentBytes, 1),
      0,
    ) - 1;
  const hop = (buffer: SharedArrayBuffer): boolean => {
    while (slot >= segmentSlots) {
      const next = link(buffer, seg);
      if (next < 0) return false;
      seg = next;
      slot -= segmentSlots;
    }
    return true;
  };
  const reader: QueueReader & { reset(sab: SharedArrayBuffer): void } = {
    scheme: "unbounded",
    slots: 0,
    start: 0,
    reset(buffer) {
      const s = ring.inspectUnbounded(buffer);
      seg = s.head;
      slot = s.outSlot;
      out = s.out;
    },
    read(buffer) {
      const s = ring.inspectUnbounded(buffer);
      slot += (s.out - out) >>> 0;
      out = s.out;
      hop(buffer);
      const items: number[] = [];
      let at = seg;
      let k = slot;
      for (let j = 0; j < Math.min(s.size, 64); j++) {
        while (k >= segmentSlots) {
          const next = link(buffer, at);
          if (next < 0) {
            return `in ${s.in} counts ${
              s.size - j
            } more item(s) past segment ${at}, which links nowhere`;
          }
          at = next;
          k -= segmentSlots;
        }
        const offset = dataOffset + at * segmentBytes + slotOffset +
          k * stride;
        items.push(Atomics.load(new Int32Array(buffer, offset, 1), 0));
        k++;
      }
      return { in: s.in, out: s.out, inSlot: 0, outSlot: 0, items };
    },
  };
  return reader;
}
