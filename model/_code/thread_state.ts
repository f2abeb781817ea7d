// A checked thread's state in the controller's world: its pending operation
// or the waits it sleeps in, its spin window, and what the scheduler may
// choose it for next.
import { K_BARRIER } from "./protocol.ts";
import type { PendingOp } from "./step_types.ts";
import type { ThreadResult, ThreadView } from "./controller_types.ts";

/** A thread's state, as the controller keeps it. */
export interface ThreadState {
  status: ThreadView["status"];
  op: PendingOp | null;
  /** Sync wait: when it began sleeping (virtual ms). */
  since: number;
  /** Notifier's step that woke it. */
  cause: number;
  /** Async waiters: id → wait. */
  waiters: Map<number, { op: PendingOp; since: number; woken: number }>;
  nextWaiter: number;
  result: ThreadResult | null;
  locs: string[];
  /** Words this thread loaded since its last other operation (its spin window). */
  window: Set<number>;
  /** Another thread wrote a word of the window: tell the Worker at the next grant. */
  reset: boolean;
  /** Whether it passed the scenario's barrier. */
  passed: boolean;
  /**
   * Busy-waiting (a fold hit FOLD_CAP, or SPIN_STEPS re-reads): not
   * scheduled until a word it reads is written.
   */
  spinning: boolean;
  /** Read-only steps since the window was last cleared, as `addr@loc`. */
  reads: Set<string>;
  /** How many of those repeated one before it (same word, same line). */
  rereads: number;
}

/**
 * Read-only steps (a load, a failed compareExchange, a wait on a changed
 * value) that repeat an earlier one of the thread (same word, same source
 * line) with nobody writing its words meanwhile, after which the thread is
 * busy-waiting: a loop of such steps (e.g. re-arming a flag that a close
 * marked, until the close sets closed) sees the same values each time. The
 * shim folds only re-reads by loads from one call stack; this catches loops
 * of several kinds of steps. Two rounds of such a loop are enough.
 */
export const SPIN_STEPS = 8;

/** A thread at the start of an execution. */
export function newThread(): ThreadState {
  return {
    status: "pending",
    op: null,
    since: 0,
    cause: -1,
    waiters: new Map(),
    nextWaiter: 0,
    result: null,
    locs: [],
    window: new Set(),
    reset: false,
    passed: false,
    spinning: false,
    reads: new Set(),
    rereads: 0,
  };
}

/** What thread `s` may do next, given every thread (for the barrier). */
export function viewOf(
  s: ThreadState,
  threads: readonly ThreadState[],
): ThreadView {
  switch (s.status) {
    case "pending":
      if (s.op!.kind === K_BARRIER) {
        // Enabled once every thread is at the barrier, past it or done.
        const open = threads.every((o) =>
          o.status === "done" || o.passed ||
          (o.status === "pending" && o.op!.kind === K_BARRIER)
        );
        return { status: s.status, op: s.op, action: open ? "op" : null };
      }
      return { status: s.status, op: s.op, action: "op" };
    case "woken":
      return { status: s.status, op: s.op, action: "resume" };
    case "blocked":
      return {
        status: s.status,
        op: s.op,
        action: Number.isFinite(s.op!.timeout) ? "timeout" : null,
      };
    case "idle": {
      let timed: PendingOp | null = null;
      let any: PendingOp | null = null;
      for (const w of s.waiters.values()) {
        any ??= w.op;
        if (w.woken >= 0) {
          return { status: s.status, op: w.op, action: "resume" };
        }
        if (Number.isFinite(w.op.timeout)) timed ??= w.op;
      }
      return timed !== null
        ? { status: s.status, op: timed, action: "timeout" }
        : { status: s.status, op: any, action: null };
    }
    default:
      return { status: s.status, op: null, action: null };
  }
}

/** Forgets a thread's spin window: it did something else than re-read. */
export function calm(s: ThreadState): void {
  s.window.clear();
  s.reads.clear();
  s.rereads = 0;
}
