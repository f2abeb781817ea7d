/**
 * What a {@linkcode Producer} and a {@linkcode Consumer} have in common.
 *
 * @module
 */
import { Attachment, recordAttachment, type Role } from "./_shm/attachment.ts";
import type { Multiplicity, Scheme } from "./_shm/header.ts";

/**
 * The common part of {@linkcode Producer} and {@linkcode Consumer}: one
 * attachment to a ring, and the ring's shape and state. Not constructed
 * directly.
 *
 * @example Reading a ring's shape through a handle
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRing, Producer, RingHandle } from "@ringproof/ring";
 *
 * const producer = new Producer(createRing({ slots: 5, scheme: "counter" }));
 * assert.ok(producer instanceof RingHandle);
 * assert.equal(producer.slots, 5);
 * assert.equal(producer.capacity, 5);
 * assert.equal(producer.scheme, "counter");
 * assert.equal(producer.size, 0);
 * assert.equal(producer.closed, false);
 * ```
 */
export class RingHandle {
  #ring: Attachment;

  /**
   * Attaches to `buffer` in the given role.
   *
   * @param buffer The ring's SharedArrayBuffer.
   * @param role `"producer"` or `"consumer"`.
   */
  protected constructor(buffer: unknown, role: Role) {
    this.#ring = new Attachment(buffer, role);
    recordAttachment(this, this.#ring);
  }

  /**
   * This handle's id, recorded in the ring where it locks or claims
   * anything: give it to a supervisor, which passes it to
   * {@linkcode recoverRing} if this handle's Worker dies. Unique among the
   * ring's handles (positive, counted from 1).
   *
   * @returns The id.
   */
  get id(): number {
    return this.#ring.id;
  }

  /**
   * The textbook's `BUFFER_SIZE`.
   *
   * @returns The number of slots.
   */
  get slots(): number {
    return this.#ring.header.slots;
  }

  /**
   * The most items the ring can hold: `slots - 1` in the textbook scheme,
   * `slots` in the counter and sequence schemes.
   *
   * @returns The capacity.
   */
  get capacity(): number {
    return this.#ring.header.capacity;
  }

  /**
   * The index scheme recorded in the ring's header.
   *
   * @returns `"textbook"`, `"counter"` or `"sequence"`.
   */
  get scheme(): Scheme {
    return this.#ring.header.scheme;
  }

  /**
   * Whether the ring accepts many live producers (`"many"`, sequence scheme)
   * or one at a time (`"one"`).
   *
   * @returns `"one"` or `"many"`.
   */
  get producers(): Multiplicity {
    return this.#ring.header.producers;
  }

  /**
   * Whether the ring accepts many live consumers, like
   * {@linkcode RingHandle.producers}.
   *
   * @returns `"one"` or `"many"`.
   */
  get consumers(): Multiplicity {
    return this.#ring.header.consumers;
  }

  /**
   * Items in the ring now: a snapshot, since the other side may be moving.
   *
   * @returns The number of items between `out` and `in` (sequence scheme:
   * positions claimed by producers and not yet by consumers).
   * @throws {CorruptedRingError} When `in` or `out` is impossible.
   */
  get size(): number {
    return this.#ring.size();
  }

  /**
   * Whether the ring has been closed (by the producer or by
   * {@linkcode closeRing}). Items pushed before closing may still be waiting
   * to be popped.
   *
   * @returns `true` once closed.
   */
  get closed(): boolean {
    return this.#ring.isClosed();
  }
}
