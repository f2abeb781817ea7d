// The call order of a handle's async calls, shared by every producer and
// consumer: each call starts once the ones made before it have settled.

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
