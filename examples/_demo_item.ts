// The demo's item: the textbook's `typedef struct { … } item`, and the
// checksum both Workers compute over the stream.

/** The item layout: one `uint32` and one `float64` per slot. */
export const ITEM = { struct: { id: "uint32", value: "float64" } } as const;

/** One item as JavaScript sees it. */
export interface DemoItem {
  id: number;
  value: number;
}

/** The value the producer puts in item `id`: any float that varies will do. */
export function valueOf(id: number): number {
  return id / 7;
}

/**
 * FNV-1a over each item's id and the 8 bytes of its value. The producer
 * hashes what it sends and the consumer what it receives; equal sums mean
 * every field arrived intact and in the same order.
 */
export class Checksum {
  #hash = 0x811c9dc5;
  #float = new Float64Array(1);
  #words = new Uint32Array(this.#float.buffer);

  add(item: DemoItem): void {
    this.#float[0] = item.value;
    this.#mix(item.id);
    this.#mix(this.#words[0]!);
    this.#mix(this.#words[1]!);
  }

  #mix(word: number): void {
    this.#hash = Math.imul(this.#hash ^ word, 0x01000193) >>> 0;
  }

  /** The checksum as 8 hex digits. */
  get hex(): string {
    return this.#hash.toString(16).padStart(8, "0");
  }
}
