// Copyright 2025 the ringproof authors. MIT license.
// The invariants and facts of the bounded buffer, read from a packed state:
// `bound`, `no-unproduced`, `fifo`, `no-loss`, `no-duplicate` (the ghost
// flags the steps set, plus counts), and the fact `bound-tight`.

import {
  F_FLAGS,
  F_LOCK,
  F_OUT,
  FLAG_DUPLICATE,
  FLAG_FIFO,
  FLAG_UNPRODUCED,
  type MachineState,
} from "./state.ts";

// Fixed invariant bits; without a bound ("unbounded") everything shifts down one.
const BIT_BOUND = 1;
const BIT_UNPRODUCED = 2;
const BIT_FIFO = 4;
const BIT_LOSS = 8;
const BIT_DUPLICATE = 16;
const ALL_INVARIANTS = [
  "bound",
  "no-unproduced",
  "fifo",
  "no-loss",
  "no-duplicate",
] as const;

/** The invariants a configuration checks, in bit order of {@linkcode violations}. */
export function invariantNames(s: MachineState): readonly string[] {
  return s.bounded ? ALL_INVARIANTS : ALL_INVARIANTS.slice(1);
}

/** The facts a configuration looks for, in bit order of {@linkcode facts}. */
export function factNames(s: MachineState): readonly string[] {
  return s.bounded ? ["bound-tight"] : [];
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export function consumedCount(
  ms: MachineState,
  src: Int32Array,
  so: number,
): number {
  const L = ms.layout;
  let n = 0;
  if (ms.config.consumers === 1) {
    for (let p = 0; p < ms.config.producers; p++) {
      n += L.get(src, so, ms.seen[p]!);
    }
  } else {
    for (let p = 0; p < ms.config.producers; p++) {
      n += popcount(L.get(src, so, ms.mask[p]!));
    }
  }
  return n;
}

/** Items produced (written) and not yet consumed (read). */
export function itemsInBuffer(
  ms: MachineState,
  src: Int32Array,
  so: number,
): number {
  let n = 0;
  for (let p = 0; p < ms.config.producers; p++) {
    n += ms.layout.get(src, so, ms.prodN[p]!);
  }
  return n - consumedCount(ms, src, so);
}

export function isEnd(ms: MachineState, src: Int32Array, so: number): boolean {
  const L = ms.layout;
  const done = ms.producerProgram.length;
  for (let p = 0; p < ms.config.producers; p++) {
    if (L.get(src, so, ms.prodPc[p]!) !== done) return false;
  }
  // Consumers wait at the top of their loop; with sync "sequence", on
  // their copy of the final `out`, having loaded it.
  const waiting = ms.sequence ? 1 : 0;
  for (let c = 0; c < ms.config.consumers; c++) {
    if (L.get(src, so, ms.consPc[c]!) !== waiting) return false;
    if (
      ms.sequence &&
      L.get(src, so, ms.consPos[c]!) !== L.get(src, so, F_OUT)
    ) return false;
  }
  return L.get(src, so, F_LOCK) === 0 && ms.empty(src, so);
}

export function violations(
  ms: MachineState,
  src: Int32Array,
  so: number,
): number {
  let bad = 0;
  if (ms.bounded && itemsInBuffer(ms, src, so) > ms.capacity) {
    bad |= BIT_BOUND;
  }
  const flags = ms.layout.get(src, so, F_FLAGS);
  if (flags & FLAG_UNPRODUCED) bad |= BIT_UNPRODUCED;
  if (flags & FLAG_FIFO) bad |= BIT_FIFO;
  if (flags & FLAG_DUPLICATE) bad |= BIT_DUPLICATE;
  if (isEnd(ms, src, so) && consumedCount(ms, src, so) < ms.total) {
    bad |= BIT_LOSS;
  }
  return ms.bounded ? bad : bad >>> 1;
}

export function facts(ms: MachineState, src: Int32Array, so: number): number {
  return ms.bounded && itemsInBuffer(ms, src, so) === ms.capacity ? 1 : 0;
}
