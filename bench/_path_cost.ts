// The contenders of bench/path_cost.ts and their loop (each runs in a
// Worker of its own: `_path_cost_worker.ts`).
import { RingBuffer } from "ringbuf.js";
import { Consumer, createRing, Producer } from "../mod.ts";

/** Items per timed run, in bursts. */
export const ITEMS = 2 ** 21;

/** One contender: sets up afresh and returns the run, which pushes and pops bursts of `burst`. */
export type Contender = (slots: number, scheme: "textbook" | "counter") => (
  burst: number,
) => number;

// The sketch's words: `in` and `out` on lines of their own, as in the ring.
const S_IN = 16;
const S_OUT = 32;
const S_MASK = 2 ** 30 - 1;
const S_WAITING = 2 ** 30;

/**
 * The add sketch, both sides in one object (the probe runs them on one
 * thread): the textbook scheme, nothing checked. Each side keeps its own
 * index and its cached copy of the other's, as two handles would.
 */
class AddSketch {
  #words: Int32Array;
  #data: Int32Array;
  #slots: number;
  #in = 0;
  /** The producer's cached `out`. */
  #outSeen = 0;
  #out = 0;
  /** The consumer's cached `in`. */
  #inSeen = 0;
  constructor(words: Int32Array, data: Int32Array) {
    this.#words = words;
    this.#data = data;
    this.#slots = data.length;
  }
  tryPush(item: number): boolean {
    const from = this.#in;
    let to = from + 1;
    if (to === this.#slots) to = 0;
    if (to === this.#outSeen) {
      this.#outSeen = Atomics.load(this.#words, S_OUT) & S_MASK;
      if (to === this.#outSeen) return false;
    }
    this.#data[from] = item;
    this.#in = to;
    const was = Atomics.add(this.#words, S_IN, to - from);
    // A sleeping consumer: the sketch has none (it never waits).
    if ((was & ~S_MASK) !== 0) throw new Error("the sketch does not wait");
    return true;
  }
  tryPop(): number | undefined {
    const from = this.#out;
    if (from === this.#inSeen) {
      this.#inSeen = Atomics.load(this.#words, S_IN) & S_MASK;
      if (from === this.#inSeen) return undefined;
    }
    const item = this.#data[from]!;
    let to = from + 1;
    if (to === this.#slots) to = 0;
    this.#out = to;
    const was = Atomics.add(this.#words, S_OUT, to - from);
    if ((was & S_WAITING) !== 0) throw new Error("the sketch does not wait");
    return item;
  }
}

/**
 * The loop: `burst` pushes, then `burst` pops, until ITEMS moved; returns a
 * checksum so no work can be dropped.
 */
function timed(
  push: (item: number) => boolean,
  pop: () => number | undefined,
): (burst: number) => number {
  // Separate functions per side, as each side is its own thread's loop in
  // the spin cases (each gets its own inlining budget).
  const pushAll = (n: number) => {
    for (let i = 0; i < n; i++) {
      if (!push(i)) throw new Error("full during a burst");
    }
  };
  const popAll = (n: number, sum: number) => {
    for (let i = 0; i < n; i++) {
      const item = pop();
      if (item === undefined) throw new Error("empty during a burst");
      sum = (sum + item) | 0;
    }
    return sum;
  };
  return (burst) => {
    let sum = 0;
    for (let moved = 0; moved < ITEMS; moved += burst) {
      pushAll(burst);
      sum = popAll(burst, sum);
    }
    return sum;
  };
}

/** The contenders by name (`bench/path_cost.ts` lists them in this order). */
export const CONTENDERS: Readonly<Record<string, Contender>> = {
  "this ring: tryPush / tryPop": (slots, scheme) => {
    const ring = createRing({ slots, scheme });
    const producer = new Producer<number>(ring);
    const consumer = new Consumer<number>(ring);
    return timed((item) => producer.tryPush(item), () => consumer.tryPop());
  },
  "ringbuf.js: push / pop of a 1-element Int32Array": (slots) => {
    const ring = new RingBuffer(
      RingBuffer.getStorageForCapacity(slots, Int32Array),
      Int32Array,
    );
    const one = new Int32Array(1);
    return timed((item) => {
      one[0] = item;
      return ring.push(one, 1) === 1;
    }, () => ring.pop(one, 1) === 1 ? one[0] : undefined);
  },
  "sketch: this ring's protocol bare (no checks, textbook only)": (slots) => {
    const buffer = new SharedArrayBuffer(256 + slots * 4);
    const words = new Int32Array(buffer, 0, 64);
    const data = new Int32Array(buffer, 256, slots);
    const sketch = new AddSketch(words, data);
    return timed((item) => sketch.tryPush(item), () => sketch.tryPop());
  },
};

/** A run request: the ring's size and scheme, and the burst. */
export interface PathRequest {
  readonly slots: number;
  readonly scheme: "textbook" | "counter";
  readonly burst: number;
}
