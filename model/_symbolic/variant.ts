// Copyright 2025 the ringproof authors. MIT license.
// Which one-producer/one-consumer program the symbolic model describes: the
// scheme and the mutant fix the order of each loop's steps (as the explicit
// model's programs do) and the full test.

import type { ConsumerOp, Mutant, ProducerOp } from "../bounded_buffer.ts";

/** A scheme the prover covers. */
export type SymbolicScheme = "textbook" | "counter";

/** One symbolic model: a scheme and an optional mutant. */
export interface Variant {
  scheme: SymbolicScheme;
  mutant: Mutant | undefined;
}

/** The producer's steps, as the symbolic pc codes them (`done` is 3). */
export const PRODUCER_OPS = ["wait", "write", "publish", "done"] as const;
/** The consumer's steps, as the symbolic pc codes them. */
export const CONSUMER_OPS = ["wait", "read", "release"] as const;

/** The code of a producer step. */
export function producerCode(op: ProducerOp | "done"): number {
  const code = (PRODUCER_OPS as readonly string[]).indexOf(op);
  if (code < 0) {
    throw new RangeError(`Cannot encode pc: no producer step ${op}`);
  }
  return code;
}

/** The code of a consumer step. */
export function consumerCode(op: ConsumerOp): number {
  const code = (CONSUMER_OPS as readonly string[]).indexOf(op);
  if (code < 0) {
    throw new RangeError(`Cannot encode pc: no consumer step ${op}`);
  }
  return code;
}

/** The producer's loop, in order (as the explicit model's program). */
export function producerProgram(variant: Variant): ProducerOp[] {
  const body: ProducerOp[] = variant.mutant === "publish-before-write"
    ? ["publish", "write"]
    : ["write", "publish"];
  return variant.mutant === "no-full-check" ? body : ["wait", ...body];
}

/** The consumer's loop, in order. */
export function consumerProgram(variant: Variant): ConsumerOp[] {
  return variant.mutant === "release-before-read"
    ? ["wait", "release", "read"]
    : ["wait", "read", "release"];
}
