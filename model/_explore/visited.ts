// Copyright 2025 the ringproof authors. MIT license.
// The visited sets: open-addressing hash tables in typed arrays.
//
// Keys are stored exactly (no hash compaction, so no state is ever omitted).
// Each state gets a dense index in discovery order (which is also the BFS
// queue). The tables hold indices plus hash bits, so most probes never touch
// the key storage.

const INDEX_BITS = 26;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
/** The most states a visited set can hold (the index must fit INDEX_BITS). */
export const MAX_STATES: number = INDEX_MASK - 1;
const MAX_LOAD = 0.75;
/** States per page of a {@linkcode PackedStore}: `1 << PAGE_BITS`. */
export const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

/** Mixes 32-bit words into a 32-bit hash (murmur3-style finaliser). */
export function hashWords(
  src: Int32Array,
  offset: number,
  words: number,
  seed = 0x9747b28c,
): number {
  let h = seed;
  for (let i = 0; i < words; i++) {
    let k = Math.imul(src[offset + i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function tagOf(hash: number): number {
  // The top bits: independent of the bucket while capacity <= 2^INDEX_BITS.
  return ((hash >>> INDEX_BITS) << INDEX_BITS) >>> 0;
}

/**
 * A visited set of fixed-width packed states with BFS parent pointers.
 * States live in pages of 2^16 entries (`words` key words, then the parent),
 * so growth never copies them and slack is at most one page. The table holds
 * pairs (full hash, `index + 1`): probes compare hashes before touching keys,
 * and growth streams through the old table without reading any key.
 */
export class PackedStore {
  readonly words: number;
  readonly stride: number;
  /** The index of the state the last {@linkcode PackedStore.add} found already present. */
  found = -1;
  #pages: Int32Array[] = [];
  #count = 0;
  /** Interleaved pairs: `table[2 * slot]` = hash, `table[2 * slot + 1]` = index + 1 (0: empty). */
  #table: Uint32Array;
  #limit: number;

  constructor(words: number) {
    this.words = words;
    this.stride = words + 1;
    this.#table = new Uint32Array(2 << 8);
    this.#limit = Math.floor((this.#table.length >>> 1) * MAX_LOAD);
  }

  get count(): number {
    return this.#count;
  }

  /** The page holding state `index`; its words start at {@linkcode PackedStore.offset}. */
  page(index: number): Int32Array {
    return this.#pages[index >>> PAGE_BITS]!;
  }

  /**
   * The pages themselves (page `p` holds states `p << PAGE_BITS` on), for a
   * Worker to hand its states to the thread that rebuilds traces.
   */
  get pages(): readonly Int32Array[] {
    return this.#pages;
  }

  offset(index: number): number {
    return (index & PAGE_MASK) * this.stride;
  }

  parent(index: number): number {
    return this.page(index)[this.offset(index) + this.words]!;
  }

  /** Bytes allocated for keys, parents and the table, divided by the state count. */
  bytesPerState(): number {
    let bytes = this.#table.byteLength;
    for (const page of this.#pages) bytes += page.byteLength;
    return this.#count === 0 ? 0 : bytes / this.#count;
  }

  /**
   * Adds the state at `src[offset]` with the given parent (-1 for a root).
   * Returns its new index, or -1 when it was already present (its index is
   * then in {@linkcode PackedStore.found}).
   */
  add(src: Int32Array, offset: number, parent: number): number {
    return this.addHashed(
      src,
      offset,
      parent,
      hashWords(src, offset, this.words),
    );
  }

  /**
   * {@linkcode PackedStore.add} with the state's hash (`hashWords`) already
   * computed, unsigned or as the int32 of the same bits: the parallel
   * explorer hashes a state once, to pick its owner.
   */
  addHashed(
    src: Int32Array,
    offset: number,
    parent: number,
    hashBits: number,
  ): number {
    // The hash may come signed (the parallel explorer passes it as an int32,
    // a small integer across calls; a uint32 of 2^31 or more is a heap
    // number when not inlined): the table keeps it unsigned.
    const hash = hashBits >>> 0;
    const words = this.words;
    const table = this.#table;
    const mask = (table.length >>> 1) - 1;
    let slot = hash & mask;
    for (;;) {
      const stored = table[2 * slot + 1]!;
      if (stored === 0) break;
      if (table[2 * slot] === hash) {
        const index = stored - 1;
        const page = this.#pages[index >>> PAGE_BITS]!;
        const at = (index & PAGE_MASK) * this.stride;
        let same = true;
        for (let i = 0; i < words; i++) {
          if (page[at + i] !== src[offset + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.found = index;
          return -1;
        }
      }
      slot = (slot + 1) & mask;
    }
    const index = this.#count;
    if (index >= MAX_STATES) {
      throw new RangeError(
        `Cannot add state: the visited set holds at most ${MAX_STATES} states`,
      );
    }
    const at = (index & PAGE_MASK) * this.stride;
    const page = this.#pageFor(index, at);
    for (let i = 0; i < words; i++) page[at + i] = src[offset + i]!;
    page[at + words] = parent;
    table[2 * slot] = hash;
    table[2 * slot + 1] = index + 1;
    this.#count = index + 1;
    if (this.#count > this.#limit) this.#grow();
    return index;
  }

  #pageFor(index: number, at: number): Int32Array {
    // The first page doubles up to PAGE_SIZE entries, so small runs stay
    // small; later pages are allocated whole.
    const p = index >>> PAGE_BITS;
    let page = this.#pages[p];
    if (page === undefined) {
      page = new Int32Array((p === 0 ? 64 : PAGE_SIZE) * this.stride);
      this.#pages.push(page);
    } else if (at + this.stride > page.length) {
      const bigger = new Int32Array(
        Math.min(page.length * 2, PAGE_SIZE * this.stride),
      );
      bigger.set(page);
      this.#pages[p] = page = bigger;
    }
    return page;
  }

  #grow(): void {
    // Walking the old table in slot order writes the new one in two nearly
    // sequential streams: cache-friendly, and no key is read.
    const old = this.#table;
    const table = new Uint32Array(old.length * 2);
    const mask = (table.length >>> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      const stored = old[i + 1]!;
      if (stored === 0) continue;
      const hash = old[i]!;
      let slot = hash & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = hash;
      table[2 * slot + 1] = stored;
    }
    this.#table = table;
    this.#limit = Math.floor((table.length >>> 1) * MAX_LOAD);
  }
}

function hashBytes(key: Uint8Array): number {
  // FNV-1a, then a finaliser so the low bits spread.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key[i]!, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A visited set of variable-length byte keys (the generic path), stored back
 * to back in one growing arena with offsets and parent pointers.
 */
export class ByteStore {
  #arena = new Uint8Array(1 << 12);
  #used = 0;
  #starts = new Uint32Array(1 << 6);
  #parents = new Int32Array(1 << 6);
  #count = 0;
  #table = new Uint32Array(1 << 8);

  get count(): number {
    return this.#count;
  }

  key(index: number): Uint8Array {
    return this.#arena.subarray(this.#starts[index]!, this.#end(index));
  }

  parent(index: number): number {
    return this.#parents[index]!;
  }

  bytesPerState(): number {
    const bytes = this.#arena.byteLength + this.#starts.byteLength +
      this.#parents.byteLength + this.#table.byteLength;
    return this.#count === 0 ? 0 : bytes / this.#count;
  }

  #end(index: number): number {
    return index + 1 < this.#count ? this.#starts[index + 1]! : this.#used;
  }

  /** Adds `key` with `parent`; returns its new index or -1 when present. */
  add(key: Uint8Array, parent: number): number {
    const hash = hashBytes(key);
    const tag = tagOf(hash);
    const mask = this.#table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.#table[slot]!;
      if (entry === 0) break;
      if ((entry & ~INDEX_MASK) >>> 0 === tag) {
        const index = (entry & INDEX_MASK) - 1;
        if (equalBytes(this.key(index), key)) return -1;
      }
      slot = (slot + 1) & mask;
    }
    const index = this.#count;
    if (index >= MAX_STATES) {
      throw new RangeError(
        `Cannot add state: the visited set holds at most ${MAX_STATES} states`,
      );
    }
    this.#reserve(key.length);
    this.#arena.set(key, this.#used);
    this.#starts[index] = this.#used;
    this.#parents[index] = parent;
    this.#used += key.length;
    this.#table[slot] = (tag | (index + 1)) >>> 0;
    this.#count = index + 1;
    if (this.#count > this.#table.length * MAX_LOAD) this.#rehash();
    return index;
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes > this.#arena.length) {
      const arena = new Uint8Array(
        Math.max(this.#arena.length * 2, this.#used + bytes),
      );
      arena.set(this.#arena.subarray(0, this.#used));
      this.#arena = arena;
    }
    if (this.#count === this.#starts.length) {
      const starts = new Uint32Array(this.#starts.length * 2);
      starts.set(this.#starts);
      this.#starts = starts;
      const parents = new Int32Array(this.#parents.length * 2);
      parents.set(this.#parents);
      this.#parents = parents;
    }
  }

  #rehash(): void {
    const table = new Uint32Array(this.#table.length * 2);
    const mask = table.length - 1;
    for (let index = 0; index < this.#count; index++) {
      const hash = hashBytes(this.key(index));
      let slot = hash & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = (tagOf(hash) | (index + 1)) >>> 0;
    }
    this.#table = table;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
