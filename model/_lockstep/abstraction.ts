// Copyright 2025 the ringproof authors. MIT license.
// The abstraction function of the conformance checks: from what a ring under
// test shows (its header's `in`/`out`, their physical slots, the raw slot
// contents) plus the driver's own bookkeeping of the calls it made (program
// counters, items written, items read: ghost state the ring does not keep),
// to the model's `BufferState`. The model's invariants can then be evaluated
// on the production state itself.

import type { BufferState, Item } from "../bounded_buffer.ts";
import type { RingObservation } from "./ring_types.ts";

/** The producer's program counter, as in the model (`sync: "none"`). */
export type ProducerPc = "wait" | "write" | "publish" | "done";
/** The consumer's program counter. */
export type ConsumerPc = "wait" | "read" | "release";

/**
 * What the driver knows about the calls it made on a ring: one producer
 * (P0) and one consumer (C0). Item `s` of P0 travels through the ring as the
 * int32 value `s + 1`, so a never-written slot (0) reads as empty.
 */
export interface Shadow {
  producerPc: ProducerPc;
  /** Items P0 has written (the model's `produced`). */
  produced: number;
  consumerPc: ConsumerPc;
  /** The raw value C0 read in this iteration (`next_consumed`), 0 when none. */
  nextConsumed: number;
  /** One more than the last sequence number C0 took in order (the model's `seen`). */
  seen: number;
  unproduced: boolean;
  fifo: boolean;
  duplicate: boolean;
}

/**
 * The driver's bookkeeping of a fresh ring. `top` is the producer's first
 * step: `"wait"`, or `"write"` for a producer that never waits (the
 * unbounded buffer).
 */
export function initialShadow(
  items: number,
  top: ProducerPc = "wait",
): Shadow {
  return {
    producerPc: items > 0 ? top : "done",
    produced: 0,
    consumerPc: "wait",
    nextConsumed: 0,
    seen: 0,
    unproduced: false,
    fifo: false,
    duplicate: false,
  };
}

/** The value P0 writes for its `seq`-th item. */
export function itemValue(seq: number): number {
  return seq + 1;
}

/** The item a raw slot value stands for: `null` for 0, `undefined` for garbage. */
export function itemOf(raw: number, items: number): Item | null | undefined {
  if (raw === 0) return null;
  return Number.isInteger(raw) && raw >= 1 && raw <= items
    ? { producer: 0, seq: raw - 1 }
    : undefined;
}

/** A raw value's short name: `a0`, `a1`, …, `·` for empty, `?v` for garbage. */
export function rawName(raw: number, items: number): string {
  const item = itemOf(raw, items);
  if (item === undefined) return `?${raw}`;
  return item === null ? "·" : `a${item.seq}`;
}

/**
 * Records that C0 read `raw`, updating the ghost flags by the same rules as
 * the model's read step, so a wrong value shows up as the model's
 * `no-unproduced`, `no-duplicate` or `fifo` on the production state.
 */
export function recordRead(shadow: Shadow, raw: number, items: number): void {
  const item = itemOf(raw, items);
  shadow.nextConsumed = item === undefined ? 0 : raw;
  if (item === null || item === undefined) {
    shadow.unproduced = true;
    return;
  }
  if (item.seq < shadow.seen) {
    shadow.unproduced = true;
    shadow.duplicate = true;
  }
  if (item.seq !== shadow.seen) shadow.fifo = true;
  else shadow.seen = item.seq + 1;
}

/** The production state in the model's terms, or why it has none. */
export type Abstracted =
  | { readonly state: BufferState; readonly problem?: undefined }
  | { readonly state?: undefined; readonly problem: string };

/**
 * The abstraction function α: the model state a ring is in, given what it
 * shows and what the driver did to it. `in`, `out`, `inSlot`, `outSlot` are
 * taken as the ring reports them; each cell's raw value `v` becomes item
 * `v - 1` of P0, or empty for 0; program counters and ghost counters come
 * from the driver.
 */
export function abstractState(
  observation: RingObservation,
  shadow: Shadow,
  items: number,
): Abstracted {
  const cells: (Item | null)[] = [];
  for (const [i, raw] of observation.cells.entries()) {
    const item = itemOf(raw, items);
    if (item === undefined) {
      return {
        problem: `cell ${i} holds ${raw}, which is no item the driver wrote`,
      };
    }
    cells.push(item);
  }
  const consumed = Array.from(
    { length: items },
    (_, s) => s < shadow.seen,
  );
  return {
    state: {
      in: observation.in,
      out: observation.out,
      inSlot: observation.inSlot,
      outSlot: observation.outSlot,
      cells,
      lock: false,
      producers: [{
        name: "P0",
        pc: shadow.producerPc,
        produced: shadow.produced,
        nextProduced: shadow.produced < items
          ? { producer: 0, seq: shadow.produced }
          : null,
        slot: null,
      }],
      consumers: [{
        name: "C0",
        pc: shadow.consumerPc,
        nextConsumed: itemOf(shadow.nextConsumed, items) ?? null,
        slot: null,
        seen: [shadow.seen],
      }],
      consumed: [consumed],
      itemsInBuffer: shadow.produced - shadow.seen,
      flags: {
        unproduced: shadow.unproduced,
        fifo: shadow.fifo,
        duplicate: shadow.duplicate,
      },
    },
  };
}

/**
 * The fields of two states that differ, in the order a reader checks them:
 * the shared variables, then the cells, then what C0 read.
 */
export function differences(model: BufferState, ring: BufferState): string[] {
  const out: string[] = [];
  for (const field of ["in", "out", "inSlot", "outSlot"] as const) {
    if (model[field] !== ring[field]) out.push(field);
  }
  model.cells.forEach((cell, i) => {
    const other = ring.cells[i];
    if (
      other === undefined || (cell === null) !== (other === null) ||
      (cell !== null && other !== null && cell.seq !== other.seq)
    ) out.push(`cells[${i}]`);
  });
  if (ring.cells.length !== model.cells.length) out.push("cells");
  const a = model.consumers[0]?.nextConsumed ?? null;
  const b = ring.consumers[0]?.nextConsumed ?? null;
  if ((a === null) !== (b === null) || (a !== null && b?.seq !== a.seq)) {
    out.push("next_consumed");
  }
  return out;
}
