// Sketches of a one-producer ring that spin, for `bench/spin_floor.ts`: the
// per-item Atomics calls of this ring's protocol with nothing around them
// (the store sketch: `_roles_layout.ts`'s loop over the packed layout), and
// of a protocol that keeps the waiting flag inside the index word (the
// exchange sketch, here). They never sleep (the flag is read, never raised):
// what they measure is the cost of the calls a spinning item makes, not a
// ring to use.
import { formatChecksum } from "./_checksum.ts";
import type { Run } from "./_drivers.ts";
import type { Task } from "./_protocol.ts";
import { SKETCH_LAYOUTS } from "./_roles_layout.ts";

/** `in`, `out` and the slots on a line each: the packed layout's words. */
const { in: IN, out: OUT, data: DATA } = SKETCH_LAYOUTS.packed;
/** The exchange sketch's waiting flag: a bit of the index word. */
const WAITING = 1 << 30;
const INDEX = WAITING - 1;

/** A fresh buffer for a sketch with `slots` int32 slots. */
export function floorBuffer(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer((DATA + slots) * 4);
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
