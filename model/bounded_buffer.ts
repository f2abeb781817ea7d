// Copyright 2025 the ringproof authors. MIT license.
/**
 * The textbook bounded buffer as a pure state machine, at the granularity of
 * the textbook's producer and consumer loops: one shared-memory access per
 * step.
 *
 * @module
 */

import type { Model, PackedModel } from "./types.ts";
import { MachineState } from "./_machine/state.ts";
import { step, successors } from "./_machine/steps.ts";
import {
  factNames,
  facts as factBits,
  invariantNames,
  isEnd,
  violations,
} from "./_machine/invariants.ts";
import { canonicalize, independentStep } from "./_machine/reductions.ts";
import { action as actionOf, decode, encode } from "./_machine/codec.ts";
import { resolveConfig } from "./_machine/config.ts";
import type {
  BufferAction,
  BufferOptions,
  BufferState,
  Item,
  Mutant,
} from "./_machine/types.ts";
export type * from "./_machine/types.ts";
export {
  mutantApplies,
  type MutantAppliesOptions,
  MUTANTS,
  SCHEMES,
  SYNCS,
} from "./_machine/config.ts";

/** The model {@linkcode boundedBuffer} returns: generic, with a packed fast path. */
export interface BufferModel extends Model<BufferState, BufferAction> {
  /** The parameters, defaults filled in. */
  readonly config: Readonly<Required<Omit<BufferOptions, "mutant">>> & {
    readonly mutant: Mutant | undefined;
  };
  /** Most items the buffer may hold: `slots - 1`, `slots`, or `Infinity`. */
  readonly capacity: number;
  /** The packed fast path the explorer uses. */
  readonly packed: PackedModel<BufferState, BufferAction>;
}

function processIndex(machine: MachineState, process: string): number {
  const { producers, consumers } = machine.config;
  const match = /^([PC])(\d+)$/.exec(process);
  const n = match === null ? -1 : Number(match[2]);
  if (match?.[1] === "P" && n < producers) return n;
  if (match?.[1] === "C" && n < consumers) return producers + n;
  throw new RangeError(`Cannot step: no process named ${process}`);
}

/**
 * Builds the model of the textbook bounded buffer: `in`, `out`, the cells,
 * each process's program counter and locals, and ghost counters for the
 * invariants `bound`, `no-unproduced`, `fifo`, `no-loss`, `no-duplicate`, plus
 * the reachability fact `bound-tight` (the buffer fills up to its capacity).
 *
 * @param options Slots, items, scheme, processes, sync variant, mutant.
 * @returns A {@linkcode BufferModel} for {@linkcode explore}.
 * @throws {RangeError} When a number is out of range or a mutant does not apply.
 * @throws {TypeError} When a number is not a number, or a scheme, sync
 * variant or mutant name is unknown.
 *
 * @example Checking the textbook buffer, one producer and one consumer
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore } from "@ringproof/ring/model";
 *
 * const report = explore(boundedBuffer({ slots: 3, items: 4 }));
 * assert.equal(report.verdict, "pass");
 * assert.equal(report.facts[0]?.name, "bound-tight");
 * assert.equal(report.facts[0]?.witnessed, true); // 2 items = slots - 1
 * ```
 *
 * @example Two producers without a lock lose an item
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore } from "@ringproof/ring/model";
 *
 * const report = explore(boundedBuffer({ producers: 2, items: 1 }));
 * assert.equal(report.verdict, "violation");
 * assert.ok(report.counterexample !== undefined);
 * ```
 */
export function boundedBuffer(options: BufferOptions = {}): BufferModel {
  const config = resolveConfig(options);
  const machine = new MachineState(config);
  const words = machine.words;
  const pack = (state: BufferState): Int32Array => {
    const out = new Int32Array(words);
    encode(machine, state, out, 0);
    return out;
  };
  const invariants: Record<string, (state: BufferState) => boolean> = {};
  invariantNames(machine).forEach((name, i) => {
    invariants[name] = (state) =>
      ((violations(machine, pack(state), 0) >>> i) & 1) === 0;
  });
  const facts: Record<string, (state: BufferState) => boolean> = {};
  factNames(machine).forEach((name, i) => {
    facts[name] = (state) =>
      ((factBits(machine, pack(state), 0) >>> i) & 1) === 1;
  });
  const packed: PackedModel<BufferState, BufferAction> = {
    words,
    maxSuccessors: machine.maxSuccessors,
    invariantNames: invariantNames(machine),
    factNames: factNames(machine),
    initial: () => machine.initial(),
    successors: (state, offset, out, actions) =>
      successors(machine, state, offset, out, actions),
    violations: (state, offset) => violations(machine, state, offset),
    facts: (state, offset) => factBits(machine, state, offset),
    isEnd: (state, offset) => isEnd(machine, state, offset),
    decode: (state, offset) => decode(machine, state, offset),
    action: (code, state, offset) => actionOf(machine, code, state, offset),
    independentStep: (state, offset) => independentStep(machine, state, offset),
  };
  if (machine.hasSymmetry) {
    packed.canonicalize = (state, offset) =>
      canonicalize(machine, state, offset);
  }
  return {
    config: { ...config },
    capacity: machine.capacity,
    packed,
    initial: () => [decode(machine, machine.initial(), 0)],
    *actions(state) {
      const src = pack(state);
      const out = new Int32Array(machine.maxSuccessors * words);
      const acts = new Int32Array(machine.maxSuccessors);
      const n = successors(machine, src, 0, out, acts);
      for (let i = 0; i < n; i++) yield actionOf(machine, acts[i]!, src, 0);
    },
    step(state, action) {
      const src = pack(state);
      const proc = processIndex(machine, action.process);
      const current = actionOf(machine, proc, src, 0);
      const out = new Int32Array(words);
      if (current.op !== action.op || !step(machine, proc, src, 0, out, 0)) {
        throw new RangeError(
          `Cannot step: ${action.process} ${action.op} is not enabled (its next step is ${current.op})`,
        );
      }
      return decode(machine, out, 0);
    },
    encode: pack,
    invariants,
    facts,
    isEnd: (state) => isEnd(machine, pack(state), 0),
    describe: (action) => `${action.process} ${action.op}`,
  };
}

/**
 * A short name for an item: the producer as a letter, then the sequence
 * number (`a0`, `a1`, `b0`, …); `·` for an empty cell.
 *
 * @param item The item, or `null`.
 * @returns Its short name.
 *
 * @example Naming items
 * ```ts
 * import assert from "node:assert/strict";
 * import { itemName } from "@ringproof/ring/model";
 *
 * assert.equal(itemName({ producer: 1, seq: 2 }), "b2");
 * assert.equal(itemName(null), "·");
 * ```
 */
export function itemName(item: Item | null): string {
  return item === null
    ? "·"
    : `${String.fromCharCode(97 + item.producer)}${item.seq}`;
}
