// Copyright 2025 the ringproof authors. MIT license.
// The steps of the one-producer schemes ("textbook", "counter", "unbounded")
// with sync "none" and "mutex", and the per-process dispatch every scheme
// shares; sync "sequence" has its own steps (sequence_steps.ts). A step
// reads its source state and, when enabled, writes the successor: it
// allocates nothing (the explorer's hot loop).

import {
  F_CELLS,
  F_FLAGS,
  F_IN,
  F_LOCK,
  F_OUT,
  FLAG_DUPLICATE,
  FLAG_FIFO,
  FLAG_UNPRODUCED,
  LOCK,
  type MachineState,
  READ,
  UNLOCK,
  WAIT,
  WRITE,
} from "./state.ts";
import { ADVANCE, RETRY, sequenceStep } from "./sequence_steps.ts";

/** Every enabled step from `src`: successors to `out`, process indices to `acts`; returns how many. */
export function successors(
  ms: MachineState,
  src: Int32Array,
  so: number,
  out: Int32Array,
  acts: Int32Array,
): number {
  const words = ms.words;
  const procs = ms.maxSuccessors;
  let n = 0;
  for (let proc = 0; proc < procs; proc++) {
    if (step(ms, proc, src, so, out, n * words)) acts[n++] = proc;
  }
  return n;
}

/** Process `proc`'s step from `src`; writes the result to `dst` and returns true when enabled. */
export function step(
  ms: MachineState,
  proc: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): boolean {
  const P = ms.config.producers;
  return proc < P
    ? produce(ms, proc, src, so, dst, doff)
    : consume(ms, proc - P, src, so, dst, doff);
}

export function produce(
  ms: MachineState,
  p: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): boolean {
  const L = ms.layout;
  const program = ms.producerProgram;
  const pc = L.get(src, so, ms.prodPc[p]!);
  if (pc === program.length) return false;
  const { items } = ms.config;
  if (program[pc] === WRITE) {
    const made = L.get(src, so, ms.prodN[p]!);
    if (made >= items) return false;
    const slot = ms.prodSlotLocal
      ? L.get(src, so, ms.prodSlot[p]!)
      : ms.slotOf(L.get(src, so, ms.sequence ? ms.prodPos[p]! : F_IN));
    ms.copy(src, so, dst, doff);
    L.set(dst, doff, F_CELLS + slot, p * items + made + 1);
    L.set(dst, doff, ms.prodN[p]!, made + 1);
    L.set(dst, doff, ms.prodSlot[p]!, 0);
  } else if (ms.sequence) {
    const to = sequenceStep(ms, program[pc]!, true, p, src, so, dst, doff);
    if (to !== ADVANCE) return to === RETRY;
  } else if (!shared(ms, program[pc]!, true, p, src, so, dst, doff)) {
    return false;
  }
  let next = pc + 1;
  if (next === program.length && L.get(dst, doff, ms.prodN[p]!) < items) {
    next = 0;
  }
  L.set(dst, doff, ms.prodPc[p]!, next);
  return true;
}

export function consume(
  ms: MachineState,
  c: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): boolean {
  const L = ms.layout;
  const program = ms.consumerProgram;
  const pc = L.get(src, so, ms.consPc[c]!);
  if (program[pc] === READ) {
    ms.copy(src, so, dst, doff);
    read(ms, c, src, so, dst, doff);
  } else if (ms.sequence) {
    const to = sequenceStep(ms, program[pc]!, false, c, src, so, dst, doff);
    if (to !== ADVANCE) return to === RETRY;
  } else if (!shared(ms, program[pc]!, false, c, src, so, dst, doff)) {
    return false;
  }
  let next = pc + 1;
  if (next === program.length) {
    // next_consumed is consumed at the end of the iteration: dead from here.
    next = 0;
    L.set(dst, doff, ms.consNext[c]!, 0);
  }
  L.set(dst, doff, ms.consPc[c]!, next);
  return true;
}

/** The steps both roles have: lock, wait, publish `in` / release `out`, unlock. */
function shared(
  ms: MachineState,
  op: number,
  producer: boolean,
  i: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): boolean {
  const L = ms.layout;
  if (op === LOCK || op === WAIT) {
    // A failed attempt under the lock (lock, find full, unlock) changes
    // nothing, so spinning is modelled as the lock being unavailable.
    if (op === LOCK && L.get(src, so, F_LOCK) !== 0) return false;
    const blocked = producer
      ? ms.producerWaits && ms.full(src, so)
      : ms.empty(src, so);
    if (blocked) return false;
    ms.copy(src, so, dst, doff);
    if (op === LOCK) L.set(dst, doff, F_LOCK, 1);
    return true;
  }
  if (op === UNLOCK) {
    ms.copy(src, so, dst, doff);
    L.set(dst, doff, F_LOCK, 0);
    return true;
  }
  // PUBLISH (in) or RELEASE (out).
  const field = producer ? F_IN : F_OUT;
  const v = L.get(src, so, field);
  if (!ms.textbook && v >= ms.total) return false;
  ms.copy(src, so, dst, doff);
  if (producer ? ms.prodSlotLocal : ms.consSlotLocal) {
    const slotField = producer ? ms.prodSlot[i]! : ms.consSlot[i]!;
    L.set(dst, doff, slotField, ms.slotOf(v));
  }
  L.set(dst, doff, field, ms.next(v));
  return true;
}

function read(
  ms: MachineState,
  c: number,
  src: Int32Array,
  so: number,
  dst: Int32Array,
  doff: number,
): void {
  const L = ms.layout;
  const { items, producers: P, consumers: C } = ms.config;
  const slot = ms.consSlotLocal
    ? L.get(src, so, ms.consSlot[c]!)
    : ms.slotOf(L.get(src, so, ms.sequence ? ms.consPos[c]! : F_OUT));
  const v = slot < ms.cells ? L.get(src, so, F_CELLS + slot) : 0;
  let flags = L.get(src, so, F_FLAGS);
  if (v === 0) {
    flags |= FLAG_UNPRODUCED;
  } else {
    const q = ((v - 1) / items) | 0;
    const s = v - 1 - q * items;
    const seenField = ms.seen[c * P + q]!;
    const last = L.get(src, so, seenField);
    const consumed = C === 1
      ? s < last
      : ((L.get(src, so, ms.mask[q]!) >>> s) & 1) === 1;
    if (consumed) flags |= FLAG_UNPRODUCED | FLAG_DUPLICATE;
    // One consumer must see 0, 1, 2, ... exactly; several, increasing.
    if (C === 1 ? s !== last : s < last) flags |= FLAG_FIFO;
    else L.set(dst, doff, seenField, s + 1);
    if (C > 1 && !consumed) {
      L.set(
        dst,
        doff,
        ms.mask[q]!,
        L.get(src, so, ms.mask[q]!) | (1 << s),
      );
    }
  }
  L.set(dst, doff, F_FLAGS, flags);
  L.set(dst, doff, ms.consNext[c]!, v);
  L.set(dst, doff, ms.consSlot[c]!, 0);
}
