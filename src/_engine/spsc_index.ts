// The one-producer ring's indexing: the textbook and counter schemes as one
// strategy, as rtrb keeps its position arithmetic in a few named helpers.
// `in` and `out` are positions that wrap at `limit`; a position's physical
// slot is tracked beside it.
//
//              limit          capacity           slot of position p
// textbook     BUFFER_SIZE    BUFFER_SIZE - 1    p
// counter      2^32           BUFFER_SIZE        tracked (W_IN_SLOT, W_OUT_SLOT)
//
// So the textbook's full test `(in + 1) % BUFFER_SIZE == out` is
// `used(in, out) == capacity`, and its empty test `in == out` is unchanged.
import type { RingHeader } from "../_shm/header.ts";
import { checkCount, checkSlot } from "../_shm/header.ts";

/** A scheme's constants (see the table above). */
export interface Indexing {
  readonly slots: number;
  readonly limit: number;
  readonly capacity: number;
  /** What a negative word is short of its position: 2^32 (counter) or 0. */
  readonly wrap: number;
  readonly counter: boolean;
}

export function indexingOf(header: RingHeader): Indexing {
  const counter = header.scheme === "counter";
  return {
    slots: header.slots,
    limit: counter ? 2 ** 32 : header.slots,
    capacity: header.capacity,
    wrap: counter ? 2 ** 32 : 0,
    counter,
  };
}

/**
 * A position as read from shared memory: counters are unsigned; a negative
 * textbook index stays negative, for `checkPeer` to refuse.
 */
export function position(word: number, ix: Indexing): number {
  return word < 0 ? word + ix.wrap : word;
}

/** Items between `out` and `in`. */
export function used(inValue: number, outValue: number, limit: number): number {
  const d = inValue - outValue;
  return d < 0 ? d + limit : d;
}

/** Position (or slot) `p` moved `n` on, wrapping at `limit`. */
export function advance(p: number, n: number, limit: number): number {
  const q = p + n;
  return q >= limit ? q - limit : q;
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
  if (
    inValue >= 0 && outValue >= 0 && inValue < ix.limit &&
    outValue < ix.limit &&
    used(inValue, outValue, ix.limit) <= ix.capacity
  ) return;
  // Cold path: the scheme's own wording of the damage.
  if (ix.counter) checkCount(inValue, outValue, ix.slots, what);
  checkSlot(inValue, ix.slots, "in", what);
  checkSlot(outValue, ix.slots, "out", what);
}
