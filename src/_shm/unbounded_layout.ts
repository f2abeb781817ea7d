// Shared-memory layout of an unbounded buffer, in 32-bit words of its header.
// The word numbers it shares with the ring (closed flag, attachment locks,
// `in`, `out`, the consumer's waiting flag) are the ring's, so the waiting
// protocol of `_wait/` serves both.
//
// line 0 (bytes   0..63): identity and configuration, written once at creation,
//                          plus the closed flag, the attachment locks and the
//                          head of the free list (both sides, by CAS)
// line 1 (bytes  64..127): `in`, `inSlot` and the tail segment, written only by
//                          the producer; the consumer's waiting flag
// line 2 (bytes 128..191): `out`, `outSlot` and the head segment, written only
//                          by the consumer
// bytes 192..            : the item descriptor (UTF-8 JSON), then the segments
//
// A segment is `segmentBytes` long: one link word (the next segment, as
// index + 1; 0 for none), the first-count word (the value of `in` when the
// producer entered the segment: the slot of a count c in it is c - first, so
// a supervisor can re-derive `inSlot`/`outSlot` of a handle that died
// between storing its slot and its counter), then `segmentSlots` item slots.
// Link words are zero in fresh memory, so a new segment links nowhere.
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
 * header records the count at which the producer entered it).
 */
export const UNBOUNDED_VERSION = 2;

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
/** The consumer's segment: where `out` points (`outSlot` is the slot in it). */
export const W_HEAD = 35;

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
