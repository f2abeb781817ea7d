// The steps of an execution as the controller records them: shared by the
// controller and the race detector, which neither imports from the other.

/** A shared-memory operation a thread is about to perform. */
export interface PendingOp {
  readonly kind: number;
  readonly addr: number;
  readonly value: number;
  readonly value2: number;
  readonly width: number;
  /** Timeout in ms of a wait (Infinity when none). */
  readonly timeout: number;
  /** Source location of the call, e.g. `src/producer.ts:412`. */
  readonly loc: string;
}

/** What a scheduling choice does. */
export type Action = "op" | "resume" | "timeout";

/** One step of an execution: a thread's operation and the code after it. */
export interface Step {
  readonly thread: number;
  readonly action: Action;
  /** The operation (for resume/timeout: the wait being left). */
  readonly op: PendingOp;
  /** The word's value before and after the step. */
  readonly before: number;
  readonly after: number;
  /** What the operation returned, when the controller decides it. */
  readonly result?: string;
  /** Loads of the same word folded into this step (a spin). */
  readonly folded: number;
  /** Step that woke this thread (resume), for happens-before. */
  readonly cause?: number;
  /** Plain writes to the ring in the step (-1: not recorded). */
  readonly writes: number;
}
