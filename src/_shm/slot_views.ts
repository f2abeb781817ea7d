// Views of ranges of a numeric ring's slots, reused: a consumer popping
// batches meets the same few slot ranges lap after lap, and a `subarray` per
// call is an allocation per call (garbage the scavenger then stops the
// thread for).
import type { NumericArray } from "./item_layout.ts";

/** How many views a cache keeps (a power of two). */
const SIZE = 64;

/** A small direct-mapped cache of `data.subarray(start, start + count)`. */
export class SlotViews {
  #data: NumericArray;
  #views: (NumericArray | undefined)[] = [];

  constructor(data: NumericArray) {
    this.#data = data;
  }

  /** `data.subarray(start, start + count)`, made once per cache entry. */
  of(start: number, count: number): NumericArray {
    const data = this.#data;
    // Batches of a power-of-two size start at multiples of it: fold the bits
    // above 8 in so they do not all share one entry.
    const k = (start ^ (start >>> 8) ^ count) & (SIZE - 1);
    const view = this.#views[k];
    if (
      view !== undefined && view.length === count &&
      view.byteOffset === data.byteOffset + start * data.BYTES_PER_ELEMENT
    ) {
      return view;
    }
    return this.#views[k] = data.subarray(start, start + count);
  }
}
