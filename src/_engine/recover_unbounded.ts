// The unbounded buffer's part of a recovery (`recover.ts`): a handle stores
// its slot (`inSlot`, `outSlot`) and then its counter (`in`, `out`), so one
// that died between the two left them out of step, and a replacement that
// trusted the slot would skip (producer) or refuse (consumer) a slot. Only
// the dead handle wrote these words, so while its lock is still held nobody
// else moves them: the slot is re-derived from the counter and the count at
// which the producer entered the segment (its header's first-count word).
//
// Then the segments the dead handle held privately go back on the free list
// (`reclaimSegments`): exactly those its segment records name
// (`unbounded_layout.ts`) and that are in no chain and on no free list. The
// live peer's in-flight segment is never among them: recovery writes the
// dead side's records only, and looks for a named segment in the order the
// live peer moves it (free list, the producer's record, chain).
import {
  checkRange,
  corrupted,
  type UnboundedHeader,
} from "../_shm/unbounded_header.ts";
import { Segments } from "../_shm/segments.ts";
import { lockedSide } from "../_shm/attachment.ts";
import {
  W_BATCH,
  W_CONSUMER_ATTACHED,
  W_GROWN,
  W_HEAD,
  W_IN,
  W_IN_SLOT,
  W_LEAVING,
  W_OUT,
  W_OUT_SLOT,
  W_PRODUCER_ATTACHED,
  W_TAIL,
  W_TAKING,
} from "../_shm/unbounded_layout.ts";

/**
 * A producer that died inside a batch after moving its tail past `in` (the
 * batch crossed segments and was not published) left segments linked whose
 * items nobody will see: moves the tail back to the segment `in` lies in,
 * returns the segments after it to the free list and unlinks them (before
 * `repairSlot`). The consumer never follows that link, since `in` counts no
 * item past it. Returns how many segments it gave back. Idempotent: the
 * tail moves back first, the segments are pushed last first (a rerun stops
 * its walk at the first one already on the free list), the link goes last.
 *
 * @throws {CorruptedRingError} When the record or the chain is impossible.
 */
export function rollBackBatch(header: UnboundedHeader, id: number): number {
  const { words } = header;
  const what = "Cannot recover unbounded buffer";
  const batch = Atomics.load(words, W_BATCH);
  if (Atomics.load(words, W_PRODUCER_ATTACHED) !== id || batch === 0) return 0;
  const segments = new Segments(header, what);
  const start = batch - 1;
  segments.check(start, "the batch record", what);
  const first = segments.next(start, what);
  // Published: `in` counts items of the segment after the start.
  if (first === -1) return 0;
  if (((Atomics.load(words, W_IN) - segments.first(first)) | 0) > 0) return 0;
  Atomics.store(words, W_TAIL, start);
  const free = segments.freeSnapshot(what);
  const linked: number[] = [];
  for (let s = first; s !== -1 && !free.has(s); s = segments.next(s, what)) {
    if (linked.length > segments.count()) {
      throw corrupted(what, "the chain of segments loops");
    }
    linked.push(s);
  }
  for (let i = linked.length - 1; i >= 0; i--) segments.free(linked[i]!);
  segments.cut(start);
  return linked.length;
}

/**
 * Re-derives the slot word of the side whose lock handle `id` holds (if
 * any), before the lock is released. Returns whether it had to change it.
 *
 * @throws {CorruptedRingError} When the segment or the derived slot is impossible.
 */
export function repairSlot(header: UnboundedHeader, id: number): boolean {
  const { words, segmentSlots } = header;
  const what = "Cannot recover unbounded buffer";
  const side = lockedSide(words, id);
  if (side === undefined) return false;
  const producer = side === "producer";
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

/**
 * Returns the segments the dead handle `id` held privately to the free list,
 * before its lock is released (after `repairSlot`): the segment a dead
 * producer had popped and not linked and the segments it had grown and not
 * yet pushed, or the segment a dead consumer had left and not yet pushed.
 * Returns how many it pushed. Idempotent: a segment already back (by an
 * earlier recovery that died before clearing the record) is not pushed
 * again, and the records are cleared last.
 *
 * @throws {CorruptedRingError} When a record, the free list or the chain is impossible.
 */
export function reclaimSegments(header: UnboundedHeader, id: number): number {
  const { words } = header;
  const what = "Cannot recover unbounded buffer";
  const segments = new Segments(header, what);
  const producer = Atomics.load(words, W_PRODUCER_ATTACHED) === id;
  if (!producer && Atomics.load(words, W_CONSUMER_ATTACHED) !== id) return 0;
  let reclaimed = 0;
  if (producer) {
    // The consumer only pushes segments it left, and none of these was in
    // its chain: one snapshot of the free list holds all that are there.
    const free = segments.freeSnapshot(what);
    const give = (index: number) => {
      segments.free(index);
      free.add(index);
      reclaimed++;
    };
    const taking = recorded(segments, W_TAKING, what);
    // Once linked, the tail move is finished (`repairSlot`): it is the tail.
    if (
      taking !== -1 && taking !== Atomics.load(words, W_TAIL) &&
      !free.has(taking)
    ) give(taking);
    const grown = Atomics.load(words, W_GROWN);
    if (grown !== 0) {
      const count = segments.count();
      checkRange(grown - 1, count, "the grown record", what, true);
      for (let i = grown - 1; i < count; i++) if (!free.has(i)) give(i);
    }
    Atomics.store(words, W_TAKING, 0);
    Atomics.store(words, W_GROWN, 0);
    Atomics.store(words, W_BATCH, 0);
    return reclaimed;
  }
  const leaving = recorded(segments, W_LEAVING, what);
  const head = Atomics.load(words, W_HEAD);
  // A live producer moves a pushed segment from the free list to its
  // record (stored before the pop) to the chain (linked before the record
  // is cleared), never back: looking in that order cannot miss it.
  if (
    leaving !== -1 && leaving !== head &&
    !segments.freeSnapshot(what).has(leaving) &&
    Atomics.load(words, W_TAKING) !== leaving + 1 &&
    !segments.chained(head, leaving, what)
  ) {
    segments.free(leaving);
    reclaimed++;
  }
  Atomics.store(words, W_LEAVING, 0);
  return reclaimed;
}

/** The segment a record word names, validated; -1 for none. */
function recorded(
  segments: Segments<unknown>,
  word: number,
  what: string,
): number {
  const value = Atomics.load(segments.header.words, word);
  if (value === 0) return -1;
  segments.check(value - 1, "a segment record", what);
  return value - 1;
}
