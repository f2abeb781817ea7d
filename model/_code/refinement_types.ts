// What a refinement check is (refinement.ts for the one-producer ring and
// the unbounded buffer, refinement_sequence.ts for the sequence ring).
import type { Step } from "./step_types.ts";

/** A failed refinement check. */
export interface RefinementFailure {
  readonly property: "refinement";
  readonly message: string;
}

/** The refinement check of one scenario, reused across its executions. */
export interface Refinement {
  /** Reads the execution's first abstract state (after the setup). */
  begin(sab: SharedArrayBuffer): void;
  /** After a step: null when it refines the model, else why not. */
  check(
    sab: SharedArrayBuffer,
    steps: readonly Step[],
  ): RefinementFailure | null;
  /**
   * The abstract state after each step that changed it (by step index), for
   * the failure's table; reset by {@linkcode Refinement.begin}.
   */
  readonly states: Map<number, string>;
}
