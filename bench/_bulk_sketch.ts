// A sketch of the one-producer ring's batch path for `bench/bulk_floor.ts`:
// the textbook indices, each side caching the peer's index and re-reading it
// only when the batch does not fit, a copy split at the wrap with
// `TypedArray.set`, and one `Atomics.add` to publish — the production
// `pushMany`/`popMany` without their checks, with the two index words placed
// where the caller says. It exists to test one question side by side: does
// putting `in` and `out` on one cache line (as ringbuf.js does) make the
// two-thread batch path faster? Not a ring anyone should use: no close, no
// waits, no validation.

/** Where a sketch ring keeps its words; its slots start at byte 256. */
export interface SketchPlacement {
  /** Word index of `in`. */
  readonly inWord: number;
  /** Word index of `out`. */
  readonly outWord: number;
  /**
   * Whether a side moves only whole batches (returns 0 while fewer than
   * `end - start` fit): not the ring's contract ("as many as fit now"), a
   * probe of whether partial batches cost the two-thread path.
   */
  readonly whole?: boolean;
}

/** `in` and `out` on lines of their own, as src/_shm/layout.ts has them. */
export const TWO_LINES: SketchPlacement = { inWord: 16, outWord: 32 };
/** `in` and `out` side by side on one line, as ringbuf.js has them. */
export const ONE_LINE: SketchPlacement = { inWord: 16, outWord: 17 };
/** Two lines, whole batches only. */
export const WHOLE: SketchPlacement = { ...TWO_LINES, whole: true };

const DATA_BYTES = 256;

/** A fresh sketch ring's buffer with `slots` int32 slots. */
export function sketchBuffer(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(DATA_BYTES + slots * 4);
}

/** A batch call: moves up to `end - start` items, returns how many. */
export type BatchCall = (
  array: Int32Array,
  start: number,
  end: number,
) => number;

/** The sketch's producer side over `sab` (`in` starts at 0). */
export function sketchPush(
  sab: SharedArrayBuffer,
  place: SketchPlacement,
): BatchCall {
  const words = new Int32Array(sab, 0, DATA_BYTES / 4);
  const data = new Int32Array(sab, DATA_BYTES);
  const slots = data.length;
  const { inWord, outWord } = place;
  const whole = place.whole === true;
  let inValue = 0;
  let out = 0;
  return (source, start, end) => {
    const wanted = end - start;
    let used = inValue - out;
    if (used < 0) used += slots;
    let free = slots - 1 - used;
    if (free < wanted) {
      out = Atomics.load(words, outWord);
      used = inValue - out;
      if (used < 0) used += slots;
      free = slots - 1 - used;
    }
    const n = free < wanted ? (whole ? 0 : free) : wanted;
    if (n === 0) return 0;
    const first = Math.min(n, slots - inValue);
    data.set(source.subarray(start, start + first), inValue);
    if (first < n) data.set(source.subarray(start + first, start + n), 0);
    const next = inValue + n >= slots ? inValue + n - slots : inValue + n;
    Atomics.add(words, inWord, next - inValue);
    inValue = next;
    return n;
  };
}

/** The sketch's consumer side over `sab` (`out` starts at 0). */
export function sketchPop(
  sab: SharedArrayBuffer,
  place: SketchPlacement,
): BatchCall {
  const words = new Int32Array(sab, 0, DATA_BYTES / 4);
  const data = new Int32Array(sab, DATA_BYTES);
  const slots = data.length;
  const { inWord, outWord } = place;
  const whole = place.whole === true;
  let inValue = 0;
  let out = 0;
  return (sink, start, end) => {
    const wanted = end - start;
    let available = inValue - out;
    if (available < 0) available += slots;
    if (available < wanted) {
      inValue = Atomics.load(words, inWord);
      available = inValue - out;
      if (available < 0) available += slots;
    }
    const n = available < wanted ? (whole ? 0 : available) : wanted;
    if (n === 0) return 0;
    const first = Math.min(n, slots - out);
    sink.set(data.subarray(out, out + first), start);
    if (first < n) sink.set(data.subarray(0, n - first), start + first);
    const next = out + n >= slots ? out + n - slots : out + n;
    Atomics.add(words, outWord, next - out);
    out = next;
    return n;
  };
}
