// The errors of zero-copy calls made out of order, worded alike for every
// producer and consumer.
import { RingStateError } from "./errors.ts";

/** A call made while the slot from `reserve()` awaits `commit()`. */
export function notCommitted(what: string): RingStateError {
  return new RingStateError(
    `${what}: a reserved slot is not committed yet (call commit() first)`,
  );
}

/** A `commit()` with no slot reserved. */
export function noneReserved(what: string): RingStateError {
  return new RingStateError(
    `${what}: no slot is reserved (call reserve() first)`,
  );
}

/** A call made while the item from `peek()` awaits `release()`. */
export function notReleased(what: string): RingStateError {
  return new RingStateError(
    `${what}: a peeked item is not released yet (call release() first)`,
  );
}

/** A `release()` with no item peeked. */
export function nonePeeked(what: string): RingStateError {
  return new RingStateError(`${what}: no item is peeked (call peek() first)`);
}
