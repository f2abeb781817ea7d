// The checks every engine shares: the argument of the batch calls, and the
// errors of zero-copy calls made out of order.
import { RingStateError } from "../errors.ts";

/**
 * Throws unless the argument of a batch call is an array-like: `items` of a
 * `pushMany` ("an array-like"), `target` of a `popMany` ("an array or typed
 * array").
 */
export function checkBatch(
  value: { readonly length: number },
  name: "items" | "target",
  what: string,
): void {
  if (
    value === null || typeof value !== "object" ||
    typeof value.length !== "number"
  ) {
    const kind = name === "items" ? "an array-like" : "an array or typed array";
    throw new TypeError(
      `${what}: ${name} must be ${kind}, received ${String(value)}`,
    );
  }
}

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
