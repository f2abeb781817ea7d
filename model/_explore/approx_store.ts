// Copyright 2025 the ringproof authors. MIT license.
// The visited sets of the approximate search, for models beyond memory: a
// bit array with k hash functions (SPIN's bitstate, or supertrace) and a
// table of 64-bit state signatures (hash compaction). Neither keeps a state:
// two states that hash alike are taken for one, so a state may be omitted;
// each reports the estimate of that probability SPIN's users rely on.

import { hashWords } from "./visited.ts";

/** Seeds of the two independent 32-bit hashes every store starts from. */
const SEED_A = 0x9747b28c;
const SEED_B = 0x2545f491;

/** A visited set that may answer "seen" for a state it never saw. */
export interface ApproxStore {
  /** Adds the state; false when it was (or looks) already present. */
  add(src: Int32Array, offset: number, words: number): boolean;
  readonly count: number;
  readonly bytes: number;
  /** Expected number of omitted states after `count` insertions. */
  expectedOmissions(): number;
  /** SPIN's hash factor: bit positions (or signature values) per stored state. */
  hashFactor(): number;
}

/**
 * SPIN's bitstate store: `2^bits` bits; a state sets `hashes` bits, picked by
 * double hashing (h_i = a + i·b, Kirsch and Mitzenmacher, "Less hashing, same
 * performance", 2006) from two independent 32-bit hashes.
 */
export class BitStore implements ApproxStore {
  readonly #bits: Int32Array;
  readonly #mask: number;
  readonly #hashes: number;
  readonly #m: number;
  #count = 0;

  constructor(bits: number, hashes: number) {
    this.#m = 2 ** bits;
    this.#bits = new Int32Array(Math.max(1, this.#m / 32));
    this.#mask = this.#m - 1;
    this.#hashes = hashes;
  }

  get count(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bits.byteLength;
  }

  add(src: Int32Array, offset: number, words: number): boolean {
    const a = hashWords(src, offset, words, SEED_A);
    const b = hashWords(src, offset, words, SEED_B) | 1;
    const bits = this.#bits;
    const mask = this.#mask;
    let fresh = false;
    for (let i = 0; i < this.#hashes; i++) {
      // Bit positions up to 2^32: the mask keeps the low bits of a + i·b.
      const position = ((a + Math.imul(i, b)) >>> 0) & mask;
      const word = position >>> 5;
      const bit = 1 << (position & 31);
      if ((bits[word]! & bit) === 0) {
        bits[word] = bits[word]! | bit;
        fresh = true;
      }
    }
    if (fresh) this.#count++;
    return fresh;
  }

  /**
   * The Bloom-filter estimate (Bloom 1970; for bitstate search, Holzmann, "An
   * analysis of bitstate hashing", Formal Methods in System Design 13(3),
   * 1998): with i states stored, a new state is taken for a stored one with
   * probability f(i) = (1 − e^(−k·i/m))^k, so the expected omissions are
   * Σ_{i<n} f(i), summed here by the midpoint rule on at most 4096 pieces.
   */
  expectedOmissions(): number {
    const n = this.#count;
    const k = this.#hashes;
    const m = this.#m;
    const pieces = Math.min(n, 4096);
    let sum = 0;
    for (let j = 0; j < pieces; j++) {
      const i = ((j + 0.5) * n) / pieces;
      sum += (1 - Math.exp((-k * i) / m)) ** k;
    }
    return pieces === 0 ? 0 : (sum * n) / pieces;
  }

  hashFactor(): number {
    return this.#count === 0 ? Infinity : this.#m / this.#count;
  }
}

/**
 * Hash compaction: each state is kept as a 64-bit signature (two independent
 * 32-bit hashes) in an open-addressing table that grows; distinct states are
 * confused only when their signatures are equal.
 */
export class CompactStore implements ApproxStore {
  /** Pairs (a, b); (0, 0) is an empty slot. */
  #table = new Int32Array(2 << 10);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#table.byteLength;
  }

  add(src: Int32Array, offset: number, words: number): boolean {
    const a = hashWords(src, offset, words, SEED_A) | 0;
    let b = hashWords(src, offset, words, SEED_B) | 0;
    if (a === 0 && b === 0) b = 1; // (0, 0) marks an empty slot
    const table = this.#table;
    const mask = (table.length >>> 1) - 1;
    // The slot comes from the second hash, so a table of up to 2^32 slots
    // never reuses the bits it compares (the full pair is compared anyway).
    let slot = b & mask;
    for (;;) {
      const sa = table[2 * slot]!;
      const sb = table[2 * slot + 1]!;
      if (sa === 0 && sb === 0) break;
      if (sa === a && sb === b) return false;
      slot = (slot + 1) & mask;
    }
    table[2 * slot] = a;
    table[2 * slot + 1] = b;
    this.#count++;
    if (this.#count > (table.length >>> 1) * 0.75) this.#grow();
    return true;
  }

  #grow(): void {
    const old = this.#table;
    const table = new Int32Array(old.length * 2);
    const mask = (table.length >>> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i]!;
      const b = old[i + 1]!;
      if (a === 0 && b === 0) continue;
      let slot = b & mask;
      while (table[2 * slot] !== 0 || table[2 * slot + 1] !== 0) {
        slot = (slot + 1) & mask;
      }
      table[2 * slot] = a;
      table[2 * slot + 1] = b;
    }
    this.#table = table;
  }

  /**
   * The birthday bound (Wolper and Leroy, "Reliable hashing without collision
   * detection", CAV 1993): n states with b-bit signatures hold n(n − 1)/2
   * pairs, each equal with probability 2^−b, so the expected number of
   * confused pairs (each omits at most one state) is n(n − 1)/2^(b + 1),
   * here with b = 64.
   */
  expectedOmissions(): number {
    const n = this.#count;
    return (n * (n - 1)) / 2 ** 65;
  }

  hashFactor(): number {
    return this.#count === 0 ? Infinity : 2 ** 64 / this.#count;
  }
}
