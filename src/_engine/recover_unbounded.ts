// The unbounded buffer's part of a recovery (`recover.ts`): a handle stores
// its slot (`inSlot`, `outSlot`) and then its counter (`in`, `out`), so one
// that died between the two left them out of step, and a replacement that
// trusted the slot would skip (producer) or refuse (consumer) a slot. Only
// the dead handle wrote these words, so while its lock is still held nobody
// else moves them: the slot is re-derived from the counter and the count at
// which the producer entered the segment (its header's first-count word).
import { corrupted, type UnboundedHeader } from "../_shm/unbounded_header.ts";
import { Segments } from "../_shm/segments.ts";
import {
  W_CONSUMER_ATTACHED,
  W_HEAD,
  W_IN,
  W_IN_SLOT,
  W_OUT,
  W_OUT_SLOT,
  W_PRODUCER_ATTACHED,
  W_TAIL,
} from "../_shm/unbounded_layout.ts";

/**
 * Re-derives the slot word of the side whose lock handle `id` holds (if
 * any), before the lock is released. Returns whether it had to change it.
 *
 * @throws {CorruptedRingError} When the segment or the derived slot is impossible.
 */
export function repairSlot(header: UnboundedHeader, id: number): boolean {
  const { words, segmentSlots } = header;
  const what = "Cannot recover unbounded buffer";
  const producer = Atomics.load(words, W_PRODUCER_ATTACHED) === id;
  if (!producer && Atomics.load(words, W_CONSUMER_ATTACHED) !== id) {
    return false;
  }
  const [counter, segment, slotWord] = producer
    ? [W_IN, W_TAIL, W_IN_SLOT]
    : [W_OUT, W_HEAD, W_OUT_SLOT];
  const segments = new Segments(header, what);
  let index = Atomics.load(words, segment);
  segments.check(
    index,
    producer ? "the tail segment" : "the head segment",
    what,
  );
  if (producer) {
    // Dead between linking a new segment and moving the tail there: finish
    // the move (the segment's first count was recorded before the link).
    const next = segments.next(index, what);
    if (next !== -1) {
      if (segments.next(next, what) !== -1) {
        throw corrupted(what, `the tail segment ${index} links onwards twice`);
      }
      index = next;
      Atomics.store(words, W_TAIL, index);
    }
  }
  const slot = (Atomics.load(words, counter) - segments.first(index)) >>> 0;
  if (slot > segmentSlots) {
    throw corrupted(
      what,
      `the ${
        producer ? "in" : "out"
      } count lies ${slot} slots into segment ${index} of ${segmentSlots}`,
    );
  }
  if (Atomics.load(words, slotWord) === slot) return false;
  Atomics.store(words, slotWord, slot);
  return true;
}
