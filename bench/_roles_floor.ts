// Two sketches of a one-producer ring that spin, for `bench/spin_floor.ts`:
// the per-item Atomics calls of this ring's protocol with nothing around
// them, and of a protocol that keeps the waiting flag inside the index word.
// They never sleep (the flag is read, never raised): what they measure is
// the cost of the calls a spinning item makes, not a ring to use.
import { formatChecksum } from "./_checksum.ts";
import type { Run } from "./_drivers.ts";
import type { Task } from "./_protocol.ts";

/** Word of `in`, on its own line, and of the consumer's waiting flag. */
const IN = 16;
const CONSUMER_WAITING = 18;
/** Word of `out`, on its own line, and of the producer's waiting flag. */
const OUT = 32;
const PRODUCER_WAITING = 34;
/** First word of the slots. */
const DATA = 48;
/** The exchange sketch's waiting flag: a bit of the index word. */
const WAITING = 1 << 30;
const INDEX = WAITING - 1;

/** A fresh buffer for a sketch with `slots` int32 slots. */
export function floorBuffer(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer((DATA + slots) * 4);
}

/**
 * This ring's producer calls per item: the cached `out` re-read only when
 * full, the slot written, `in` published with `Atomics.store`, then the
 * consumer's waiting flag read with `Atomics.load`.
 */
export function floorStoreProducer(task: Task): Run {
  const words = new Int32Array(task.buffers[0]!);
  const { count: n, slots } = task;
  return () => {
    let inValue = 0;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const next = inValue + 1 === slots ? 0 : inValue + 1;
      while (next === out) out = Atomics.load(words, OUT);
      words[DATA + inValue] = i;
      inValue = next;
      Atomics.store(words, IN, inValue);
      if (Atomics.load(words, CONSUMER_WAITING) !== 0) {
        Atomics.notify(words, CONSUMER_WAITING);
      }
    }
    return { count: n, checksum: null };
  };
}

/** This ring's consumer calls per item, mirrored; the run checksum in locals. */
export function floorStoreConsumer(task: Task): Run {
  const words = new Int32Array(task.buffers[0]!);
  const { count: n, slots } = task;
  return () => {
    let inValue = 0;
    let out = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      while (inValue === out) inValue = Atomics.load(words, IN);
      a = (a + words[DATA + out]!) | 0;
      b = (b + a) | 0;
      out = out + 1 === slots ? 0 : out + 1;
      Atomics.store(words, OUT, out);
      if (Atomics.load(words, PRODUCER_WAITING) !== 0) {
        Atomics.notify(words, PRODUCER_WAITING);
      }
    }
    return { count: n, checksum: formatChecksum(a, b) };
  };
}

/**
 * The flag in the index word: `in` published with `Atomics.exchange`, whose
 * old value carries the consumer's waiting bit — one call per item.
 */
export function floorExchangeProducer(task: Task): Run {
  const words = new Int32Array(task.buffers[0]!);
  const { count: n, slots } = task;
  return () => {
    let inValue = 0;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const next = inValue + 1 === slots ? 0 : inValue + 1;
      while (next === out) out = Atomics.load(words, OUT) & INDEX;
      words[DATA + inValue] = i;
      inValue = next;
      if ((Atomics.exchange(words, IN, inValue) & WAITING) !== 0) {
        Atomics.notify(words, IN);
      }
    }
    return { count: n, checksum: null };
  };
}

/** The exchange sketch's consumer, mirrored. */
export function floorExchangeConsumer(task: Task): Run {
  const words = new Int32Array(task.buffers[0]!);
  const { count: n, slots } = task;
  return () => {
    let inValue = 0;
    let out = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      while (inValue === out) inValue = Atomics.load(words, IN) & INDEX;
      a = (a + words[DATA + out]!) | 0;
      b = (b + a) | 0;
      out = out + 1 === slots ? 0 : out + 1;
      if ((Atomics.exchange(words, OUT, out) & WAITING) !== 0) {
        Atomics.notify(words, OUT);
      }
    }
    return { count: n, checksum: formatChecksum(a, b) };
  };
}
