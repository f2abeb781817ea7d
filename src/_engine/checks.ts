// The checks every engine shares: the argument of the batch calls, the test
// for a typed array of the slots' own numeric kind (copied in bulk, with no
// item checks), and the errors of zero-copy calls made out of order.
import type { NumericArray } from "../_shm/codec.ts";
import { RingStateError } from "../errors.ts";

/** Throws unless `items`, the argument of a `pushMany`, is an array-like. */
export function checkItems<T>(items: ArrayLike<T>, what: string): void {
  if (
    items === null || typeof items !== "object" ||
    typeof items.length !== "number"
  ) {
    throw new TypeError(
      `${what}: items must be an array-like, received ${String(items)}`,
    );
  }
}

/** Throws unless `target`, the argument of a `popMany`, is an array-like. */
export function checkTarget(
  target: { readonly length: number },
  what: string,
): void {
  if (
    target === null || typeof target !== "object" ||
    typeof target.length !== "number"
  ) {
    throw new TypeError(
      `${what}: target must be an array or typed array, received ${
        String(target)
      }`,
    );
  }
}

/**
 * Whether `values` is a typed array of the same kind as the slots' `data`
 * (which is null for byte records and structs).
 */
export function sameKind(
  data: NumericArray | null,
  values: unknown,
): data is NumericArray {
  return data !== null && ArrayBuffer.isView(values) &&
    values.constructor === data.constructor;
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
