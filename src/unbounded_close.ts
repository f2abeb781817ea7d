/**
 * Closing an unbounded buffer from any thread that holds it.
 *
 * @module
 */
import { readUnboundedHeader } from "./_shm/unbounded_header.ts";
import { W_CONSUMER_WAITING } from "./_shm/unbounded_layout.ts";
import { markClosed } from "./_wait/signal.ts";

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
  markClosed(words, [W_CONSUMER_WAITING]);
}
