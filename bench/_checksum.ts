// The run checksum: a Fletcher-style pair of 32-bit sums over the values
// received, in order (`a += v; b += a`). It costs two additions per item, the
// same for this ring and every peer, and a lost, duplicated or reordered item
// changes it. Producers send the sequence 0, 1, 2, … (struct items carry it
// as `id`), so the parent knows every run's expected checksum.

/** Formats the pair `(a, b)` as the checksum string reported by a role. */
export function formatChecksum(a: number, b: number): string {
  return `${(a >>> 0).toString(16).padStart(8, "0")}-${
    (b >>> 0).toString(16).padStart(8, "0")
  }`;
}

/** A running checksum; `add` each value received, in order. */
export class Fletcher {
  #a = 0;
  #b = 0;

  /** Adds one int32 value. */
  add(value: number): void {
    this.#a = (this.#a + value) | 0;
    this.#b = (this.#b + this.#a) | 0;
  }

  /** Adds `values[0..count)`, in locals (a field store per item costs 3×). */
  addAll(values: Int32Array, count: number): void {
    let a = this.#a;
    let b = this.#b;
    for (let i = 0; i < count; i++) {
      a = (a + values[i]!) | 0;
      b = (b + a) | 0;
    }
    this.#a = a;
    this.#b = b;
  }

  /** The checksum so far, as roles report it. */
  text(): string {
    return formatChecksum(this.#a, this.#b);
  }
}

/** The checksum of the sequence 0, 1, …, `count - 1`. */
export function sequenceChecksum(count: number): string {
  const sum = new Fletcher();
  for (let i = 0; i < count; i++) sum.add(i);
  return sum.text();
}

/** The checksum of an int32 array's elements, in index order. */
export function arrayChecksum(values: ArrayLike<number>): string {
  const sum = new Fletcher();
  for (let i = 0; i < values.length; i++) sum.add(values[i]!);
  return sum.text();
}

/**
 * The copy ceiling's checksum: its zeroed `slots`-element target after
 * `count / batch` copies of 0, 1, …, `batch - 1` went round it.
 */
export function copyChecksum(
  slots: number,
  batch: number,
  count: number,
): string {
  const target = new Int32Array(slots);
  const filled = Math.min(slots, count);
  for (let i = 0; i < filled; i++) target[i] = i % batch;
  return arrayChecksum(target);
}
