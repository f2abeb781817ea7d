// The controller's types: what the scheduler sees, how an execution ends,
// and the controller's options (apart from the controller, so the search,
// the checks and the output import no class).
import type { Action, PendingOp, Step } from "./step_types.ts";
import type { CodeEvent } from "./scenario_types.ts";

/** A thread's state as the scheduler sees it. */
export interface ThreadView {
  readonly status: "pending" | "blocked" | "woken" | "idle" | "done";
  /** Its next operation (or the wait it sleeps in). */
  readonly op: PendingOp | null;
  /** The action a choice of this thread performs, or null when it cannot move. */
  readonly action: Action | null;
}

/** How an execution ended. */
export type Outcome =
  | { readonly kind: "done" }
  | { readonly kind: "deadlock"; readonly blocked: readonly number[] }
  | {
    readonly kind: "violation";
    readonly property: string;
    readonly message: string;
  }
  | { readonly kind: "pruned" };

/** One thread's result. */
export interface ThreadResult {
  readonly events: readonly CodeEvent[];
  readonly error?: { readonly name: string; readonly message: string };
}

/** A finished execution. */
export interface Execution {
  readonly steps: readonly Step[];
  readonly outcome: Outcome;
  readonly results: readonly (ThreadResult | null)[];
  readonly ring: SharedArrayBuffer;
  /** The choices made, in order: the schedule that replays it. */
  readonly schedule: readonly number[];
}

/** Decides who goes next; returns a thread index, or -1 to stop (pruned). */
export interface Scheduler {
  choose(threads: readonly ThreadView[], steps: readonly Step[]): number;
}

/** Checks run on the ring's state after every step. */
export type StepCheck = (
  ring: SharedArrayBuffer,
  steps: readonly Step[],
) => { property: string; message: string } | null;

/** Options of a {@linkcode Controller}. */
export interface ControllerOptions {
  readonly ringUrl: string;
  readonly scenarioUrl: string;
  readonly threads: number;
  /** Record plain accesses and check for data races. */
  readonly races: boolean;
  /** Real milliseconds a thread may run between two operations. */
  readonly stallMs?: number;
}
