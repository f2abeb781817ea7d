/**
 * What an {@linkcode UnboundedProducer} and an {@linkcode UnboundedConsumer}
 * have in common.
 *
 * @module
 */
import { recordAttachment, type Role } from "./_shm/attachment.ts";
import { UnboundedAttachment } from "./_shm/unbounded_attachment.ts";

/**
 * The common part of {@linkcode UnboundedProducer} and
 * {@linkcode UnboundedConsumer}: one attachment to an unbounded buffer, and
 * the buffer's shape and state. Not constructed directly.
 *
 * @example Reading an unbounded buffer's shape through a handle
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUnbounded, UnboundedHandle, UnboundedProducer } from "@ringproof/ring";
 *
 * const sab = createUnbounded({ segmentSlots: 4, maxBytes: 4096 });
 * const producer = new UnboundedProducer(sab);
 * assert.ok(producer instanceof UnboundedHandle);
 * assert.equal(producer.segmentSlots, 4);
 * assert.equal(producer.maxBytes, 4096);
 * assert.equal(producer.segments, 1);
 * producer.pushMany([1, 2, 3, 4, 5]); // the fifth item needs a second segment
 * assert.equal(producer.segments, 2);
 * assert.equal(producer.size, 5);
 * assert.equal(producer.closed, false);
 * ```
 */
export class UnboundedHandle {
  #buffer: UnboundedAttachment;

  /**
   * Attaches to `buffer` in the given role.
   *
   * @param buffer The unbounded buffer's SharedArrayBuffer.
   * @param role `"producer"` or `"consumer"`.
   */
  protected constructor(buffer: unknown, role: Role) {
    this.#buffer = new UnboundedAttachment(buffer, role);
    recordAttachment(this, this.#buffer);
  }

  /**
   * How many items one segment holds.
   *
   * @returns The slots per segment.
   */
  get segmentSlots(): number {
    return this.#buffer.header.segmentSlots;
  }

  /**
   * The most bytes the buffer may grow to.
   *
   * @returns The limit in bytes, header included.
   */
  get maxBytes(): number {
    return this.#buffer.header.maxBytes;
  }

  /**
   * Segments in the buffer now, in use or recycled: the memory it holds is
   * about `segments × segmentSlots` items.
   *
   * @returns The number of segments.
   */
  get segments(): number {
    return this.#buffer.segments.count();
  }

  /**
   * Items in the buffer now: a snapshot, since the other side may be moving.
   *
   * @returns The number of items between `out` and `in`.
   * @throws {CorruptedRingError} When `in` or `out` is impossible.
   */
  get size(): number {
    return this.#buffer.size();
  }

  /**
   * This handle's id, held in the buffer's attachment lock of its side:
   * give it to a supervisor, which passes it to {@linkcode recoverUnbounded}
   * if this handle's Worker dies. Unique among the buffer's handles.
   *
   * @returns The id.
   */
  get id(): number {
    return this.#buffer.id;
  }

  /**
   * Whether the buffer has been closed (by the producer or by
   * {@linkcode closeUnbounded}). Items pushed before closing may still be
   * waiting to be popped.
   *
   * @returns `true` once closed.
   */
  get closed(): boolean {
    return this.#buffer.isClosed();
  }
}
