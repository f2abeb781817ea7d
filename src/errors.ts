/**
 * Named errors for the ring's protocol states.
 *
 * Wrong types and out-of-range values use the built-in `TypeError` and
 * `RangeError`; these classes name the states a caller may want to handle
 * with `instanceof`.
 *
 * @module
 */

/**
 * Thrown when a producer pushes into a closed ring, or when a consumer waits
 * on a ring that is closed and fully drained.
 *
 * @example Catching a closed ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClosedError, closeRing, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * const producer = new Producer(sab);
 * closeRing(sab);
 * assert.throws(() => producer.tryPush(1), ClosedError);
 * ```
 */
export class ClosedError extends Error {
  /**
   * Creates a ClosedError.
   *
   * @param message What failed.
   */
  constructor(message: string = "Ring is closed") {
    super(message);
    this.name = "ClosedError";
  }
}

/**
 * Thrown when a blocking or async push/pop does not complete within its
 * `timeout`.
 *
 * @example Timing out on an empty ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, TimeoutError } from "@ringproof/ring";
 *
 * const consumer = new Consumer(createRing({ slots: 4 }));
 * assert.throws(() => consumer.pop({ timeout: 1 }), TimeoutError);
 * ```
 */
export class TimeoutError extends Error {
  /**
   * Creates a TimeoutError.
   *
   * @param message What failed.
   */
  constructor(message: string = "Ring operation timed out") {
    super(message);
    this.name = "TimeoutError";
  }
}

/**
 * Thrown when the ring's header in shared memory holds an impossible value
 * (an index out of range, more items than the capacity, a damaged layout).
 * Another thread may have scribbled on the buffer; the ring refuses to
 * return garbage or to spin forever.
 *
 * @example Detecting a scribbled `out` index
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, CorruptedRingError, createRing, inspectRing } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * const consumer = new Consumer(sab);
 * new Int32Array(sab)[inspectRing(sab).offsets.in / 4] = 99;
 * assert.throws(() => consumer.tryPop(), CorruptedRingError);
 * ```
 */
export class CorruptedRingError extends Error {
  /**
   * Creates a CorruptedRingError.
   *
   * @param message What is impossible about the ring's state.
   */
  constructor(message: string) {
    super(message);
    this.name = "CorruptedRingError";
  }
}

/**
 * Thrown when a second live {@linkcode Producer} (or {@linkcode Consumer}) is
 * attached to a ring that allows only one.
 *
 * @example Attaching two producers
 * ```ts
 * import assert from "node:assert/strict";
 * import { AlreadyAttachedError, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * const first = new Producer(sab);
 * assert.throws(() => new Producer(sab), AlreadyAttachedError);
 * first.detach();
 * new Producer(sab).detach(); // allowed once the first one let go
 * ```
 */
export class AlreadyAttachedError extends Error {
  /**
   * Creates an AlreadyAttachedError.
   *
   * @param message What failed.
   */
  constructor(message: string) {
    super(message);
    this.name = "AlreadyAttachedError";
  }
}

/**
 * Thrown when a zero-copy call is made out of order: `commit()` without a
 * reserved slot, `release()` without a peeked item, or any call on a handle
 * that was detached.
 *
 * @example Committing without a reservation
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRing, Producer, RingStateError } from "@ringproof/ring";
 *
 * const producer = new Producer(createRing({ slots: 4 }));
 * assert.throws(() => producer.commit(), RingStateError);
 * ```
 */
export class RingStateError extends Error {
  /**
   * Creates a RingStateError.
   *
   * @param message What was called out of order.
   */
  constructor(message: string) {
    super(message);
    this.name = "RingStateError";
  }
}

/**
 * Thrown by a sequence-ring consumer's `pop`/`popAsync` given a
 * `stallTimeout`, when its wait stays stuck that long behind a position a
 * producer claimed and did not publish: the producer is slow, or dead. Its
 * `handle` is the producer's id, for {@linkcode recoverRing} once the
 * supervisor knows that producer is dead.
 *
 * @example A consumer stuck behind a reservation
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer, StalledError } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4, producers: "many" });
 * const stuck = new Producer(sab);
 * stuck.reserve(); // claims position 0, never commits
 * const consumer = new Consumer(sab);
 * assert.throws(() => consumer.pop({ stallTimeout: 1 }), (error) => {
 *   assert.ok(error instanceof StalledError);
 *   assert.equal(error.position, 0);
 *   assert.equal(error.handle, stuck.id);
 *   return true;
 * });
 * ```
 */
export class StalledError extends Error {
  /** The position the consumer waited on. */
  readonly position: number;
  /** The id of the producer that claimed it (0 if none recorded it). */
  readonly handle: number;

  /**
   * Creates a StalledError.
   *
   * @param message What failed, naming the position and the producer.
   * @param options `position` and `handle` (the producer's id, 0 if unknown).
   */
  constructor(
    message: string,
    options: { readonly position: number; readonly handle: number },
  ) {
    super(message);
    this.name = "StalledError";
    this.position = options.position;
    this.handle = options.handle;
  }
}
