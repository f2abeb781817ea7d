// Copyright 2025 the ringproof authors. MIT license.
// One step in lockstep: the model's step (the oracle) and the same step as a
// call on a ring under test (run.ts), then the comparison of the two states through
// the abstraction function and the model's invariants evaluated on the
// production state.

import {
  abstractState,
  differences,
  type ProducerPc,
  rawName,
} from "./abstraction.ts";
import type { Outcome, Run } from "./run.ts";
import type {
  BufferAction,
  BufferModel,
  BufferState,
} from "../bounded_buffer.ts";
import type { RingObservation, RingStep } from "./ring_types.ts";
import { describeStep } from "../trace.ts";

/** The model's answer to a step: `null` when the step is blocked. */
export interface Expected {
  readonly after: BufferState;
  /** What a read (or tryPop) takes, as a raw value (0: an empty cell). */
  readonly read: number | null;
  /** The model's description of the step. */
  readonly text: string;
}

/** The model as an oracle, with its transitions cached (states repeat often). */
export class Oracle {
  readonly model: BufferModel;
  readonly items: number;
  /** The producer's first step: `"wait"`, or `"write"` when it never waits. */
  readonly top: ProducerPc;
  readonly #cache = new Map<string, Expected | null>();

  constructor(model: BufferModel) {
    this.model = model;
    this.items = model.config.items;
    this.top = this.initial().producers[0]!.pc as ProducerPc;
  }

  key(state: BufferState): string {
    return this.model.encode(state).toString();
  }

  initial(): BufferState {
    return [...this.model.initial()][0]!;
  }

  /** The model's state after `step`, or `null` when the model blocks it. */
  next(state: BufferState, step: RingStep): Expected | null {
    const key = `${this.key(state)}|${step.process}|${step.op}`;
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    const answer = this.#compute(state, step);
    this.#cache.set(key, answer);
    return answer;
  }

  #compute(state: BufferState, step: RingStep): Expected | null {
    const fine: BufferAction["op"][] = step.op === "tryPush"
      ? (this.top === "wait"
        ? ["wait", "write", "publish"]
        : ["write", "publish"])
      : step.op === "tryPop"
      ? ["wait", "read", "release"]
      : [step.op];
    let current = state;
    let read: number | null = null;
    const texts: string[] = [];
    for (const op of fine) {
      const action: BufferAction = { process: step.process, op };
      const enabled = [...this.model.actions(current)].some((a) =>
        a.process === action.process && a.op === action.op
      );
      if (!enabled) return null;
      const after = this.model.step(current, action);
      texts.push(describeStep(action, { before: current, after }));
      if (op === "read") {
        const taken = after.consumers[0]?.nextConsumed ?? null;
        read = taken === null ? 0 : taken.producer * this.items + taken.seq + 1;
      }
      current = after;
    }
    const text = fine.length === 1
      ? texts[0]!
      : `${step.op}: ${texts.filter((_, i) => fine[i] !== "wait").join(", ")}`;
    return { after: current, read, text };
  }

  /** Why the model blocks a step of `process`, in its terms. */
  blocked(state: BufferState, process: RingStep["process"]): string {
    const why = process === "P0" ? "full" : "empty";
    return `${why}: in = ${state.in}, out = ${state.out}`;
  }

  /**
   * The names of the model's invariants that `state` violates. A state
   * outside the model's domain (e.g. `in` past `BUFFER_SIZE`) cannot be
   * evaluated; the field comparison reports it instead.
   */
  violated(state: BufferState): string[] {
    try {
      return Object.entries(this.model.invariants)
        .filter(([, holds]) => !holds(state))
        .map(([name]) => name);
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) return [];
      throw error;
    }
  }
}

/** A step checked in lockstep: both sides, and what disagrees. */
export interface Checked {
  /** The model's state after the step (the state before, when blocked). */
  readonly model: BufferState;
  /** The model's description of the step. */
  readonly modelText: string;
  /** Whether the model takes the step (`false`: blocked). */
  readonly modelEnabled: boolean;
  /** The call and its result, or the error it threw. */
  readonly call: string;
  readonly productionEnabled: boolean;
  /** The ring's observation after the call (absent when the call threw). */
  readonly observation?: RingObservation;
  /** The production state through the abstraction function. */
  readonly production?: BufferState;
  /** Names of the model state's fields that differ on the production side. */
  readonly differing: readonly string[];
  /** The first disagreement: the property and a sentence, or none. */
  readonly failure?: { readonly property: string; readonly message: string };
}

function describeError(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : String(error);
}

/**
 * Takes `step` on both sides: the model from `before`, the ring `run` (which
 * is in the production counterpart of `before`), and compares.
 */
export function checkStep(
  oracle: Oracle,
  before: BufferState,
  run: Run,
  step: RingStep,
): Checked {
  const expected = oracle.next(before, step);
  const why = oracle.blocked(before, step.process);
  const modelText = expected?.text ?? `${step.op}: blocked, ${why}`;
  const model = expected?.after ?? before;
  const label = `${step.process} ${step.op}`;
  let outcome: Outcome;
  try {
    outcome = run.perform(step);
  } catch (error) {
    return {
      model,
      modelText,
      modelEnabled: expected !== null,
      call: `threw ${describeError(error)}`,
      productionEnabled: false,
      differing: [],
      failure: {
        property: "error",
        message: `the ring threw on ${label}: ${describeError(error)}`,
      },
    };
  }
  const observation = run.observe();
  const abstracted = abstractState(observation, run.shadow, oracle.items);
  const production = abstracted.state;
  const differing = production === undefined
    ? ["cells"]
    : differences(model, production);
  const base = {
    model,
    modelText,
    modelEnabled: expected !== null,
    call: outcome.call,
    productionEnabled: outcome.enabled,
    observation,
    ...(production === undefined ? {} : { production }),
    differing,
  };
  const fail = (property: string, message: string): Checked => ({
    ...base,
    failure: { property, message },
  });
  if ((expected === null) === outcome.enabled) {
    return fail(
      "enabled",
      expected === null
        ? `the model blocks ${label} (${why}), but the ring's ${outcome.call}`
        : `the model takes ${label} (${modelText}), but the ring's ${outcome.call}`,
    );
  }
  if (production === undefined) {
    return fail("cells", `after ${label}: ${abstracted.problem}`);
  }
  const broken = oracle.violated(production);
  if (broken.length > 0) {
    return fail(
      broken[0]!,
      `after ${label} the production state violates ${broken.join(", ")}`,
    );
  }
  if (expected !== null && expected.read !== null) {
    if (outcome.value !== expected.read) {
      return fail(
        "read",
        `${label}: the model takes ${
          rawName(expected.read, oracle.items)
        }, the ring returned ${rawName(outcome.value ?? 0, oracle.items)}`,
      );
    }
  }
  if (outcome.slot !== undefined) {
    const slot = step.process === "P0" ? model.inSlot : model.outSlot;
    if (outcome.slot !== slot) {
      return fail(
        step.process === "P0" ? "reserve" : "peek",
        `${label}: the model's slot is ${slot}, the ring's ${outcome.call}`,
      );
    }
  }
  if (differing.length > 0) {
    const field = differing[0]!;
    return fail(
      field,
      `after ${label} ${field} differs: the model has ${
        show(model, field, oracle.items)
      }, the ring ${show(production, field, oracle.items)}`,
    );
  }
  return base;
}

/** A field of a state, shown as in the trace. */
export function show(state: BufferState, field: string, items: number): string {
  const cell = /^cells\[(\d+)\]$/.exec(field);
  if (cell !== null) {
    const item = state.cells[Number(cell[1])] ?? null;
    return `${field} = ${item === null ? "·" : rawName(item.seq + 1, items)}`;
  }
  if (field === "next_consumed") {
    const item = state.consumers[0]?.nextConsumed ?? null;
    return `next_consumed = ${item === null ? "·" : `a${item.seq}`}`;
  }
  const value = state[field as "in" | "out" | "inSlot" | "outSlot"];
  return `${field} = ${value}`;
}
