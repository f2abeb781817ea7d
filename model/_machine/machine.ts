// Copyright 2025 the ringproof authors. MIT license.
// The bounded buffer as a packed state machine: the semantics behind
// `boundedBuffer()`. One object per configuration that gathers the state
// (state.ts), the steps (steps.ts, sequence_steps.ts), the invariants
// (invariants.ts), the reductions (reductions.ts) and the codec (codec.ts)
// behind the methods bounded_buffer.ts and proof.ts call.

import type { BufferAction, BufferState } from "./types.ts";
import { type Config, MachineState } from "./state.ts";
import { step } from "./steps.ts";
import {
  factNames,
  facts,
  invariantNames,
  isEnd,
  violations,
} from "./invariants.ts";
import { canonicalize, independentStep } from "./reductions.ts";
import { action, decode, domain, domainSize, encode } from "./codec.ts";

export { type Config, positionLimit } from "./state.ts";

/** The packed semantics of one bounded-buffer configuration. */
export class Machine {
  readonly state: MachineState;
  readonly config: Config;
  readonly words: number;
  /** Most items the buffer may hold (`Infinity` for "unbounded"). */
  readonly capacity: number;
  readonly invariantNames: readonly string[];
  readonly factNames: readonly string[];
  readonly maxSuccessors: number;
  readonly hasSymmetry: boolean;

  constructor(config: Config) {
    const s = new MachineState(config);
    this.state = s;
    this.config = config;
    this.words = s.words;
    this.capacity = s.capacity;
    this.invariantNames = invariantNames(s);
    this.factNames = factNames(s);
    this.maxSuccessors = s.maxSuccessors;
    this.hasSymmetry = s.hasSymmetry;
  }

  initial(): Int32Array {
    return this.state.initial();
  }

  successors(
    src: Int32Array,
    so: number,
    out: Int32Array,
    acts: Int32Array,
  ): number {
    const s = this.state;
    const words = s.words;
    let n = 0;
    const procs = this.maxSuccessors;
    for (let proc = 0; proc < procs; proc++) {
      if (step(s, proc, src, so, out, n * words)) acts[n++] = proc;
    }
    return n;
  }

  /** Process `proc`'s step from `src`; writes the result to `dst` and returns true when enabled. */
  step(
    proc: number,
    src: Int32Array,
    so: number,
    dst: Int32Array,
    doff: number,
  ): boolean {
    return step(this.state, proc, src, so, dst, doff);
  }

  /** See reductions.ts. */
  independentStep(src: Int32Array, so: number): number {
    return independentStep(this.state, src, so);
  }

  canonicalize(buf: Int32Array, off: number): void {
    canonicalize(this.state, buf, off);
  }

  isEnd(src: Int32Array, so: number): boolean {
    return isEnd(this.state, src, so);
  }

  violations(src: Int32Array, so: number): number {
    return violations(this.state, src, so);
  }

  facts(src: Int32Array, so: number): number {
    return facts(this.state, src, so);
  }

  decode(src: Int32Array, so: number): BufferState {
    return decode(this.state, src, so);
  }

  /** The inverse of {@linkcode Machine.decode}; derived fields are ignored. */
  encode(state: BufferState, dst: Int32Array, doff: number): void {
    encode(this.state, state, dst, doff);
  }

  action(code: number, src: Int32Array, so: number): BufferAction {
    return action(this.state, code, src, so);
  }

  /** Every state of the bounded domain: each field over its whole range. */
  domain(): Generator<Int32Array> {
    return domain(this.state);
  }

  /** How many states {@linkcode Machine.domain} yields. */
  domainSize(): number {
    return domainSize(this.state);
  }
}
