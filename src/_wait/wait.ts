// The one wait protocol of every engine: spin, arm the gate, re-check,
// sleep, until the call may go on, its deadline passes, its signal aborts, or
// the buffer is closed (for a consumer: closed and drained); async calls on
// one handle keep their call order. An engine extends Waiter and says what
// "may go on" means (`poll`: room for a producer, an item for a consumer; a
// sequence-ring engine claims its position there).
import { ClosedError, TimeoutError } from "../errors.ts";
import type { PopOptions, PushAsyncOptions } from "../options.ts";
import type { HandleLock } from "../_shm/attachment.ts";
import {
  type MissPace,
  PACED_CHECKS,
  remaining,
  sleepUntilChanged,
  SPIN_CHECKS,
  SPIN_PAUSES,
} from "./signal.ts";

/**
 * Runs a handle's async calls one after another, in call order, while the
 * first call of an idle handle may take its fast path at once. Failures keep
 * the order too: see {@linkcode CallQueue.fail}.
 */
export class CallQueue {
  #pending = 0;
  #tail: Promise<unknown> = Promise.resolve();

  /** Whether no call is queued or running: a new call may go at once. */
  get idle(): boolean {
    return this.#pending === 0;
  }

  /** Runs `call` once the calls queued before it have settled. */
  run<T>(call: () => Promise<T>): Promise<T> {
    this.#pending++;
    const done = this.#tail.then(call).finally(() => this.#pending--);
    this.#tail = done.catch(() => {});
    return done;
  }

  /**
   * Rejects with `error` once the calls queued before have settled: a call
   * that fails at once (closed, detached, aborted) must not overtake them.
   */
  fail<T>(error: unknown): Promise<T> {
    if (this.idle) return Promise.reject(error);
    return this.run(() => Promise.reject(error));
  }
}

/**
 * The armed bit of a sequence ring's futex word. The word is an odd epoch
 * while the ring is open; a sleeper sets this bit before its last look, and
 * the waker that clears it (epoch + 2: odd, unarmed) notifies. A close stores
 * an even value, and each wake after it adds 2.
 */
export const ARMED = 2;

/** Where a {@linkcode Gate} sleeps: a word and its armed bit. */
export interface GateOptions {
  /** The bit a sleeper sets in the word before its last look. */
  readonly bit: number;
  /** A count of sleepers kept beside the word (-1, the default: none). */
  readonly waiters?: number;
}

/**
 * Where a blocked call sleeps, and how it tells a waker so: one protocol for
 * every buffer, over a futex word and its armed bit. A sleeper sets the bit
 * (`Atomics.or`), looks once more, and sleeps on the word's value with the
 * bit set, so any change after its arm — a publish, the bit cleared by a
 * waker, a close (which marks the word, sets closed, then moves the word on
 * and notifies: see `markClosed`) — ends the wait or keeps it from
 * starting; a waker whose own read-modify-write of the word saw the bit
 * clears it and notifies. The words: a one-producer ring's peer index (bit
 * WAITING), an unbounded buffer's waiting flag (FLAG_WAITING), a sequence
 * ring's futex epoch (ARMED, with a count of sleepers that `inspectRing`
 * reports).
 */
export class Gate {
  readonly words: Int32Array;
  readonly futex: number;
  readonly bit: number;
  readonly waiters: number;

  constructor(words: Int32Array, futex: number, options: GateOptions) {
    this.words = words;
    this.futex = futex;
    this.bit = options.bit;
    this.waiters = options.waiters ?? -1;
  }

  /** Announces a sleeper; returns the value to sleep on. */
  arm(): number {
    if (this.waiters >= 0) Atomics.add(this.words, this.waiters, 1);
    return Atomics.or(this.words, this.futex, this.bit) | this.bit;
  }

  /** Withdraws the sleeper announced by `arm`. */
  disarm(): void {
    if (this.waiters >= 0) Atomics.sub(this.words, this.waiters, 1);
    // The bit is this side's alone: clear it, unless a waker did.
    else Atomics.and(this.words, this.futex, ~this.bit);
  }
}

/** Which side waits, and where (`Gate`). */
export interface WaiterOptions {
  readonly side: "producer" | "consumer";
  readonly gate: Gate;
  /**
   * Whether a blocking call spins before it sleeps (default true; async
   * calls always spin first).
   */
  readonly spinBeforeSleep?: boolean;
  /**
   * The side's miss pacing, shared with its `tryPush`/`tryPop`: a blocking
   * call first looks `PACED_CHECKS` times paced by it, before the spin
   * (none by default).
   */
  readonly pace?: MissPace;
}

/** The waiting part of an engine: the protocol, over the engine's `poll`. */
export abstract class Waiter {
  readonly calls: CallQueue = new CallQueue();
  readonly #gate: Gate;
  readonly #lock: HandleLock;
  readonly #consumer: boolean;
  readonly #spinBeforeSleep: boolean;
  readonly #pace: MissPace | null;

  /** `lock`: the handle's attachment, whose closed flag ends a wait. */
  constructor(lock: HandleLock, options: WaiterOptions) {
    const consumer = options.side === "consumer";
    this.#gate = options.gate;
    this.#lock = lock;
    this.#consumer = consumer;
    this.#spinBeforeSleep = options.spinBeforeSleep ?? true;
    this.#pace = options.pace ?? null;
  }

  /** One look: whether the call may go on now. */
  abstract poll(): boolean;

  /**
   * Detaches the handle (its attachment's `detach`), then wakes its pending
   * async call, whose entry check (`ready`) then rejects it, and so each
   * call queued behind it. Nothing else would: the peer may never publish
   * again, and the pending call's timer would keep the process alive.
   * Sleepers of the same side on other handles (a sequence ring's) wake too,
   * look, and sleep again.
   */
  detachAndWake(): void {
    this.#lock.detach();
    if (!this.calls.idle) Atomics.notify(this.#gate.words, this.#gate.futex);
  }

  /** The call's entry checks (closed, detached …), as the call words them. */
  abstract ready(): void;

  /**
   * Closed: whether nothing more can come for a consumer whose last look
   * failed. A sequence ring's consumers may still expect positions that
   * producers claimed before the close.
   */
  drained(): boolean {
    return true;
  }

  /**
   * A consumer's hole: the position its wait is stuck behind, claimed by a
   * producer and not published; -1 when none (the default: only a sequence
   * ring has holes).
   */
  hole(): number {
    return -1;
  }

  /** The error of a wait stuck behind hole `position` for `ms` ms. */
  stalled(position: number, ms: number): Error {
    return new Error(`Cannot pop item: stuck at ${position} for ${ms} ms`);
  }

  /**
   * With a `stallTimeout` (`ms`): throws once the wait has been stuck
   * behind the same hole that long; else returns how long it may sleep
   * before looking again (Infinity without a hole).
   */
  #stall(watch: { at: number; since: number }, ms: number): number {
    if (ms === Infinity) return Infinity;
    const p = this.hole();
    if (p < 0) {
      watch.at = -1;
      return Infinity;
    }
    const now = performance.now();
    if (p !== watch.at) {
      watch.at = p;
      watch.since = now;
    }
    const left = watch.since + ms - now;
    if (left <= 0) throw this.stalled(p, ms);
    return left;
  }

  /**
   * Blocks the thread with `Atomics.wait` until the call may go on. The
   * caller's fast path has just found the ring full (empty).
   */
  waitSync(
    deadline: number,
    timeout: number | undefined,
    stallTimeout = Infinity,
  ): void {
    if (this.#spinBeforeSleep && (this.#paced() || this.#spin())) return;
    const gate = this.#gate;
    const watch = { at: -1, since: 0 };
    while (true) {
      const value = gate.arm();
      try {
        if (this.poll() || this.#end()) return;
        const ms = remaining(deadline);
        if (ms === 0) throw this.#timeout(timeout);
        const stall = this.#stall(watch, stallTimeout);
        Atomics.wait(gate.words, gate.futex, value, Math.min(ms, stall));
      } finally {
        gate.disarm();
      }
    }
  }

  /**
   * An async call: goes at once (`finish`) when nothing is queued and the
   * call need not wait; else queues behind the earlier calls and waits with
   * `Atomics.waitAsync`. `finish` runs in the same step as the look that
   * allowed it. `start` makes the entry checks and returns the deadline.
   */
  waitAsync<R>(
    options: PushAsyncOptions,
    start: () => number,
    finish: () => R,
  ): Promise<R> {
    try {
      const deadline = start();
      options.signal?.throwIfAborted();
      if (this.calls.idle && (this.poll() || this.#spin())) {
        return Promise.resolve(finish());
      }
      return this.calls.run(() => this.#sleep(deadline, options, finish));
    } catch (error) {
      // Calls complete in call order, failures too (e.g. after close()).
      return this.calls.fail(error);
    }
  }

  async #sleep<R>(
    deadline: number,
    options: PushAsyncOptions,
    finish: () => R,
  ): Promise<R> {
    const { signal } = options;
    const gate = this.#gate;
    const stallTimeout = (options as PopOptions).stallTimeout ?? Infinity;
    const watch = { at: -1, since: 0 };
    while (true) {
      this.ready();
      const value = gate.arm();
      let go = false;
      try {
        go = this.poll() || this.#end();
        if (!go) {
          signal?.throwIfAborted();
          const ms = remaining(deadline);
          if (ms === 0) throw this.#timeout(options.timeout);
          const stall = this.#stall(watch, stallTimeout);
          await sleepUntilChanged(gate.words, gate.futex, {
            value,
            ms: Math.min(ms, stall),
            signal,
          });
          signal?.throwIfAborted();
        }
      } finally {
        gate.disarm();
      }
      if (go) return finish();
    }
  }

  /**
   * A blocking call's first looks after its fast path failed, paced as the
   * side's `tryPush`/`tryPop` callers are (`WaiterOptions.pace`); true as
   * soon as the call may go on.
   */
  #paced(): boolean {
    const pace = this.#pace;
    if (pace === null) return false;
    for (let k = 0; k < PACED_CHECKS; k++) {
      pace.miss();
      if (this.poll()) return true;
    }
    return false;
  }

  /** Re-checks up to SPIN_CHECKS times; true as soon as the call may go on. */
  #spin(): boolean {
    for (let k = 0; k < SPIN_CHECKS; k++) {
      if (this.poll()) return true;
      // Longer in time, not in loads (see SPIN_CHECKS); absent in older
      // runtimes, where the spin is just shorter.
      for (let p = 0; p < SPIN_PAUSES; p++) Atomics.pause?.();
    }
    return false;
  }

  /**
   * After a failed look with the gate armed: throws when the call can never
   * go on, else says whether a last look found that it may after all. A
   * producer ends when closed; a consumer when closed and drained — looking
   * once more, since the producer publishes its last `in` before closing.
   */
  #end(): boolean {
    if (!this.#consumer) {
      this.ready();
      return false;
    }
    if (!this.#lock.isClosed()) return false;
    if (this.poll()) return true;
    if (!this.drained()) return false;
    throw new ClosedError(
      `Cannot pop item: ${this.#lock.noun} is closed and drained`,
    );
  }

  #timeout(ms: number | undefined): TimeoutError {
    const [what, state] = this.#consumer
      ? ["Cannot pop item", "empty"]
      : ["Cannot push item", "full"];
    return new TimeoutError(
      `${what}: ${this.#lock.noun} stayed ${state} for ${ms} ms`,
    );
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
