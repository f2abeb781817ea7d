// Copyright 2025 the ringproof authors. MIT license.
// Concrete states of the symbolic model: read from a solver's model, turned
// into the explicit model's BufferState (for the trace table and JSON), and
// read back from a BufferState (for the agreement test).

import type { BufferState, ConsumerOp, ProducerOp } from "../bounded_buffer.ts";
import type { SymState, System } from "./state.ts";
import { CONSUMER_OPS, PRODUCER_OPS, type Variant } from "./variant.ts";
import type { Formula, Int, Word, Z3 } from "./z3.ts";

/** One concrete state with its parameters. Items are sequence numbers, -1 is none. */
export interface Assignment {
  /** BUFFER_SIZE. */
  N: number;
  /** Items the producer makes. */
  K: number;
  /** Counter scheme: the counters' start. */
  start: number;
  in: number;
  out: number;
  inSlot: number;
  outSlot: number;
  /** The first `N` cells. */
  cells: number[];
  pcP: number;
  pcC: number;
  p: number;
  c: number;
  nc: number;
  fU: boolean;
  fF: boolean;
  fD: boolean;
  slotP: number;
  slotC: number;
}

/** What a solver's model can evaluate. */
export interface Evaluator {
  eval(term: Int | Word | Formula, completion: boolean): unknown;
}

function number(z: Z3, value: unknown): number {
  if (z.isIntVal(value) || z.isBitVecVal(value)) return Number(value.value());
  throw new TypeError(`Cannot read model: not a numeral, received ${value}`);
}

/** Reads state `s` (and the parameters) from a solver's model. */
export function readState(
  sys: System,
  model: Evaluator,
  s: SymState,
): Assignment {
  const { z } = sys;
  const num = (t: Int | Word) => number(z, model.eval(t, true));
  // A word is read through `toInt`: with the lemmas' uninterpreted
  // function, the value the solver reasoned about.
  const word = (t: Int | Word) =>
    sys.variant.scheme === "counter" ? num(sys.toInt(t as Word)) : num(t);
  const bool = (t: Formula) => z.isTrue(model.eval(t, true));
  const N = num(sys.N);
  return {
    N,
    K: num(sys.K),
    start: sys.variant.scheme === "counter" ? word(sys.S) : 0,
    // `in` as `out` plus the count: what the invariant (and the lemmas)
    // pin down; the same value when the functions are the real ones.
    in: sys.variant.scheme === "counter"
      ? (word(s.out) + word((s.in as Word).sub(s.out as Word))) % 2 ** 32
      : num(s.in),
    out: word(s.out),
    inSlot: num(s.inSlot),
    outSlot: num(s.outSlot),
    cells: Array.from(
      { length: Math.min(N, 64) },
      (_, k) => num(s.cells.select(z.Int.val(k)) as Int),
    ),
    pcP: num(s.pcP),
    pcC: num(s.pcC),
    p: num(s.p),
    c: num(s.c),
    nc: num(s.nc),
    fU: bool(s.fU),
    fF: bool(s.fF),
    fD: bool(s.fD),
    slotP: num(s.slotP),
    slotC: num(s.slotC),
  };
}

const item = (v: number) => v < 0 ? null : { producer: 0, seq: v };

/** The explicit model's view of an assignment. */
export function toBufferState(
  variant: Variant,
  a: Assignment,
): BufferState {
  const counter = variant.scheme === "counter";
  const modulo = variant.mutant === "modulo-index";
  return {
    in: a.in,
    out: a.out,
    inSlot: counter ? (modulo ? a.in % a.N : a.inSlot) : a.in,
    outSlot: counter ? (modulo ? a.out % a.N : a.outSlot) : a.out,
    cells: a.cells.map(item),
    lock: false,
    producers: [{
      name: "P0",
      pc: (PRODUCER_OPS[a.pcP] ?? "done") as ProducerOp | "done",
      produced: a.p,
      nextProduced: a.p < a.K ? { producer: 0, seq: a.p } : null,
      slot: variant.mutant === "publish-before-write" ? a.slotP : null,
    }],
    consumers: [{
      name: "C0",
      pc: (CONSUMER_OPS[a.pcC] ?? "wait") as ConsumerOp,
      nextConsumed: item(a.nc),
      slot: variant.mutant === "release-before-read" ? a.slotC : null,
      seen: [a.c],
    }],
    consumed: [
      Array.from({ length: Math.max(a.K, 0) }, (_, s) => s < a.c),
    ],
    itemsInBuffer: a.p - a.c,
    flags: { unproduced: a.fU, fifo: a.fF, duplicate: a.fD },
  };
}

/** Parameters of an explicit model, for {@linkcode fromBufferState}. */
export interface Params {
  slots: number;
  items: number;
  start: number;
}

/** The assignment of an explicit state (one producer, one consumer). */
export function fromBufferState(
  variant: Variant,
  state: BufferState,
  params: Params,
): Assignment {
  const producer = state.producers[0]!;
  const consumer = state.consumers[0]!;
  const counter = variant.scheme === "counter";
  // The separate slot indices follow the counters from slot 0 (the explicit
  // model derives them; with modulo-index they are not used).
  const offset = (v: number) => (v - params.start) >>> 0;
  return {
    N: params.slots,
    K: params.items,
    start: params.start,
    in: state.in,
    out: state.out,
    inSlot: counter ? offset(state.in) % params.slots : state.in,
    outSlot: counter ? offset(state.out) % params.slots : state.out,
    cells: state.cells.map((c) => c === null ? -1 : c.seq),
    pcP: (PRODUCER_OPS as readonly string[]).indexOf(producer.pc),
    pcC: (CONSUMER_OPS as readonly string[]).indexOf(consumer.pc),
    p: producer.produced,
    c: consumer.seen[0]!,
    nc: consumer.nextConsumed === null ? -1 : consumer.nextConsumed.seq,
    fU: state.flags.unproduced,
    fF: state.flags.fifo,
    fD: state.flags.duplicate,
    slotP: producer.slot ?? 0,
    slotC: consumer.slot ?? 0,
  };
}
