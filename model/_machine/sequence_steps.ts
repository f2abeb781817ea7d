// Copyright 2025 the ringproof authors. MIT license.
// The steps of sync "sequence" (Vyukov's bounded queue, the production
// ring's "sequence" scheme), one shared access per step.

import {
  CLAIM,
  F_CELLS,
  F_FLAGS,
  F_IN,
  F_OUT,
  FLAG_FIFO,
  LOAD,
  type MachineState,
  WAIT,
} from "./state.ts";

// What a sync "sequence" step did: blocked (not enabled), went on to the
// next step, or went back to `load` (the position was taken meanwhile).
export const BLOCKED = -1;
export const RETRY = 0;
export const ADVANCE = 1;

/**
 * Sync "sequence" (Vyukov's bounded queue), one shared access per step:
 * `load` copies `in` (`out`) to the process's position; `wait` reads its
 * cell's sequence number and blocks while it says full (empty), retries
 * when it shows the position already taken; `claim` is the
 * compareExchange of `in` (`out`) from the position to the next one, and
 * retries when it fails; `publish` sets the sequence number to
 * position + 1, `release` to position + BUFFER_SIZE. Returns BLOCKED,
 * RETRY (pc set back to `load`) or ADVANCE (the caller moves the pc on).
 */
export function sequenceStep(
  ms: MachineState,
  op: number,
  producer: boolean,
  i: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): number {
  const L = ms.layout;
  const posField = producer ? ms.prodPos[i]! : ms.consPos[i]!;
  const shared = producer ? F_IN : F_OUT;
  const pos = L.get(src, so, posField);
  const seqField = ms.seqField[ms.slotOf(pos)]!;
  if (op === WAIT) {
    // The producer wants seq == pos (free), the consumer seq == pos + 1
    // (published); less is full (empty): wait; more: pos was taken.
    const diff = L.get(src, so, seqField) - (producer ? pos : pos + 1);
    if (diff < 0) return BLOCKED;
    ms.copy(src, so, dst, doff);
    return diff === 0 ? ADVANCE : retry(ms, producer, i, dst, doff);
  }
  ms.copy(src, so, dst, doff);
  if (op === LOAD) {
    L.set(dst, doff, posField, L.get(src, so, shared));
  } else if (op === CLAIM) {
    if (L.get(src, so, shared) !== pos) {
      return retry(ms, producer, i, dst, doff);
    }
    L.set(dst, doff, shared, pos + 1);
    if (!producer) claimed(ms, pos, src, so, dst, doff);
  } else {
    // PUBLISH or RELEASE: hand the cell to the other side.
    const next = producer ? pos + 1 : pos + ms.config.slots;
    L.set(dst, doff, seqField, next);
  }
  return ADVANCE;
}

/** Sends a process back to `load`: its position was taken meanwhile. */
function retry(
  ms: MachineState,
  producer: boolean,
  i: number,
  dst: Int32Array,
  doff: number,
): number {
  const pc = producer ? ms.prodPc[i]! : ms.consPc[i]!;
  ms.layout.set(dst, doff, pc, 0);
  return RETRY;
}

/**
 * Ghost of a consumer's successful claim: the item in the claimed cell
 * must be its producer's next one in claim order (per-producer FIFO).
 */
function claimed(
  ms: MachineState,
  pos: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): void {
  const L = ms.layout;
  const v = L.get(src, so, F_CELLS + ms.slotOf(pos));
  if (v === 0) return; // the read finds it empty: no-unproduced
  const { items } = ms.config;
  const q = ((v - 1) / items) | 0;
  const s = v - 1 - q * items;
  if (s !== L.get(src, so, ms.claimNext[q]!)) {
    L.set(dst, doff, F_FLAGS, L.get(src, so, F_FLAGS) | FLAG_FIFO);
  } else L.set(dst, doff, ms.claimNext[q]!, s + 1);
}
