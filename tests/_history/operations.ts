// Copyright 2025 the ringproof authors. MIT license.
// What a recorded history is made of, for the history checker (check.ts):
// operations with logical timestamps, the report, and the helpers both rule
// sets share.

/** One operation of a history. */
export interface Operation {
  /** `"push"` (producer) or `"pop"` (consumer). */
  readonly kind: "push" | "pop";
  /** The call, for reports: `tryPush`, `push`, `reserve/commit`, `tryPop`, … */
  readonly method: string;
  /** The item pushed, or popped (meaningless when `ok` is false). */
  readonly value: number;
  /** `false`: the push found the ring full, the pop found it empty. */
  readonly ok: boolean;
  /** Logical time when the call began. */
  readonly invoked: number;
  /** Logical time when the call returned. */
  readonly returned: number;
  /** The `size` the side read during the call, after its own step. */
  readonly size: number;
}

/** A recorded history: each side's operations in program order. */
export interface History {
  /** The producer's operations. */
  readonly pushes: readonly Operation[];
  /** The consumer's operations. */
  readonly pops: readonly Operation[];
  /** Whether the consumer drained the ring after the producer finished (so every item must have come out). */
  readonly complete: boolean;
}

/** The first fault found. */
export interface HistoryViolation {
  /**
   * `well-formed`, `no-unproduced` (a pop of an item never pushed, or whose
   * push had not begun), `no-duplicate`, `fifo`, `no-loss`, `bound` (a size
   * above capacity), `size` (a size no instant of the call could show),
   * `full-answer` / `empty-answer` (full or empty when it cannot have been).
   */
  readonly property: string;
  /** A sentence naming the operations. */
  readonly message: string;
  /** The offending operations, as recorded. */
  readonly operations: readonly Operation[];
}

/** What {@linkcode checkHistory} found. */
export interface HistoryReport {
  readonly ok: boolean;
  readonly violation?: HistoryViolation;
  /** Successful pushes and pops, and the full/empty answers checked. */
  readonly counts: {
    readonly pushes: number;
    readonly pops: number;
    readonly full: number;
    readonly empty: number;
  };
}

/** An operation as a report shows it, e.g. `pop #12 tryPop() → 7 [t 40..45, size 1]`. */
export function formatOperation(op: Operation, index: number): string {
  const result = op.kind === "push"
    ? `${op.method}(${op.value}) → ${op.ok ? "ok" : "full"}`
    : `${op.method}() → ${op.ok ? op.value : "empty"}`;
  return `${op.kind} #${index} ${result} [t ${op.invoked}..${op.returned}, size ${op.size}]`;
}

/** How many of the sorted `times` are below `t`. */
export function countBelow(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A violation found, thrown to end a check at the first one. */
export class Fault extends Error {
  constructor(readonly violation: HistoryViolation) {
    super(violation.message);
  }
}

/** A recorded history: every process's operations in program order. */
export interface ManyHistory {
  /** Each producer's operations (all `"push"`). */
  readonly producers: readonly (readonly Operation[])[];
  /** Each consumer's operations (all `"pop"`). */
  readonly consumers: readonly (readonly Operation[])[];
  /**
   * Whether the consumers drained the queue after every producer finished,
   * every call recorded: then an item never popped was lost.
   */
  readonly complete: boolean;
}
