// What the batch calls of every producer and consumer share: the check of
// their argument, and the test for a typed array of the slots' own numeric
// kind, which is copied in bulk and needs no item checks.
import type { NumericArray } from "./_shm/codec.ts";

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
