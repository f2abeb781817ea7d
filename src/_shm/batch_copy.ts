// Batch copies between the slots and the caller's arrays (`pushMany`,
// `popMany`): a typed array of the slots' own kind goes by
// `TypedArray.set`, anything else item by item through the codec.
import type { NumericKind } from "../item.ts";
import type { Codec } from "./codec.ts";
import {
  describeValue as describe,
  KINDS,
  type NumericArray,
} from "./item_layout.ts";

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

/**
 * Throws a TypeError unless `target` can take the items of `codec`'s slots
 * as they are: a typed array only for numeric items, of bigints exactly
 * when the items are bigints (a byte record or struct written to one would
 * become 0 or NaN), and nothing frozen. Checked before anything is popped
 * (a sequence ring cannot give back a position it claimed), and only for a
 * range that is not empty: a batch of none writes nothing.
 */
export function checkTarget<T>(
  codec: Codec<T>,
  target: object,
  what: string,
): void {
  if (sameKind(codec.array, target)) return;
  if (ArrayBuffer.isView(target)) {
    const { layout } = codec;
    const bigints = target instanceof BigInt64Array ||
      target instanceof BigUint64Array;
    if (layout.kind !== "numeric") {
      throw new TypeError(
        `${what}: target must be an array for ${
          layout.kind === "bytes" ? "byte records" : "structs"
        }, received ${describe(target)}`,
      );
    }
    const kind = layout.spec as NumericKind;
    if (KINDS[kind].bigint === bigints) return;
    throw new TypeError(
      `${what}: target must be an array or a typed array of ${
        bigints ? "numbers" : "bigints"
      } for ${kind}, received ${describe(target)}`,
    );
  }
  if (Object.isFrozen(target)) {
    throw new TypeError(
      `${what}: target must be a writable array, received a frozen array`,
    );
  }
}

/** Where a batch copy goes: `count` items, from slot `start` on, wrapping. */
export interface Span {
  /** The index in the items (the target) of the first one copied. */
  from: number;
  start: number;
  count: number;
  /** Where slot numbers wrap. */
  readonly slots: number;
}

/**
 * Up to this many items, `copyOut` copies with a loop; above, with
 * `TypedArray.set` of a cached view of the slots.
 */
const COPY_LOOP_MAX = 32;

/** Above this many items, `copyIn` copies part of a typed array by `set`. */
const COPY_SET_MIN = 64;

/**
 * Writes checked items into the slots. A typed array of the slots' own kind
 * is copied by `TypedArray.set`: whole, or, for more than `COPY_SET_MIN`
 * items, through views of the range (a view is garbage, one per call, and
 * worth it: `set` copies several times faster than a loop, and the bulk
 * batches ran 1.11-1.20x as fast, `bench/ab_trees.ts --mode=bulk`). Shorter
 * ranges and other numeric batches are copied by a loop, with no garbage.
 */
export function copyIn<T>(
  codec: Codec<T>,
  items: ArrayLike<T>,
  span: Span,
): void {
  const { from, start, count, slots } = span;
  const data = codec.array;
  const first = Math.min(count, slots - start);
  if (data === null) {
    for (let i = 0, slot = start; i < count; i++) {
      codec.write(slot, items[from + i] as T);
      if (++slot === slots) slot = 0;
    }
    return;
  }
  const same = sameKind(data, items);
  if (same && from === 0 && first === items.length) {
    // The whole array, no wrap: copy without making a view.
    data.set(items as never, start);
    return;
  }
  if (same && count > COPY_SET_MIN) {
    // Views of the range, up to the wrap and from slot 0 (garbage: one
    // object per COPY_SET_MIN items copied at most).
    const source = items as unknown as NumericArray;
    data.set(source.subarray(from, from + first) as never, start);
    if (first < count) {
      data.set(source.subarray(from + first, from + count) as never, 0);
    }
    return;
  }
  // Two runs, up to the wrap and from slot 0, each unrolled by eight.
  const target = data as unknown as { [index: number]: number };
  const source = items as unknown as ArrayLike<number>;
  let i = from;
  let slot = start;
  let end = from + first;
  for (;;) {
    for (; i + 8 <= end; i += 8, slot += 8) {
      target[slot] = source[i]!;
      target[slot + 1] = source[i + 1]!;
      target[slot + 2] = source[i + 2]!;
      target[slot + 3] = source[i + 3]!;
      target[slot + 4] = source[i + 4]!;
      target[slot + 5] = source[i + 5]!;
      target[slot + 6] = source[i + 6]!;
      target[slot + 7] = source[i + 7]!;
    }
    for (; i < end; i++) target[slot++] = source[i]!;
    if (end === from + count) return;
    slot = 0;
    end = from + count;
  }
}

/**
 * Reads items out of the slots into `target`; a typed array of the slots'
 * own kind is filled in bulk.
 */
export function copyOut<T>(
  codec: Codec<T>,
  target: { [index: number]: T },
  span: Span,
): void {
  const { from, start, count, slots } = span;
  const { array: data, views } = codec;
  if (views !== null && sameKind(data, target) && count > COPY_LOOP_MAX) {
    const out = target as unknown as NumericArray;
    const first = Math.min(count, slots - start);
    out.set(views.of(start, first) as never, from);
    if (first < count) {
      out.set(views.of(0, count - first) as never, from + first);
    }
    return;
  }
  // A few items: a loop is cheaper than making views of the slots.
  for (let i = 0, slot = start; i < count; i++) {
    target[from + i] = data !== null ? data[slot] as T : codec.read(slot);
    if (++slot === slots) slot = 0;
  }
}
