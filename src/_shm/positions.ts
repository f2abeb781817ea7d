// The positions `in` and `out` of every scheme: their arithmetic and checks.
//
// The one-producer ring's indexing (`Indexing`): the textbook and counter
// schemes as one strategy, as rtrb keeps its position arithmetic in a few
// named helpers. `in` and `out` wrap at `limit`; a position's physical slot
// is tracked beside it.
//
//              limit          capacity           slot of position p
// textbook     BUFFER_SIZE    BUFFER_SIZE - 1    p
// counter      2^30           BUFFER_SIZE        (p - base) mod BUFFER_SIZE
//
// A counter-scheme handle tracks its slot beside its counter and stores the
// counter's `base` (W_IN_BASE, W_OUT_BASE: the counter at the slot's last
// wrap to 0) once a lap; its slot word only when it detaches.
//
// Counters wrap at COUNTER_LIMIT, below the flag bits that share their word
// (`layout.ts`), which keeps every field a small integer in both schemes, so
// the one engine class stays fast for both.
//
// So the textbook's full test `(in + 1) % BUFFER_SIZE == out` is
// `used(in, out) == capacity`, and its empty test `in == out` is unchanged.
//
// The sequence scheme's positions count claimed positions modulo a multiple
// of BUFFER_SIZE (`positionLimit`, so `position % BUFFER_SIZE` is the slot
// across the wrap, for any BUFFER_SIZE), and `in - out` is the number of
// positions claimed by producers and not yet by consumers.
import { CorruptedRingError } from "../errors.ts";
import { COUNTER_LIMIT, INDEX_MASK, W_IN, W_OUT } from "./layout.ts";

/**
 * Where positions wrap: the largest multiple of `slots` up to 2^31, so a
 * position is a non-negative int32, `position % slots` is its slot, and
 * position differences of up to a few laps are unambiguous.
 */
export function positionLimit(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

/** `a - b` modulo `limit`, as the representative in (-limit/2, limit/2]. */
export function distance(a: number, b: number, limit: number): number {
  const d = a - b;
  const half = limit >>> 1;
  return d > half ? d - limit : d <= -half ? d + limit : d;
}

/** Throws unless `value` is a position: an integer in [0, limit). */
export function checkPosition(
  value: number,
  limit: number,
  name: string,
  what: string,
): void {
  if (value < 0 || value >= limit) {
    throw new CorruptedRingError(
      `${what}: ring is corrupted: ${name} is ${value}, outside [0, ${limit})`,
    );
  }
}

/** How often `positionsOf` re-reads `out` while handles keep moving it. */
const SNAPSHOT_TRIES = 1000;

/**
 * `in`, `out` and the positions between them, read consistently (`out`,
 * then `in`, then `out` unchanged) and validated: both in range, and
 * `0 <= in - out <= BUFFER_SIZE`.
 */
export function positionsOf(
  header: { readonly words: Int32Array; readonly slots: number },
  what: string,
): { in: number; out: number; size: number } {
  const { words, slots } = header;
  const limit = positionLimit(slots);
  let out = Atomics.load(words, W_OUT);
  let inValue = Atomics.load(words, W_IN);
  for (let k = 0; k < SNAPSHOT_TRIES; k++) {
    const again = Atomics.load(words, W_OUT);
    if (again === out) break;
    out = again;
    inValue = Atomics.load(words, W_IN);
  }
  checkPosition(inValue, limit, "in", what);
  checkPosition(out, limit, "out", what);
  const size = distance(inValue, out, limit);
  if (size < 0 || size > slots) {
    throw new CorruptedRingError(
      `${what}: ring is corrupted: in ${inValue} - out ${out} is ${size} positions, outside [0, ${slots}]`,
    );
  }
  return { in: inValue, out, size };
}

/** Throws unless `index` is a slot index in [0, BUFFER_SIZE). */
export function checkSlot(
  index: number,
  slots: number,
  name: string,
  what: string,
): void {
  if (index >>> 0 >= slots) {
    throw new CorruptedRingError(
      `${what}: ring is corrupted: ${name} is ${index}, outside [0, ${slots})`,
    );
  }
}

/**
 * Counter scheme: `in - out` mod COUNTER_LIMIT (of the index bits of both
 * words), which must not exceed BUFFER_SIZE.
 */
export function checkCount(
  inWord: number,
  outWord: number,
  slots: number,
  what: string,
): number {
  const inValue = inWord & INDEX_MASK;
  const outValue = outWord & INDEX_MASK;
  const count = (inValue - outValue) & INDEX_MASK;
  if (count > slots) {
    throw new CorruptedRingError(
      `${what}: ring is corrupted: in ${inValue} - out ${outValue} is ${count} items, more than the ${slots} slots`,
    );
  }
  return count;
}

/** A scheme's constants (see the table above). */
export interface Indexing {
  readonly slots: number;
  readonly limit: number;
  readonly capacity: number;
  readonly counter: boolean;
}

export function indexingOf(
  header: { readonly scheme: string; slots: number; capacity: number },
): Indexing {
  const counter = header.scheme === "counter";
  const { slots, capacity } = header;
  return { slots, limit: counter ? COUNTER_LIMIT : slots, capacity, counter };
}

/** Items between `out` and `in` (negative only in a corrupted ring). */
export function used(inValue: number, outValue: number, limit: number): number {
  const d = inValue - outValue;
  return d < 0 ? d + limit : d;
}

/**
 * Counter scheme: the physical slot of `counter`, given `base`, the counter
 * value at which that side's slot last wrapped to 0. Their difference (mod
 * `limit`: 2^32 for the unbounded buffer's int32 counters, COUNTER_LIMIT for
 * a ring's) lies in [0, BUFFER_SIZE), or in [-BUFFER_SIZE, 0) when a handle
 * died after storing a new base and before its counter (a move is at most
 * BUFFER_SIZE): both give the slot of `counter`.
 */
export function slotFromBase(
  counter: number,
  base: number,
  slots: number,
  limit: number = 2 ** 32,
): number {
  const d = limit === 2 ** 32
    ? (counter - base) | 0
    : distance(counter & INDEX_MASK, base, limit);
  return ((d % slots) + slots) % slots;
}

/** Position (or slot) `p` moved `n` on, wrapping at `limit`. */
export function advance(p: number, n: number, limit: number): number {
  const q = p + n;
  return q >= limit ? q - limit : q;
}

/** Position `p` moved `n` back (`n` up to `limit`), wrapping at `limit`. */
export function retreat(p: number, n: number, limit: number): number {
  const q = p - n;
  return q < 0 ? q + limit : q;
}

/**
 * Refuses a pair of positions, one just read from shared memory, that is
 * impossible: out of range, or more than `capacity` apart.
 */
export function checkPeer(
  ix: Indexing,
  inValue: number,
  outValue: number,
  what: string,
): void {
  const n = used(inValue, outValue, ix.limit);
  const inRange = inValue >= 0 && outValue >= 0 && inValue < ix.limit &&
    outValue < ix.limit;
  if (inRange && n >= 0 && n <= ix.capacity) return;
  // Cold path: the scheme's own wording of the damage.
  if (ix.counter) checkCount(inValue, outValue, ix.slots, what);
  checkSlot(inValue, ix.slots, "in", what);
  checkSlot(outValue, ix.slots, "out", what);
}
