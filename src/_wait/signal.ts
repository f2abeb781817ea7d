// The signals of the wait protocol (`wait.ts`). A side that finds the ring
// full (empty) raises its flag, re-checks, and only then sleeps on the flag;
// the other side, after publishing `in` (`out`), wakes it only when the flag
// is set, so the fast path makes no notify call. With sequentially consistent
// atomics no wake-up is lost: either the publisher sees the flag, or the
// sleeper's re-check sees the published index.
import { describeValue } from "../_shm/item_layout.ts";
import {
  CLOSED_BIT,
  CLOSED_FLAG,
  SCHEME_SEQUENCE,
  W_CLOSED,
  W_CONSUMER_WAITERS,
  W_CONSUMER_WAITING,
  W_PRODUCER_WAITERS,
  W_PRODUCER_WAITING,
  W_SCHEME,
} from "../_shm/layout.ts";

/**
 * How many times a waiting call re-checks a full (or empty) ring before it
 * raises its flag and sleeps. A peer running on another core usually makes
 * room (or publishes an item) within a microsecond or two; sleeping costs a
 * futex round trip (wait, notify, wake: tens of microseconds) and a notify
 * for the peer. Each check is one `Atomics.load`, so this spins for about
 * 1-3 µs.
 */
export const SPIN_CHECKS = 128;

/**
 * Wakes the peer sleeping on `flag`, if it may be sleeping. Returns whether
 * the buffer was closed: a producer calls this right after publishing, and a
 * close marks the flags before it sets W_CLOSED, so a push that does not see
 * the mark was published before any consumer could see the close, and will
 * be popped (a Dekker handshake on the word the fast path reads anyway).
 */
export function wakeIfWaiting(words: Int32Array, flag: number): boolean {
  const value = Atomics.load(words, flag);
  if (value === 0) return false;
  if (value === CLOSED_FLAG) return true;
  const was = Atomics.compareExchange(words, flag, 1, 0);
  Atomics.notify(words, flag);
  return was === CLOSED_FLAG;
}

/** The words a close marks: waiting flags, and sequence-scheme waiter counts. */
export interface CloseMarks {
  readonly flags: readonly number[];
  readonly counts: readonly number[];
}

/**
 * Whether a waiting flag holds a close's mark: CLOSED_FLAG on a one-producer
 * ring or an unbounded buffer (whose flags are 0 or 1 otherwise), an even
 * epoch on a sequence ring (odd until the close stores CLOSED_FLAG; wakes
 * add 2 after it).
 */
function isMarked(value: number): boolean {
  return value !== 0 && (value & 1) === 0;
}

/**
 * Marks a sequence ring's futex `flag` for good unless it is marked
 * already: a second close (or a supervisor finishing a dead thread's close)
 * must not move the epoch back to CLOSED_FLAG, where a sleeper that read
 * that epoch before a wake would sleep through the wake.
 */
function markFlag(words: Int32Array, flag: number): void {
  // First guess the initial epoch.
  let value = 1;
  while (true) {
    const was = Atomics.compareExchange(words, flag, value, CLOSED_FLAG);
    if (was === value || isMarked(was)) return;
    value = was;
  }
}

/**
 * Closes a buffer: marks each waiting flag (and each sequence-scheme waiter
 * count) for good, then sets W_CLOSED, then wakes every sleeper. Any number
 * of closes may run, one after another or at once; a thread that dies in
 * the middle of one leaves a prefix that {@linkcode finishClose} completes.
 */
export function markClosed(words: Int32Array, marks: CloseMarks): void {
  // Only a sequence ring's flags are epochs (its configuration word is
  // written once, at creation); the others hold 0, 1 or the mark, and a
  // store of the mark over the mark changes nothing.
  const epochs = marks.counts.length > 0 &&
    Atomics.load(words, W_SCHEME) === SCHEME_SEQUENCE;
  for (const count of marks.counts) Atomics.or(words, count, CLOSED_BIT);
  for (const flag of marks.flags) {
    if (epochs) markFlag(words, flag);
    else Atomics.store(words, flag, CLOSED_FLAG);
  }
  Atomics.store(words, W_CLOSED, 1);
  // A sequence ring's sleeper that read the marked epoch may have looked at
  // W_CLOSED before the store above, and its wait may begin after the
  // notify below: move the epoch on once more (still even), so that wait
  // returns at once and the sleeper looks again.
  for (const flag of epochs ? marks.flags : []) Atomics.add(words, flag, 2);
  for (const flag of marks.flags) Atomics.notify(words, flag);
}

/**
 * Completes a close that a dead thread began (any of its stores done, maybe
 * not the wake-ups): its sleepers would otherwise sleep, or spin on a marked
 * flag, until their timeout. Returns whether a close had begun.
 */
export function finishClose(words: Int32Array, marks: CloseMarks): boolean {
  const begun = Atomics.load(words, W_CLOSED) !== 0 ||
    marks.counts.some((c) => (Atomics.load(words, c) & CLOSED_BIT) !== 0) ||
    marks.flags.some((f) => isMarked(Atomics.load(words, f)));
  if (begun) markClosed(words, marks);
  return begun;
}

/** The words a ring's close marks: both flags, both counts. */
export const RING_MARKS: CloseMarks = {
  flags: [W_PRODUCER_WAITING, W_CONSUMER_WAITING],
  counts: [W_PRODUCER_WAITERS, W_CONSUMER_WAITERS],
};

/** The words an unbounded buffer's close marks: the consumer's flag. */
export const UNBOUNDED_MARKS: CloseMarks = {
  flags: [W_CONSUMER_WAITING],
  counts: [],
};

/** {@linkcode markClosed} for a ring: both flags, both counts. */
export function markRingClosed(words: Int32Array): void {
  markClosed(words, RING_MARKS);
}

/** Milliseconds left before `deadline` (Infinity for no deadline). */
export function remaining(deadline: number): number {
  return deadline === Infinity
    ? Infinity
    : Math.max(0, deadline - performance.now());
}

/** Throws unless `value` is a number of milliseconds >= 0. */
function checkMs(value: unknown, name: string, what: string): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(
      `${what}: ${name} must be a number of milliseconds, received ${
        describeValue(value)
      }`,
    );
  }
  if (value < 0) {
    throw new RangeError(
      `${what}: ${name} must be >= 0 milliseconds, received ${value}`,
    );
  }
}

/**
 * Validates the options of a waiting call (`timeout`, and `signal` where
 * given) and turns the timeout into a deadline.
 */
export function deadlineOf(options: unknown, what: string): number {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${what}: options must be an object, received ${describeValue(options)}`,
    );
  }
  const { timeout, signal, stallTimeout } = options as {
    timeout?: unknown;
    signal?: unknown;
    stallTimeout?: unknown;
  };
  if (stallTimeout !== undefined) checkMs(stallTimeout, "stallTimeout", what);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `${what}: signal must be an AbortSignal, received ${
        describeValue(signal)
      }`,
    );
  }
  if (timeout === undefined) return Infinity;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(
      `${what}: timeout must be a number of milliseconds, received ${
        describeValue(timeout)
      }`,
    );
  }
  if (timeout < 0) {
    throw new RangeError(
      `${what}: timeout must be >= 0 milliseconds, received ${timeout}`,
    );
  }
  return timeout === Infinity ? Infinity : performance.now() + timeout;
}

/**
 * Sleeps on `words[index]` while it holds `value`: until woken, `ms` pass or
 * `signal` aborts, keeping Deno's event loop alive (a pending
 * `Atomics.waitAsync` alone does not). Resolves either way; the caller
 * re-checks the ring.
 */
export async function sleepUntilChanged(
  words: Int32Array,
  index: number,
  options: { value: number; ms: number; signal: AbortSignal | undefined },
): Promise<void> {
  const { value, ms, signal } = options;
  const result = Atomics.waitAsync(words, index, value, ms);
  if (!result.async) return;
  // A ref'd timer keeps the process alive while only the waiter is pending.
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    keepAlive = setInterval(() => {}, 2 ** 30);
    if (!signal) {
      await result.value;
      return;
    }
    await new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener("abort", onAbort, { once: true });
      result.value.then(() => resolve());
    });
  } finally {
    clearInterval(keepAlive);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
