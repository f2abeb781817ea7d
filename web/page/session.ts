// Copyright 2025 the ringproof authors. MIT license.
/**
 * An exploration session, without the DOM: the model, the path taken so far
 * (from an initial state), the step shown, the enabled steps there and the
 * invariants along the path.
 *
 * @module
 */

import {
  boundedBuffer,
  type BufferAction,
  type BufferModel,
  type BufferOptions,
  type BufferState,
  describeStep,
  type Step,
} from "../../model/mod.ts";

/** One step of a path: the action (`null` first) and the state after it. */
export type BufferStep = Step<BufferState, BufferAction>;

/** An enabled step, as offered to the user. */
export interface Choice {
  /** The step. */
  readonly action: BufferAction;
  /** E.g. `P0 write buffer[0] = a0`. */
  readonly label: string;
}

/** An invariant at the step shown. */
export interface Check {
  /** `bound`, `no-unproduced`, …, `deadlock-free`. */
  readonly name: string;
  /** What it says, in words. */
  readonly meaning: string;
  /** Whether it holds in the state shown. */
  readonly holds: boolean;
  /** The first step of the path (up to the one shown) where it fails, or `null`. */
  readonly brokenAt: number | null;
}

/** What the invariants say, for the page. */
export const MEANINGS: Readonly<Record<string, string>> = {
  "bound": "items in the buffer ≤ capacity",
  "no-unproduced":
    "a consumer only takes a cell holding a produced, not-yet-consumed item",
  "fifo": "each consumer sees each producer's items in production order",
  "no-loss": "at the end, every produced item was consumed",
  "no-duplicate": "no item is consumed twice",
  "deadlock-free": "a state that is not a proper end has an enabled step",
};

/** The model's parameters other than `mutant`, as a form or a trace file names them. */
export const OPTION_NAMES = [
  "slots",
  "items",
  "scheme",
  "producers",
  "consumers",
  "sync",
  "start",
] as const;

/** The name of the deadlock check, which is not one of the model's invariants. */
export const DEADLOCK = "deadlock-free";

function sameAction(a: BufferAction, b: BufferAction): boolean {
  return a.process === b.process && a.op === b.op;
}

/**
 * A path through the bounded buffer's state space that the user extends one
 * enabled step at a time, undoes, and moves along.
 */
export class Session {
  /** The model. */
  readonly model: BufferModel;
  #path: BufferStep[];
  #cursor = 0;

  /**
   * Starts at the model's initial state, or on a given path (which must
   * start at an initial state; see `replayTrace` for checking one).
   *
   * @param options The model's parameters.
   * @param path An optional path to show, from step 0.
   */
  constructor(options: BufferOptions, path?: readonly BufferStep[]) {
    this.model = boundedBuffer(options);
    const [initial] = this.model.initial();
    this.#path = path === undefined || path.length === 0
      ? [{ action: null, state: initial! }]
      : [...path];
  }

  /** The whole path, from step 0. */
  get path(): readonly BufferStep[] {
    return this.#path;
  }

  /** The index of the step shown. */
  get cursor(): number {
    return this.#cursor;
  }

  /** The state shown. */
  get state(): BufferState {
    return this.#path[this.#cursor]!.state;
  }

  /** The state before the step shown (itself at step 0). */
  get before(): BufferState {
    return this.#path[Math.max(0, this.#cursor - 1)]!.state;
  }

  /** The steps enabled in the state shown, each with its description. */
  choices(): Choice[] {
    const state = this.state;
    return [...this.model.actions(state)].map((action) => ({
      action,
      label: `${action.process} ${
        describeStep(action, {
          before: state,
          after: this.model.step(state, action),
        })
      }`,
    }));
  }

  /**
   * Takes an enabled step from the state shown. Steps after the one shown
   * are dropped first (a new branch), unless the step is the path's next one.
   *
   * @param action The step.
   * @throws {RangeError} When the step is not enabled.
   */
  take(action: BufferAction): void {
    const next = this.#path[this.#cursor + 1];
    if (next?.action != null && sameAction(next.action, action)) {
      this.#cursor++;
      return;
    }
    const state = this.model.step(this.state, action);
    this.#path.length = this.#cursor + 1;
    this.#path.push({ action, state });
    this.#cursor++;
  }

  /**
   * Drops the path's last step.
   *
   * @returns `false` at the initial state.
   */
  undo(): boolean {
    if (this.#path.length === 1) return false;
    this.#path.pop();
    this.#cursor = Math.min(this.#cursor, this.#path.length - 1);
    return true;
  }

  /**
   * Shows another step of the path.
   *
   * @param index The step, clamped to the path.
   */
  seek(index: number): void {
    this.#cursor = Math.max(0, Math.min(this.#path.length - 1, index));
  }

  /** Whether the state shown is a proper end (every item produced and consumed). */
  atEnd(): boolean {
    return this.model.isEnd?.(this.state) ?? false;
  }

  /** The model's invariants and `deadlock-free` at the step shown. */
  checks(): Check[] {
    const shown = this.#path.slice(0, this.#cursor + 1);
    const checks = Object.entries(this.model.invariants).map(
      ([name, holds]): Check => {
        const broken = shown.findIndex((step) => !holds(step.state));
        return {
          name,
          meaning: MEANINGS[name] ?? name,
          holds: holds(this.state),
          brokenAt: broken < 0 ? null : broken,
        };
      },
    );
    const deadlocked = this.#deadlocked(this.state);
    checks.push({
      name: DEADLOCK,
      meaning: MEANINGS[DEADLOCK]!,
      holds: !deadlocked,
      brokenAt: deadlocked ? this.#cursor : null,
    });
    return checks;
  }

  /**
   * The first step at which each of the model's facts holds on the path up
   * to the step shown.
   */
  facts(): { name: string; at: number | null }[] {
    const shown = this.#path.slice(0, this.#cursor + 1);
    return Object.entries(this.model.facts ?? {}).map(([name, holds]) => {
      const at = shown.findIndex((step) => holds(step.state));
      return { name, at: at < 0 ? null : at };
    });
  }

  /**
   * Per step of the whole path: the invariants it breaks that held before
   * it, and `deadlock-free` when the path ends in a deadlock.
   */
  breaks(): string[][] {
    const invariants = Object.entries(this.model.invariants);
    const last = this.#path.length - 1;
    return this.#path.map((step, i) => {
      const names = invariants.filter(([, holds]) =>
        !holds(step.state) && (i === 0 || holds(this.#path[i - 1]!.state))
      ).map(([name]) => name);
      if (i === last && this.#deadlocked(step.state)) names.push(DEADLOCK);
      return names;
    });
  }

  #deadlocked(state: BufferState): boolean {
    const [any] = this.model.actions(state);
    return any === undefined && !(this.model.isEnd?.(state) ?? false);
  }
}
