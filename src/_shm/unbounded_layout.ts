// Shared-memory layout of an unbounded buffer, in 32-bit words of its header.
// The word numbers it shares with the ring (closed flag, attachment locks,
// `in`, `out`, the consumer's waiting flag) are the ring's, so the waiting
// protocol of `_wait/` serves both.
//
// line 0 (bytes   0..63): identity and configuration, written once at creation,
//                          plus the closed flag, the attachment locks and the
//                          head of the free list (both sides, by CAS)
// line 1 (bytes  64..127): `in`, `inSlot`, the tail segment and the producer's
//                          segment records, written only by the producer
//                          (and a supervisor recovering it); the consumer's
//                          waiting flag
// line 2 (bytes 128..191): `out`, `outSlot`, the head segment and the
//                          consumer's segment record, written only by the
//                          consumer (and a supervisor recovering it)
// bytes 192..            : the item descriptor (UTF-8 JSON), then the segments
//
// A segment is `segmentBytes` long: one link word (the next segment, as
// index + 1; 0 for none), the first-count word (the value of `in` when the
// producer entered the segment: the slot of a count c in it is c - first, so
// a supervisor can re-derive `inSlot`/`outSlot` of a handle that died
// between storing its slot and its counter), then `segmentSlots` item slots.
// Link words are zero in fresh memory, so a new segment links nowhere.
//
// The segment records name the segments a handle holds privately for a
// moment, in no chain and on no free list, so that a supervisor can return
// exactly those to the free list when the handle dies there
// (`recover_unbounded.ts`). They are written on segment switches and growth
// only, never per item.
import { alignUp } from "./layout.ts";

export {
  DESCRIPTOR_OFFSET,
  MAX_BYTES,
  W_CLOSED,
  W_CONSUMER_ATTACHED,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_SLOT,
  W_MAGIC,
  W_OUT,
  W_OUT_SLOT,
  W_PRODUCER_ATTACHED,
  W_VERSION,
} from "./layout.ts";

/** "RPUB" in little-endian ASCII: marks a buffer as an unbounded buffer. */
export const UNBOUNDED_MAGIC = 0x42555052;
/**
 * Bumped whenever the layout below changes incompatibly (2: each segment's
 * header records the count at which the producer entered it; 3: the
 * segment records `W_TAKING`, `W_GROWN`, `W_BATCH` and `W_LEAVING`).
 */
export const UNBOUNDED_VERSION = 3;

export const W_SEGMENT_SLOTS = 2;
export const W_STRIDE = 3;
export const W_DESCRIPTOR_BYTES = 4;
export const W_DATA_OFFSET = 5;
export const W_SEGMENT_BYTES = 6;
export const W_MAX_BYTES = 7;
/** Head of the free list of recycled segments: index + 1, 0 when empty. */
export const W_FREE = 11;
/** The producer's segment: where `in` points (`inSlot` is the slot in it). */
export const W_TAIL = 19;
/**
 * The segment the producer is taking from the free list, as index + 1 (0 for
 * none): stored before the pop's compareExchange and cleared once the
 * segment is linked after the tail, so from the pop to the link it names a
 * segment that is in no chain and on no free list.
 */
export const W_TAKING = 20;
/**
 * The first segment of a growth, as index + 1 (0 for none): stored before
 * the buffer grows and cleared once every new segment is on the free list,
 * so the segments from it to the end may be on no free list yet.
 */
export const W_GROWN = 21;
/**
 * The segment a batch that crosses segments starts in, as index + 1 (0 for
 * none): stored before the batch moves the tail and cleared once it is
 * published, so a supervisor can take back the segments a batch linked and
 * never published.
 */
export const W_BATCH = 22;
/** The consumer's segment: where `out` points (`outSlot` is the slot in it). */
export const W_HEAD = 35;
/**
 * The segment the consumer is leaving, as index + 1 (0 for none): stored
 * before `head` moves on and cleared once the segment is on the free list.
 */
export const W_LEAVING = 36;

/** Bytes before the first slot of a segment: the link word and the first count. */
export const SEGMENT_HEADER = 8;
/** Largest number of slots per segment. */
export const MAX_SEGMENT_SLOTS = 2 ** 24;
/** A link or free-list word that points nowhere. */
export const NO_SEGMENT = 0;

/** Bytes of one segment; a multiple of 8, so every segment stays 8-aligned. */
export function segmentBytesOf(segmentSlots: number, stride: number): number {
  return alignUp(SEGMENT_HEADER + segmentSlots * stride, 8);
}
