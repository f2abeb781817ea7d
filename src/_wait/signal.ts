// The signals of the wait protocol (`wait.ts`). A side that finds the ring
// full (empty) arms its gate — sets the waiting bit in the word it waits for
// — re-checks, and only then sleeps on that word; the other side wakes it
// only when it sees the bit, so the fast path makes no notify call. On a
// one-producer ring the word is the peer's index itself: the publishing
// `Atomics.add` of `in` (`out`) returns the bit with the old index, one
// call per item. With sequentially consistent atomics no wake-up is lost:
// either the publisher's read-modify-write sees the bit, or the sleeper's
// re-check, after its `or`, sees the published index.
import { describeValue } from "../_shm/item_layout.ts";
import {
  CLOSED_BIT,
  CLOSED_FLAG,
  CLOSED_MARK,
  FLAG_WAITING,
  SCHEME_SEQUENCE,
  W_CLOSED,
  W_CONSUMER_WAITERS,
  W_CONSUMER_WAITING,
  W_IN,
  W_OUT,
  W_PRODUCER_WAITERS,
  W_PRODUCER_WAITING,
  W_SCHEME,
  WAITING,
} from "../_shm/layout.ts";

/**
 * How many times a waiting call re-checks a full (or empty) ring before it
 * arms its gate and sleeps. A peer running on another core usually makes
 * room (or publishes an item) within a few microseconds; sleeping costs a
 * futex round trip (wait, notify, wake: tens of microseconds, more for an
 * async wait, which resumes through the event loop) and a notify for the
 * peer. Each missed check is followed by {@linkcode SPIN_PAUSES}
 * `Atomics.pause` calls, so the spin lasts about 25-40 µs on the bench host
 * with few loads. Loads are what the code checker pays for: it folds a
 * spin's re-reads into one step, but takes a stack trace for each.
 */
export const SPIN_CHECKS = 64;

/**
 * `Atomics.pause` calls after each missed check of the spin (~25-40 ns each
 * on the bench host). Measured side by side on 16-slot rings: with 2 pauses,
 * blocking waits ran 1.4-4x and async waits 1.1-1.6x as fast as with 128
 * bare checks (1-3 µs); async waits stayed near 4x postMessage with 2 and 8
 * pauses and reached 6.1-6.8x with 16. 4096-slot rings did not change.
 */
export const SPIN_PAUSES = 16;

/**
 * The longest pause of a one-producer ring's `tryPop` (`tryPush`) that
 * finds the ring empty (full) on re-reading the peer's index, in
 * `Atomics.pause` calls (~25-40 ns each on the bench host).
 *
 * Why pause at all: a caller that spins on `tryPop` re-reads `in` as fast
 * as it can, and each re-read moves `in`'s cache line to its core, so the
 * producer's next `Atomics.add` must fetch the line back first: a line
 * transfer per item on the producer's path. Paused, the consumer leaves
 * the line alone for a while, the producer runs ahead, and the items come
 * in runs the consumer takes with its cached `in`. Why not always this long:
 * in a round trip the peer is not running ahead but waiting for this side,
 * and every pause is added to the trip. So the pause adapts (see
 * {@linkcode pausesAfterMisses}): long only while the peer has been
 * running ahead. Measured side by side in session 9 (docs/small_rings.md):
 * one-way spins 1.2-1.4x as fast at 16-4096 slots, the 16-slot round trip
 * 2-4% slower; a fixed 8-pause wait gave one-way speed alike and cost the
 * round trip 30-40%, a fixed single pause one-way ~1.09x.
 */
export const MISS_PAUSES = 8;

/**
 * How many pauses the next missed `tryPop` (`tryPush`) makes, from what
 * the re-read that ended the last run of misses found: 2 or more items (free
 * slots) mean the peer ran ahead while this side paused, so pausing pays;
 * exactly 1 means it did not (a round trip, or a peer as slow as this side),
 * so the pause shrinks to one.
 */
export function pausesAfterMisses(found: number): number {
  return found >= 2 ? MISS_PAUSES : 1;
}

/**
 * How many times a one-producer ring's blocking `push` (`pop`) that finds
 * the ring full (empty) looks again the way a spinning `tryPush` (`tryPop`)
 * caller does — its {@linkcode MissPace} before each look —
 * before the wait protocol's own spin ({@linkcode SPIN_CHECKS} looks,
 * {@linkcode SPIN_PAUSES} pauses apart) and its sleep. On a 16-slot ring the
 * peer frees a slot (publishes an item) within about 100 ns: a look at once
 * and then every 16 pauses kept the two sides out of step. Side by side
 * (`bench/ab_trees.ts --mode=blocking`, 41 rounds, session 11): 16 slots
 * 1.22x as fast (counter scheme 1.23x), 4096 slots 0.99x; the spin before a
 * sleep is at most 16 x 8 pauses (a few µs) longer.
 */
export const PACED_CHECKS = 16;

/**
 * One side's pause after a look that found the ring full (empty), learned
 * from the last run of misses ({@linkcode pausesAfterMisses}). The engine's
 * `tryPush` (`tryPop`) and the wait protocol's paced looks share it.
 */
export class MissPace {
  #pauses = 1;
  /** A look failed, and no re-read has found room (an item) since. */
  #missed = false;

  /** A look found the ring full (empty): pauses as the last misses taught. */
  miss(): void {
    this.#missed = true;
    pause(this.#pauses);
  }

  /** A re-read found `n` free slots (items) after misses: the next pause. */
  found(n: number): void {
    if (this.#missed) {
      this.#missed = false;
      this.#pauses = pausesAfterMisses(n);
    }
  }
}

/** `pauses` calls of `Atomics.pause` (none in runtimes without it). */
export function pause(pauses: number): void {
  for (let k = 0; k < pauses; k++) Atomics.pause?.();
}

/** How a word carries a sleeper's waiting bit and a close's mark. */
export interface FlagBits {
  readonly waiting: number;
  readonly closed: number;
}

/** A one-producer ring's index words: bits 30 and 31 above the index. */
export const INDEX_BITS: FlagBits = { waiting: WAITING, closed: CLOSED_MARK };

/** An unbounded buffer's waiting flag: the word holds only the two bits. */
export const FLAG_BITS: FlagBits = {
  waiting: FLAG_WAITING,
  closed: CLOSED_FLAG,
};

/**
 * After a publisher's read-modify-write of word `index` returned `was`:
 * wakes the peer sleeping on the word if `was` has its waiting bit (cleared
 * first, so the next publishes pay nothing), and returns whether `was` has a
 * close's mark. A close marks the word before it sets W_CLOSED, so a publish
 * that does not see the mark was published before any consumer could see
 * the close, and will be popped (a Dekker handshake on the word the
 * publisher writes anyway).
 */
export function wakeFrom(
  words: Int32Array,
  index: number,
  was: number,
  bits: FlagBits,
): boolean {
  if ((was & bits.waiting) === 0) return (was & bits.closed) !== 0;
  const now = Atomics.and(words, index, ~bits.waiting);
  Atomics.notify(words, index);
  return ((was | now) & bits.closed) !== 0;
}

/**
 * Wakes the peer sleeping on `flag`, if it may be sleeping: an unbounded
 * buffer's producer calls this right after its `Atomics.store` of `in` (the
 * flag is another word, so it is read after the store: see
 * {@linkcode wakeFrom}). Returns whether the buffer was closed.
 */
export function wakeIfWaiting(
  words: Int32Array,
  flag: number,
  bits: FlagBits = FLAG_BITS,
): boolean {
  const value = Atomics.load(words, flag);
  if ((value & (bits.waiting | bits.closed)) === 0) return false;
  return wakeFrom(words, flag, value, bits);
}

/**
 * The words a close marks: waiting words (`flags`, with the bits of `mark`,
 * or sequence-ring epochs when `mark` is undefined), and sequence-scheme
 * waiter counts.
 */
export interface CloseMarks {
  readonly flags: readonly number[];
  readonly counts: readonly number[];
  readonly mark?: FlagBits;
}

/**
 * Whether a waiting word holds a close's mark: the mark's bit, or on a
 * sequence ring an even epoch (odd until the close stores CLOSED_FLAG; wakes
 * add 2 after it).
 */
function isMarked(value: number, mark: FlagBits | undefined): boolean {
  if (mark !== undefined) return (value & mark.closed) !== 0;
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
    if (was === value || isMarked(was, undefined)) return;
    value = was;
  }
}

/**
 * Closes a buffer: marks each waiting word (and each sequence-scheme waiter
 * count) for good, then sets W_CLOSED, then wakes every sleeper. Any number
 * of closes may run, one after another or at once; a thread that dies in
 * the middle of one leaves a prefix that {@linkcode finishClose} completes.
 */
export function markClosed(words: Int32Array, marks: CloseMarks): void {
  const { mark } = marks;
  for (const count of marks.counts) Atomics.or(words, count, CLOSED_BIT);
  for (const flag of marks.flags) {
    // The mark's bit leaves the index below it as it is.
    if (mark !== undefined) Atomics.or(words, flag, mark.closed);
    else markFlag(words, flag);
  }
  Atomics.store(words, W_CLOSED, 1);
  // A sleeper that armed on the marked word may have looked at W_CLOSED
  // before the store above, and its wait may begin after the notify below:
  // move the word on once more, so that wait returns at once and the
  // sleeper looks again (a sleeper that arms after this sees closed). A
  // sequence ring's epoch moves by 2 (still even); a waiting word loses its
  // waiting bit (a change only if a sleeper set it).
  for (const flag of marks.flags) {
    if (mark !== undefined) Atomics.and(words, flag, ~mark.waiting);
    else Atomics.add(words, flag, 2);
  }
  for (const flag of marks.flags) Atomics.notify(words, flag);
}

/**
 * Completes a close that a dead thread began (any of its stores done, maybe
 * not the wake-ups): its sleepers would otherwise sleep, or spin on a marked
 * word, until their timeout. Returns whether a close had begun.
 */
export function finishClose(words: Int32Array, marks: CloseMarks): boolean {
  const begun = Atomics.load(words, W_CLOSED) !== 0 ||
    marks.counts.some((c) => (Atomics.load(words, c) & CLOSED_BIT) !== 0) ||
    marks.flags.some((f) => isMarked(Atomics.load(words, f), marks.mark));
  if (begun) markClosed(words, marks);
  return begun;
}

/** The words a one-producer ring's close marks: `in` and `out`. */
export const RING_MARKS: CloseMarks = {
  flags: [W_IN, W_OUT],
  counts: [],
  mark: INDEX_BITS,
};

/** The words a sequence ring's close marks: both futex words, both counts. */
export const SEQUENCE_MARKS: CloseMarks = {
  flags: [W_PRODUCER_WAITING, W_CONSUMER_WAITING],
  counts: [W_PRODUCER_WAITERS, W_CONSUMER_WAITERS],
};

/** The words an unbounded buffer's close marks: the consumer's flag. */
export const UNBOUNDED_MARKS: CloseMarks = {
  flags: [W_CONSUMER_WAITING],
  counts: [],
  mark: FLAG_BITS,
};

/**
 * The marks of a ring by its scheme (the configuration word is written
 * once, at creation, before the ring is handed out).
 */
export function ringMarks(words: Int32Array): CloseMarks {
  return Atomics.load(words, W_SCHEME) === SCHEME_SEQUENCE
    ? SEQUENCE_MARKS
    : RING_MARKS;
}

/** {@linkcode markClosed} for a ring of any scheme. */
export function markRingClosed(words: Int32Array): void {
  markClosed(words, ringMarks(words));
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
    if (signal) {
      // An abort ends the wait by waking it: a waiter left registered
      // would stay (with what it holds) until a notify of the word that
      // may never come, one more per abort. Any other sleeper on the word
      // wakes too, looks, and sleeps again.
      onAbort = () => Atomics.notify(words, index);
      signal.addEventListener("abort", onAbort, { once: true });
      // Aborted between the caller's check and the listener.
      if (signal.aborted) onAbort();
    }
    await result.value;
  } finally {
    clearInterval(keepAlive);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
