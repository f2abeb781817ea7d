/**
 * Recovering a ring, or an unbounded buffer, from a handle whose Worker
 * died: the supervisor's side of a crash.
 *
 * @module
 */
import { readHeader } from "./_shm/header.ts";
import { readUnboundedHeader } from "./_shm/unbounded_header.ts";
import { describeValue } from "./_shm/item_layout.ts";
import {
  recoverLock,
  recoverSequence,
  type RecoveryResult,
  repairCounterSlot,
} from "./_engine/recover.ts";
import {
  reclaimSegments,
  repairSlot,
  rollBackBatch,
} from "./_engine/recover_unbounded.ts";
import { RING_MARKS, UNBOUNDED_MARKS } from "./_wait/signal.ts";
import type { Role } from "./_shm/attachment.ts";
import { W_CONSUMER_ATTACHED, W_PRODUCER_ATTACHED } from "./_shm/layout.ts";

/** Options of {@linkcode recoverRing} and {@linkcode recoverUnbounded}. */
export interface RecoverOptions {
  /**
   * The id of the dead handle (its `id` property, which the Worker sent to
   * its supervisor when it attached).
   */
  readonly handle?: number;
  /**
   * Instead of `handle`, for a Worker that died while attaching (inside the
   * `Producer`/`Consumer` constructor, before it could send its id): the
   * side it was attaching to. Recovers whichever handle holds that side's
   * lock; only for a side of one handle (a one-producer ring's, an
   * unbounded buffer's, a sequence ring's side of `"one"`), and only when
   * no live handle holds it. On a side of `"many"` a handle that died
   * while attaching blocks nobody (it only keeps a handle record).
   */
  readonly role?: "producer" | "consumer";
}

/** What {@linkcode recoverRing} and {@linkcode recoverUnbounded} did. */
export interface Recovery {
  /**
   * Whether the handle still held something here: its side's attachment
   * lock (or, on a sequence ring, its handle record). `false` when it had
   * detached or was recovered already: recovering twice is harmless.
   */
  readonly released: boolean;
  /** The dead handle's side, when `released`. */
  readonly role: "producer" | "consumer" | undefined;
  /**
   * Sequence ring: positions the dead producer had claimed and not
   * published, now published as skips (their items are lost; consumers
   * pass them by).
   */
  readonly skipped: number;
  /**
   * Sequence ring: positions the dead consumer had claimed (popped or
   * peeked) and not released, now released for producers. Their items
   * count as delivered to the dead consumer.
   */
  readonly freed: number;
  /**
   * Unbounded buffer: segments the dead handle held privately (a producer:
   * one it had taken from the free list and not linked, those it had grown
   * and not yet put on it, and those a batch it never published had linked;
   * a consumer: the one it was leaving), now back on the free list. 0 for a
   * ring.
   */
  readonly reclaimed: number;
}

/**
 * The id of the handle to recover: `options.handle`, or the holder of the
 * lock of side `options.role` (0 when nobody holds it); throws on bad
 * options. `many` says which sides of the buffer accept many handles.
 */
function handleOf(
  options: RecoverOptions,
  what: string,
  buffer: { words: Int32Array; many: (role: Role) => boolean },
): number {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${what}: options must be an object, received ${describeValue(options)}`,
    );
  }
  const { handle, role } = options;
  if (handle !== undefined && role !== undefined) {
    throw new TypeError(`${what}: give handle or role, not both`);
  }
  if (role !== undefined) {
    if (role !== "producer" && role !== "consumer") {
      throw new TypeError(
        `${what}: role must be "producer" or "consumer", received ${
          describeValue(role)
        }`,
      );
    }
    if (buffer.many(role)) {
      throw new RangeError(
        `${what}: the ${role}s side accepts many handles, so its lock names none: give the dead handle's id`,
      );
    }
    return Atomics.load(
      buffer.words,
      role === "producer" ? W_PRODUCER_ATTACHED : W_CONSUMER_ATTACHED,
    );
  }
  if (typeof handle !== "number") {
    throw new TypeError(
      `${what}: handle must be a number (a handle's id), received ${
        describeValue(handle)
      }`,
    );
  }
  if (!Number.isInteger(handle) || handle < 1 || handle > 0x7fffffff) {
    throw new RangeError(
      `${what}: handle must be an integer in [1, 2^31 - 1], received ${handle}`,
    );
  }
  return handle;
}

/** What a recovery of nobody (a free lock) did. */
const NOTHING: Recovery = Object.freeze({
  released: false,
  role: undefined,
  skipped: 0,
  freed: 0,
  reclaimed: 0,
});

function result(r: RecoveryResult, reclaimed = 0): Recovery {
  return {
    released: r.released,
    role: r.role,
    skipped: r.skipped,
    freed: r.freed,
    reclaimed,
  };
}

/**
 * Recovers a ring from a handle known to be dead (its Worker threw,
 * was terminated, or is gone), so the stream goes on: releases the handle's
 * attachment lock, so a replacement can attach and continue the same
 * stream; on a sequence ring, publishes the positions the handle had
 * claimed and not published as skips (consumers move past them) and
 * releases the items it had claimed and not released (producers get their
 * slots back). Every item published before the death is still delivered
 * exactly once; items the dead producer had not published are lost.
 *
 * Only for a handle that is dead: one that still runs would find its lock
 * gone and its claims finished under it. A one-producer ring (textbook and
 * counter schemes) needs only the lock: its producer publishes by moving
 * `in`, so an unpublished item was never visible. A counter-scheme handle
 * that died between storing its slot index and its counter is repaired
 * first: the slot is re-derived from the counter (the ring records the
 * counter value at which each side's slot last wrapped to 0).
 *
 * @param buffer The ring's SharedArrayBuffer.
 * @param options `handle`: the dead handle's id; or `role`: the side of one
 * handle whose Worker died while attaching.
 * @returns What the recovery found and did.
 * @throws {TypeError} When `buffer` is not a ring, or `handle` not a number.
 * @throws {RangeError} When `handle` is not a positive int32, or `role` names
 * a side of many handles.
 * @throws {CorruptedRingError} When the ring's header or indices are damaged.
 *
 * @example A producer that died holding a reservation
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer, recoverRing } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4, producers: "many" });
 * const consumer = new Consumer<number>(sab);
 * const dead = new Producer<number>(sab);
 * dead.tryPush(1);
 * dead.reserve(); // claimed, never committed: its Worker dies here
 * const live = new Producer<number>(sab);
 * live.tryPush(2); // behind the hole
 * assert.equal(consumer.tryPop(), 1);
 * assert.equal(consumer.tryPop(), undefined); // waits on the hole
 *
 * const recovery = recoverRing(sab, { handle: dead.id });
 * assert.deepEqual(recovery, {
 *   released: true,
 *   role: "producer",
 *   skipped: 1,
 *   freed: 0,
 *   reclaimed: 0,
 * });
 * assert.equal(consumer.tryPop(), 2);
 * ```
 *
 * @example A replacement continues the stream
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer, recoverRing } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * const consumer = new Consumer<number>(sab);
 * const dead = new Producer<number>(sab);
 * dead.tryPush(1); // then its Worker dies, still attached
 * assert.throws(() => new Producer(sab)); // the lock is held
 * recoverRing(sab, { handle: dead.id });
 * new Producer<number>(sab).tryPush(2);
 * assert.equal(consumer.tryPop(), 1);
 * assert.equal(consumer.tryPop(), 2);
 * ```
 *
 * @example A Worker that died while attaching, before it sent its id
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRing, Producer, recoverRing } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * new Producer(sab); // its Worker dies here: the id never reached you
 * const recovery = recoverRing(sab, { role: "producer" });
 * assert.equal(recovery.released, true);
 * new Producer(sab); // the replacement attaches
 * ```
 */
export function recoverRing(
  buffer: SharedArrayBuffer,
  options: RecoverOptions,
): Recovery {
  const what = "Cannot recover ring";
  const header = readHeader(buffer, what);
  const id = handleOf(options, what, {
    words: header.words,
    many: (role) => header[`${role}s`] === "many",
  });
  if (id === 0) return NOTHING;
  if (header.scheme === "sequence") return result(recoverSequence(header, id));
  // Before the lock goes: a replacement reads its side's slot word, which
  // a handle stores only when it detaches.
  if (header.scheme === "counter") repairCounterSlot(header, id);
  return result(recoverLock(header.words, id, RING_MARKS));
}

/**
 * Recovers an unbounded buffer from a handle known to be dead: releases its
 * attachment lock, so a replacement producer (consumer) can attach and
 * continue the same stream from `in` (`out`). Items published before the
 * death are still delivered exactly once; an item the dead consumer had
 * peeked and not released is delivered again to the replacement.
 *
 * A handle that died between storing its slot and its counter is repaired
 * first: the slot is re-derived from the counter (each segment records the
 * count at which the producer entered it).
 *
 * Then the segments the dead handle held privately go back on the free
 * list: a producer's segment taken from the free list and not yet linked,
 * segments it grew and had not yet put on the free list, and those a batch
 * it never published had linked (the tail moves back); a consumer's
 * segment it had left and not yet put there (each handle records these in
 * shared memory while it holds them). The live peer's segments are left
 * alone, and recovering twice pushes nothing twice.
 *
 * @param buffer The unbounded buffer's SharedArrayBuffer.
 * @param options `handle`: the dead handle's id; or `role`: the side whose
 * Worker died while attaching.
 * @returns What the recovery found and did (`skipped` and `freed` are 0;
 * `reclaimed` counts the segments put back on the free list).
 * @throws {TypeError} When `buffer` is not an unbounded buffer, or `handle`
 * not a number.
 * @throws {RangeError} When `handle` is not a positive int32.
 * @throws {CorruptedRingError} When the buffer's header is damaged.
 *
 * @example A replacement producer continues the stream
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createUnbounded,
 *   recoverUnbounded,
 *   UnboundedConsumer,
 *   UnboundedProducer,
 * } from "@ringproof/ring";
 *
 * const sab = createUnbounded({ item: "int32" });
 * const consumer = new UnboundedConsumer<number>(sab);
 * const dead = new UnboundedProducer<number>(sab);
 * dead.tryPush(1); // then its Worker dies, still attached
 * assert.equal(recoverUnbounded(sab, { handle: dead.id }).released, true);
 * new UnboundedProducer<number>(sab).tryPush(2);
 * assert.equal(consumer.tryPop(), 1);
 * assert.equal(consumer.tryPop(), 2);
 * ```
 */
export function recoverUnbounded(
  buffer: SharedArrayBuffer,
  options: RecoverOptions,
): Recovery {
  const what = "Cannot recover unbounded buffer";
  const header = readUnboundedHeader(buffer, what);
  const id = handleOf(options, what, {
    words: header.words,
    many: () => false,
  });
  if (id === 0) return NOTHING;
  // Before the lock goes: a replacement reads the slot when it attaches,
  // and nobody but the dead handle writes its side's records until then.
  const rolledBack = rollBackBatch(header, id);
  repairSlot(header, id);
  const reclaimed = rolledBack + reclaimSegments(header, id);
  return result(recoverLock(header.words, id, UNBOUNDED_MARKS), reclaimed);
}
