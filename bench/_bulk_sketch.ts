// Sketches of the one-producer ring's batch path for `bench/bulk_floor.ts`:
// the production `pushMany`/`popMany` (textbook indices, each side caching
// the peer's index and re-reading it only when the batch does not fit, a
// copy split at the wrap with `TypedArray.set`, one `Atomics.add` to
// publish) without their checks, and variants that each change one thing
// towards what ringbuf.js does — where the index words sit, where the slots
// start, re-reading both indices on every call, publishing with a store,
// copying with a loop — to find side by side which of them the two-thread
// batch path is sensitive to. Not rings anyone should use: no close, no
// waits, no validation.

/** One variant of the sketch. */
export interface Sketch {
  /** Word index of `in`. */
  readonly inWord: number;
  /** Word index of `out`. */
  readonly outWord: number;
  /** Byte offset of slot 0 (a multiple of 4). */
  readonly dataByte: number;
  /**
   * Keep the peer's index and re-read it only when the batch does not fit
   * (as this ring does), or re-read both indices on every call (ringbuf.js).
   */
  readonly cache: boolean;
  /** Publish with `Atomics.add` (this ring) or `Atomics.store` (ringbuf.js). */
  readonly publish: "add" | "store";
  /**
   * Which sides copy with a plain indexed loop instead of `TypedArray.set`
   * (ringbuf.js copies with a loop when the batch is part of an array).
   */
  readonly loop: "none" | "push" | "pop" | "both";
  /**
   * Move only whole batches (return 0 while fewer than `end - start` fit):
   * not the ring's contract ("as many as fit now"), a probe of whether
   * partial batches cost the two-thread path.
   */
  readonly whole: boolean;
}

/** The production path: indices on lines of their own, slots at byte 256. */
export const PRODUCTION: Sketch = {
  inWord: 16,
  outWord: 32,
  dataByte: 256,
  cache: true,
  publish: "add",
  loop: "none",
  whole: false,
};

/** What ringbuf.js does: each of this ring's choices the other way. */
const RINGBUF_LIKE: Sketch = {
  inWord: 0,
  outWord: 1,
  dataByte: 8,
  cache: false,
  publish: "store",
  loop: "both",
  whole: false,
};

/** The variants `bulk_floor.ts` runs, by id, each with what it changes. */
export const SKETCHES: Readonly<Record<string, [string, Sketch]>> = {
  "sk": ["as this ring", PRODUCTION],
  "sk-line": [
    "in and out on one line",
    { ...PRODUCTION, inWord: 16, outWord: 17 },
  ],
  "sk-shift": ["slots 8 bytes off the line", {
    ...PRODUCTION,
    dataByte: 264,
  }],
  "sk-whole": ["whole batches only", { ...PRODUCTION, whole: true }],
  "sk-loop": ["copies by a loop", { ...PRODUCTION, loop: "both" }],
  "sk-reread": ["re-reads both indices", { ...PRODUCTION, cache: false }],
  "sk-store": ["publishes by a store", { ...PRODUCTION, publish: "store" }],
  "sk-rb": ["all as ringbuf.js", RINGBUF_LIKE],
  "sk-rb-set": ["as ringbuf.js, but set", { ...RINGBUF_LIKE, loop: "none" }],
  "sk-rb-cache": ["as ringbuf.js, but cached", {
    ...RINGBUF_LIKE,
    cache: true,
  }],
  "sk-rb-add": ["as ringbuf.js, but add", { ...RINGBUF_LIKE, publish: "add" }],
  "sk-rb-data": ["as ringbuf.js, but slots at 256", {
    ...RINGBUF_LIKE,
    dataByte: 256,
  }],
  "sk-rb-lines": ["as ringbuf.js, but two lines", {
    ...RINGBUF_LIKE,
    inWord: 16,
    outWord: 32,
    dataByte: 256,
  }],
};

/** A fresh sketch ring's buffer with `slots` int32 slots. */
export function sketchBuffer(sketch: Sketch, slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(sketch.dataByte + slots * 4);
}

/** A batch call: moves up to `end - start` items, returns how many. */
export type BatchCall = (
  array: Int32Array,
  start: number,
  end: number,
) => number;

/** `to[at + i] = from[start + i]` for i < n, unrolled as ringbuf.js does. */
function loopCopy(
  from: Int32Array,
  to: Int32Array,
  span: { start: number; at: number; n: number },
): void {
  const { start, at, n } = span;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    to[at + i] = from[start + i]!;
    to[at + i + 1] = from[start + i + 1]!;
    to[at + i + 2] = from[start + i + 2]!;
    to[at + i + 3] = from[start + i + 3]!;
    to[at + i + 4] = from[start + i + 4]!;
    to[at + i + 5] = from[start + i + 5]!;
    to[at + i + 6] = from[start + i + 6]!;
    to[at + i + 7] = from[start + i + 7]!;
  }
  for (; i < n; i++) to[at + i] = from[start + i]!;
}

/** The sketch's producer side over `sab` (`in` starts at 0). */
export function sketchPush(sab: SharedArrayBuffer, sketch: Sketch): BatchCall {
  const { inWord, outWord, dataByte, cache, whole } = sketch;
  const words = new Int32Array(sab, 0, 2 + Math.max(inWord, outWord));
  const data = new Int32Array(sab, dataByte);
  const slots = data.length;
  const loop = sketch.loop === "both" || sketch.loop === "push";
  const store = sketch.publish === "store";
  let inValue = 0;
  let out = 0;
  return (source, start, end) => {
    const wanted = end - start;
    if (!cache) inValue = Atomics.load(words, inWord);
    let used = inValue - out;
    if (used < 0) used += slots;
    let free = slots - 1 - used;
    if (!cache || free < wanted) {
      out = Atomics.load(words, outWord);
      used = inValue - out;
      if (used < 0) used += slots;
      free = slots - 1 - used;
    }
    const n = free < wanted ? (whole ? 0 : free) : wanted;
    if (n === 0) return 0;
    const first = Math.min(n, slots - inValue);
    if (loop) {
      loopCopy(source, data, { start, at: inValue, n: first });
      loopCopy(source, data, { start: start + first, at: 0, n: n - first });
    } else {
      data.set(source.subarray(start, start + first), inValue);
      if (first < n) data.set(source.subarray(start + first, start + n), 0);
    }
    const next = inValue + n >= slots ? inValue + n - slots : inValue + n;
    if (store) Atomics.store(words, inWord, next);
    else Atomics.add(words, inWord, next - inValue);
    inValue = next;
    return n;
  };
}

/** The sketch's consumer side over `sab` (`out` starts at 0). */
export function sketchPop(sab: SharedArrayBuffer, sketch: Sketch): BatchCall {
  const { inWord, outWord, dataByte, cache, whole } = sketch;
  const words = new Int32Array(sab, 0, 2 + Math.max(inWord, outWord));
  const data = new Int32Array(sab, dataByte);
  const slots = data.length;
  const loop = sketch.loop === "both" || sketch.loop === "pop";
  const store = sketch.publish === "store";
  let inValue = 0;
  let out = 0;
  return (sink, start, end) => {
    const wanted = end - start;
    if (!cache) out = Atomics.load(words, outWord);
    let available = inValue - out;
    if (available < 0) available += slots;
    if (!cache || available < wanted) {
      inValue = Atomics.load(words, inWord);
      available = inValue - out;
      if (available < 0) available += slots;
    }
    const n = available < wanted ? (whole ? 0 : available) : wanted;
    if (n === 0) return 0;
    const first = Math.min(n, slots - out);
    if (loop) {
      loopCopy(data, sink, { start: out, at: start, n: first });
      loopCopy(data, sink, { start: 0, at: start + first, n: n - first });
    } else {
      sink.set(data.subarray(out, out + first), start);
      if (first < n) sink.set(data.subarray(0, n - first), start + first);
    }
    const next = out + n >= slots ? out + n - slots : out + n;
    if (store) Atomics.store(words, outWord, next);
    else Atomics.add(words, outWord, next - out);
    out = next;
    return n;
  };
}
