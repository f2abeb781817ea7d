/**
 * Closing a ring, or an unbounded buffer, from any thread that holds it.
 *
 * @module
 */
import { describeValue } from "./_shm/item_layout.ts";
import { DESCRIPTOR_OFFSET, MAGIC, W_MAGIC } from "./_shm/layout.ts";
import { markClosed, markRingClosed, UNBOUNDED_MARKS } from "./_wait/signal.ts";
import { readUnboundedHeader } from "./_shm/unbounded_header.ts";

/**
 * Closes a ring from any thread that holds its buffer — for instance a
 * supervisor whose producer Worker died. Blocked and async waiters on both
 * sides wake promptly; the producer then gets {@linkcode ClosedError}, and
 * the consumer still drains every committed item before its `pop` throws
 * {@linkcode ClosedError}. Closing twice is harmless. Works even when the
 * ring's indices are corrupted, so a damaged ring can still be shut down.
 *
 * @param buffer The ring's SharedArrayBuffer.
 * @throws {TypeError} When `buffer` is not a SharedArrayBuffer holding a ring.
 *
 * @example Closing from a supervisor
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeRing, Consumer, createRing } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 4 });
 * const consumer = new Consumer(sab);
 * closeRing(sab);
 * assert.equal(consumer.closed, true);
 * ```
 */
export function closeRing(buffer: SharedArrayBuffer): void {
  const refuse = (received: string) =>
    new TypeError(
      `Cannot close ring: buffer must be a SharedArrayBuffer made by createRing(), received ${received}`,
    );
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw refuse(describeValue(buffer));
  }
  // Only the magic is checked, so a damaged ring can still be shut down;
  // the message says why a buffer is not a ring (e.g. an unbounded one).
  if (buffer.byteLength < DESCRIPTOR_OFFSET) {
    throw refuse(
      `one of ${buffer.byteLength} bytes, smaller than a ring header`,
    );
  }
  const magic = Atomics.load(new Int32Array(buffer, 0, 1), W_MAGIC) >>> 0;
  if (magic !== MAGIC) {
    throw refuse(
      `one with magic 0x${magic.toString(16).padStart(8, "0")}, not 0x${
        MAGIC.toString(16)
      }`,
    );
  }
  markRingClosed(new Int32Array(buffer, 0, DESCRIPTOR_OFFSET / 4));
}

/**
 * Closes an unbounded buffer from any thread that holds it — for instance a
 * supervisor whose producer Worker died. A consumer waiting for an item
 * wakes promptly and still drains every published item before its `pop`
 * throws {@linkcode ClosedError}; the producer's next push throws
 * {@linkcode ClosedError}. Closing twice is harmless. Works even when `in`,
 * `out` or the segments are corrupted.
 *
 * @param buffer The unbounded buffer's SharedArrayBuffer.
 * @throws {TypeError} When `buffer` is not an unbounded buffer.
 * @throws {CorruptedRingError} When its header's configuration is damaged.
 *
 * @example Closing from a supervisor
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeUnbounded, createUnbounded, UnboundedConsumer } from "@ringproof/ring";
 *
 * const sab = createUnbounded();
 * const consumer = new UnboundedConsumer(sab);
 * closeUnbounded(sab);
 * assert.equal(consumer.closed, true);
 * ```
 */
export function closeUnbounded(buffer: SharedArrayBuffer): void {
  const { words } = readUnboundedHeader(
    buffer,
    "Cannot close unbounded buffer",
  );
  markClosed(words, UNBOUNDED_MARKS);
}
