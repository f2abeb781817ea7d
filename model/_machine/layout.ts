// Copyright 2025 the ringproof authors. MIT license.
// Packs small integer fields into 32-bit words. Each field has a domain
// [0, max]; fields never straddle a word, and are placed widest first
// (first fit) to use few words.

function bitsFor(max: number): number {
  let bits = 0;
  while (max >= 2 ** bits) bits++;
  return bits;
}

/** A fixed layout of bit fields in `words` 32-bit words. */
export class Layout {
  readonly words: number;
  readonly maxes: Int32Array;
  readonly word: Int32Array;
  readonly shift: Int32Array;
  readonly mask: Int32Array;

  constructor(maxes: readonly number[]) {
    const n = maxes.length;
    this.maxes = Int32Array.from(maxes);
    this.word = new Int32Array(n);
    this.shift = new Int32Array(n);
    this.mask = new Int32Array(n);
    const order = [...maxes.keys()].sort((a, b) =>
      bitsFor(maxes[b]!) - bitsFor(maxes[a]!) || a - b
    );
    const used: number[] = [];
    for (const f of order) {
      const bits = bitsFor(maxes[f]!);
      if (bits > 31) {
        throw new RangeError(
          `Cannot pack state: a field needs ${bits} bits, at most 31 fit`,
        );
      }
      let w = used.findIndex((u) => u + bits <= 32);
      if (w < 0) {
        w = used.length;
        used.push(0);
      }
      this.word[f] = w;
      this.shift[f] = used[w]!;
      this.mask[f] = bits === 0 ? 0 : (2 ** bits - 1) | 0;
      used[w]! += bits;
    }
    this.words = Math.max(1, used.length);
  }

  get(src: Int32Array, offset: number, field: number): number {
    return (src[offset + this.word[field]!]! >>> this.shift[field]!) &
      this.mask[field]!;
  }

  set(dst: Int32Array, offset: number, field: number, value: number): void {
    const at = offset + this.word[field]!;
    const shift = this.shift[field]!;
    dst[at] = (dst[at]! & ~(this.mask[field]! << shift)) | (value << shift);
  }

  /** Reads every field into `out`. */
  read(src: Int32Array, offset: number, out: Int32Array): void {
    for (let f = 0; f < out.length; f++) out[f] = this.get(src, offset, f);
  }

  /** Packs every field of `fields` into `dst` (zeroing it first). */
  write(fields: Int32Array, dst: Int32Array, offset: number): void {
    for (let w = 0; w < this.words; w++) dst[offset + w] = 0;
    for (let f = 0; f < fields.length; f++) {
      dst[offset + this.word[f]!]! |= fields[f]! << this.shift[f]!;
    }
  }
}
