// Copyright 2025 the ringproof authors. MIT license.
/**
 * The textbook bounded buffer as a pure state machine, at the granularity of
 * the textbook's producer and consumer loops: one shared-memory access per
 * step.
 *
 * @module
 */

import type { Model, PackedModel } from "./types.ts";
import { type Config, MachineState, positionLimit } from "./_machine/state.ts";
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
import type {
  BufferAction,
  BufferState,
  Item,
  Mutant,
  Scheme,
  Sync,
} from "./_machine/types.ts";
export type * from "./_machine/types.ts";

/**
 * Every mutant, with what it changes:
 * - `publish-before-write`: the producer publishes `in` before writing the slot.
 * - `release-before-read`: the consumer publishes `out` before reading the slot.
 * - `full-when-equal`: the full test is `in == out`.
 * - `no-full-check`: the producer never waits.
 * - `wasted-two`: the full test is `(in + 2) % BUFFER_SIZE == out`
 *   (`"counter"`: `in - out + 2 == BUFFER_SIZE`).
 * - `modulo-index` (`"counter"` only): the slot is `counter % BUFFER_SIZE`
 *   instead of a separately wrapped slot index.
 *
 * @example Listing the mutants that apply to a scheme
 * ```ts
 * import assert from "node:assert/strict";
 * import { MUTANTS, mutantApplies } from "@ringproof/ring/model";
 *
 * assert.equal(MUTANTS.length, 6);
 * assert.deepEqual(
 *   MUTANTS.filter((m) => mutantApplies(m, "unbounded")),
 *   ["publish-before-write", "release-before-read"],
 * );
 * ```
 */
export const MUTANTS: readonly Mutant[] = [
  "publish-before-write",
  "release-before-read",
  "full-when-equal",
  "no-full-check",
  "wasted-two",
  "modulo-index",
];

/**
 * The schemes, for validation and listings.
 *
 * @example Checking every scheme
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, SCHEMES } from "@ringproof/ring/model";
 *
 * for (const scheme of SCHEMES) {
 *   assert.equal(explore(boundedBuffer({ scheme, items: 2 })).verdict, "pass");
 * }
 * ```
 */
export const SCHEMES: readonly Scheme[] = ["textbook", "counter", "unbounded"];

/**
 * The sync variants, for validation and listings.
 *
 * @example Two producers need the lock or the sequence numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, SYNCS } from "@ringproof/ring/model";
 *
 * const verdicts = SYNCS.map((sync) =>
 *   explore(boundedBuffer({ sync, producers: 2, items: 2 })).verdict
 * );
 * assert.deepEqual(verdicts, ["violation", "pass", "pass"]);
 * ```
 */
export const SYNCS: readonly Sync[] = ["none", "mutex", "sequence"];

/** Options for {@linkcode mutantApplies}. */
export interface MutantAppliesOptions {
  /** The sync variant. Default `"none"`. */
  sync?: Sync;
}

/**
 * Whether `mutant` makes sense for `scheme` (and the sync variant): the
 * full-test mutants need a full test (not `"unbounded"`), `modulo-index`
 * needs counters; with `sync: "sequence"` (counters only) just
 * `publish-before-write` and `release-before-read` apply — the sequence
 * numbers replace the full test and the index arithmetic.
 *
 * @param mutant The mutant.
 * @param scheme The index scheme.
 * @param options The sync variant.
 * @returns `true` when the mutant changes something in that configuration.
 *
 * @example The counter-only mutant
 * ```ts
 * import assert from "node:assert/strict";
 * import { mutantApplies } from "@ringproof/ring/model";
 *
 * assert.equal(mutantApplies("modulo-index", "counter"), true);
 * assert.equal(mutantApplies("modulo-index", "textbook"), false);
 * ```
 *
 * @example The mutants of the sequence variant
 * ```ts
 * import assert from "node:assert/strict";
 * import { MUTANTS, mutantApplies } from "@ringproof/ring/model";
 *
 * assert.deepEqual(
 *   MUTANTS.filter((m) => mutantApplies(m, "counter", { sync: "sequence" })),
 *   ["publish-before-write", "release-before-read"],
 * );
 * ```
 */
export function mutantApplies(
  mutant: Mutant,
  scheme: Scheme,
  options: MutantAppliesOptions = {},
): boolean {
  switch (mutant) {
    case "publish-before-write":
    case "release-before-read":
      return options.sync !== "sequence" || scheme === "counter";
    case "modulo-index":
      return scheme === "counter" && options.sync !== "sequence";
    default:
      return scheme !== "unbounded" && options.sync !== "sequence";
  }
}

/** Parameters of {@linkcode boundedBuffer}. */
export interface BufferOptions {
  /** `BUFFER_SIZE`, the number of cells (ignored by `"unbounded"`). Default 4. */
  slots?: number;
  /** Items each producer produces, 1 to 31. Default 3. */
  items?: number;
  /** The index scheme. Default `"textbook"`. */
  scheme?: Scheme;
  /** Producer processes, 1 to 8. Default 1. */
  producers?: number;
  /** Consumer processes, 1 to 8. Default 1. */
  consumers?: number;
  /** The sync variant. Default `"none"`. `"sequence"` makes `"counter"` the default scheme. */
  sync?: Sync;
  /** A deliberate bug, or none. */
  mutant?: Mutant;
  /**
   * `"counter"` only: the counters' initial value, to cross the 2^32 wrap
   * (with `sync: "sequence"`: the positions' initial value, below their wrap
   * at the largest multiple of `slots` up to 2^31). Default 0.
   */
  start?: number;
}

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

function integerIn(
  name: string,
  value: number,
  min: number,
  max: number,
): number {
  if (typeof value !== "number") {
    // A trace file may hold "3": say it is a string, not "received 3".
    throw new TypeError(
      `Cannot create model: ${name} must be an integer from ${min} to ${max}, received ${typeof value} ${
        JSON.stringify(value)
      }`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot create model: ${name} must be an integer from ${min} to ${max}, received ${value}`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  name: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) {
    throw new TypeError(
      `Cannot create model: ${name} must be one of ${
        allowed.join(", ")
      }, received ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function resolve(options: BufferOptions): Config {
  const sync = oneOf("sync", options.sync ?? "none", SYNCS);
  const scheme = oneOf(
    "scheme",
    options.scheme ?? (sync === "sequence" ? "counter" : "textbook"),
    SCHEMES,
  );
  const config: Config = {
    slots: integerIn("slots", options.slots ?? 4, 2, 64),
    items: integerIn("items", options.items ?? 3, 1, 31),
    scheme,
    producers: integerIn("producers", options.producers ?? 1, 1, 8),
    consumers: integerIn("consumers", options.consumers ?? 1, 1, 8),
    sync,
    mutant: options.mutant === undefined
      ? undefined
      : oneOf("mutant", options.mutant, MUTANTS),
    start: integerIn("start", options.start ?? 0, 0, 2 ** 32 - 1),
  };
  if (config.mutant !== undefined && !mutantApplies(config.mutant, scheme)) {
    throw new RangeError(
      `Cannot create model: mutant ${config.mutant} does not apply to scheme ${scheme}`,
    );
  }
  if (sync === "sequence") checkSequence(config);
  if (config.start !== 0 && scheme !== "counter") {
    throw new RangeError(
      `Cannot create model: start applies only to scheme counter, received scheme ${scheme}`,
    );
  }
  return config;
}

/** What sync "sequence" accepts: counters, start below the wrap, two mutants. */
function checkSequence(config: Config): void {
  if (config.scheme !== "counter") {
    throw new RangeError(
      `Cannot create model: sync sequence needs scheme counter, received scheme ${config.scheme}`,
    );
  }
  const { mutant } = config;
  if (
    mutant !== undefined &&
    !mutantApplies(mutant, config.scheme, { sync: "sequence" })
  ) {
    throw new RangeError(
      `Cannot create model: mutant ${mutant} does not apply to sync sequence`,
    );
  }
  const limit = positionLimit(config.slots);
  if (config.start >= limit) {
    throw new RangeError(
      `Cannot create model: start must be an integer from 0 to ${
        limit - 1
      } with sync sequence (positions wrap at ${limit}), received ${config.start}`,
    );
  }
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
  const config = resolve(options);
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
