// The sequence scheme's positions: `in` and `out` count claimed positions
// modulo a multiple of BUFFER_SIZE (so `position % BUFFER_SIZE` is the slot
// across the wrap, for any BUFFER_SIZE), and `in - out` is the number of
// positions claimed by producers and not yet by consumers.
import { CorruptedRingError } from "../errors.ts";
import { W_IN, W_OUT } from "./layout.ts";

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
