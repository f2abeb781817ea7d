/**
 * The options of the waiting calls of every producer and consumer, kept
 * apart from the handles so their private engines can use them too.
 *
 * @module
 */
/** Options for `Producer.push`. */
export interface PushOptions {
  /** Milliseconds to wait for room before a {@linkcode TimeoutError}. Defaults to no limit. */
  readonly timeout?: number;
}

/** Options for `Producer.pushAsync`. */
export interface PushAsyncOptions extends PushOptions {
  /** Aborts the wait; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options for `Consumer.pop`. */
export interface PopOptions {
  /** Milliseconds to wait for an item before a {@linkcode TimeoutError}. Defaults to no limit. */
  readonly timeout?: number;
  /**
   * Sequence rings: milliseconds the wait may stay stuck behind one position
   * that a producer claimed and has not published, before a
   * {@linkcode StalledError} naming the position and that producer's id (a
   * supervisor can then {@linkcode recoverRing} it if it is dead). Defaults
   * to no limit. Other rings have no such holes: there it never fires.
   */
  readonly stallTimeout?: number;
}

/** Options for `Consumer.popAsync`. */
export interface PopAsyncOptions extends PopOptions {
  /** Aborts the wait; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Options for the batch calls (`pushMany`, `popMany`): the part of the array
 * they use, as in `TypedArray.prototype.subarray(start, end)`, without
 * making a view per call.
 */
export interface BatchOptions {
  /** The index of the first element used. Defaults to 0. */
  readonly start?: number;
  /** The index after the last element used. Defaults to the array's length. */
  readonly end?: number;
}

/**
 * The options of a waiting call given none: one frozen object for every
 * handle, not a new one per call.
 */
export const NO_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});
