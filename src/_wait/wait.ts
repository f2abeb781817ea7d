// The one wait protocol of every engine: spin, raise the flag, re-check,
// sleep, until the call may go on, its deadline passes, its signal aborts, or
// the ring is closed (for a consumer: closed and drained). Async calls on one
// handle keep their call order through its CallQueue.
//
// An engine says what "may go on" means (`poll`: room for a producer, an
// item for a consumer; a sequence-ring engine claims its position there) and
// when the wait is over for good (`end`); the Gate says where it sleeps.
import { CallQueue } from "./call_queue.ts";
import { ClosedError } from "../errors.ts";
import { remaining, sleepUntilChanged, SPIN_CHECKS } from "./signal.ts";
import type { PushAsyncOptions } from "../options.ts";

/**
 * Where a blocked call sleeps. One-producer rings and the unbounded buffer:
 * the side's waiting flag, raised to 1 (`waiters` is -1). Sequence rings:
 * the side's futex word, an epoch bumped on each wake, and a count of
 * sleepers that tells a waker whether to bump it.
 */
export class Gate {
  readonly words: Int32Array;
  readonly futex: number;
  readonly waiters: number;

  constructor(words: Int32Array, futex: number, waiters = -1) {
    this.words = words;
    this.futex = futex;
    this.waiters = waiters;
  }

  /** Announces a sleeper; returns the value to sleep on. */
  arm(): number {
    if (this.waiters < 0) {
      Atomics.store(this.words, this.futex, 1);
      return 1;
    }
    const epoch = Atomics.load(this.words, this.futex);
    Atomics.add(this.words, this.waiters, 1);
    return epoch;
  }

  /** Withdraws the sleeper announced by `arm`. */
  disarm(): void {
    if (this.waiters < 0) Atomics.store(this.words, this.futex, 0);
    else Atomics.sub(this.words, this.waiters, 1);
  }
}

/** What an engine tells the protocol about one of its blocked calls. */
export interface Blocked {
  readonly gate: Gate;
  readonly calls: CallQueue;
  /** One look: whether the call may go on now. */
  poll(): boolean;
  /**
   * Called when `poll` failed with the gate armed: throws when the call can
   * never go on (closed; closed and drained); `true` when a last look found
   * that it may go on after all.
   */
  end(): boolean;
  /** The call's entry checks, repeated before each look of an async wait. */
  ready(): void;
  timeout(ms: number | undefined): Error;
}

/** Re-checks up to SPIN_CHECKS times; true as soon as the call may go on. */
export function spin(blocked: Blocked): boolean {
  for (let k = 0; k < SPIN_CHECKS; k++) if (blocked.poll()) return true;
  return false;
}

/**
 * Blocks the thread with `Atomics.wait` until `blocked` may go on. The flag
 * is raised before the re-check, so a peer that moved before seeing it was
 * seen by the re-check: no wake-up is lost.
 */
export function waitSync(
  blocked: Blocked,
  deadline: number,
  timeout: number | undefined,
): void {
  if (spin(blocked)) return;
  const gate = blocked.gate;
  while (true) {
    const value = gate.arm();
    try {
      if (blocked.poll() || blocked.end()) return;
      const ms = remaining(deadline);
      if (ms === 0) throw blocked.timeout(timeout);
      Atomics.wait(gate.words, gate.futex, value, ms);
    } finally {
      gate.disarm();
    }
  }
}

/**
 * The async calls' protocol: goes at once (`finish`) when nothing is queued
 * and the call need not wait; else queues behind the earlier calls and waits
 * with `Atomics.waitAsync`. `finish` runs in the same step as the look that
 * allowed it.
 */
export function waitAsync<R>(
  blocked: Blocked,
  deadline: number,
  options: PushAsyncOptions,
  finish: () => R,
): Promise<R> {
  options.signal?.throwIfAborted();
  if (blocked.calls.idle && (blocked.poll() || spin(blocked))) {
    return Promise.resolve(finish());
  }
  return blocked.calls.run(() =>
    sleepAsync(blocked, deadline, options, finish)
  );
}

async function sleepAsync<R>(
  blocked: Blocked,
  deadline: number,
  options: PushAsyncOptions,
  finish: () => R,
): Promise<R> {
  const { signal } = options;
  const gate = blocked.gate;
  while (true) {
    blocked.ready();
    const value = gate.arm();
    let go = false;
    try {
      go = blocked.poll() || blocked.end();
      if (!go) {
        signal?.throwIfAborted();
        const ms = remaining(deadline);
        if (ms === 0) throw blocked.timeout(options.timeout);
        await sleepUntilChanged(gate.words, gate.futex, { value, ms, signal });
        signal?.throwIfAborted();
      }
    } finally {
      gate.disarm();
    }
    if (go) return finish();
  }
}

/**
 * The async iteration of every consumer: yields what `pop` resolves to, one
 * call at a time, and ends when it rejects with a {@linkcode ClosedError};
 * other errors propagate.
 */
export async function* untilClosed<T>(
  pop: () => Promise<T>,
): AsyncGenerator<T, void, undefined> {
  while (true) {
    let item: T;
    try {
      item = await pop();
    } catch (error) {
      if (error instanceof ClosedError) return;
      throw error;
    }
    yield item;
  }
}

export { CallQueue };
