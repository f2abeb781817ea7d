// Reading and validating an unbounded buffer's header. Every handle attaches
// through `readUnboundedHeader`, so a buffer that is not an unbounded buffer,
// or a damaged one, is refused before any segment is touched.
import {
  dataOffsetOf,
  describeValue,
  type ItemLayout,
  readDescriptor,
} from "./item_layout.ts";
import { CorruptedRingError } from "../errors.ts";
import * as shm from "./unbounded_layout.ts";

/** An unbounded buffer's configuration, validated. */
export interface UnboundedHeader {
  readonly buffer: SharedArrayBuffer;
  /** The header words (`in`, `out`, flags …), a fixed-length view. */
  readonly words: Int32Array;
  readonly segmentSlots: number;
  readonly segmentBytes: number;
  readonly maxBytes: number;
  readonly item: ItemLayout;
  /** Bytes from the start of the buffer to segment 0. */
  readonly dataOffset: number;
}

/** An error for a header or index that cannot be. */
export function corrupted(what: string, why: string): CorruptedRingError {
  return new CorruptedRingError(
    `${what}: unbounded buffer is corrupted: ${why}`,
  );
}

/** Validates `buffer` as an unbounded buffer; `what` prefixes errors. */
export function readUnboundedHeader(
  buffer: unknown,
  what: string,
): UnboundedHeader {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `${what}: buffer must be a SharedArrayBuffer made by createUnbounded(), received ${
        describeValue(buffer)
      }`,
    );
  }
  const magic = buffer.byteLength < shm.DESCRIPTOR_OFFSET
    ? 0
    : Atomics.load(new Int32Array(buffer, 0, 1), shm.W_MAGIC) >>> 0;
  if (magic !== shm.UNBOUNDED_MAGIC || !buffer.growable) {
    throw new TypeError(
      `${what}: buffer is not an unbounded buffer (${buffer.byteLength} bytes, ${
        buffer.growable ? "growable" : "not growable"
      }, magic 0x${magic.toString(16).padStart(8, "0")}, expected 0x${
        shm.UNBOUNDED_MAGIC.toString(16)
      })`,
    );
  }
  const words = new Int32Array(buffer, 0, shm.DESCRIPTOR_OFFSET / 4);
  const version = Atomics.load(words, shm.W_VERSION);
  if (version !== shm.UNBOUNDED_VERSION) {
    throw new RangeError(
      `${what}: unbounded buffer layout version ${version} is not supported, expected ${shm.UNBOUNDED_VERSION}`,
    );
  }
  const segmentSlots = Atomics.load(words, shm.W_SEGMENT_SLOTS);
  if (segmentSlots < 1 || segmentSlots > shm.MAX_SEGMENT_SLOTS) {
    throw corrupted(what, `segmentSlots is ${segmentSlots}`);
  }
  const descriptorBytes = Atomics.load(words, shm.W_DESCRIPTOR_BYTES);
  const item = readDescriptor(buffer, {
    bytes: descriptorBytes,
    what,
    corrupt: (why) => corrupted(what, why),
  });
  const dataOffset = dataOffsetOf(descriptorBytes);
  const segmentBytes = shm.segmentBytesOf(segmentSlots, item.stride);
  const maxBytes = Atomics.load(words, shm.W_MAX_BYTES);
  // Segments are only ever appended, one whole segment at a time.
  const segments = (buffer.byteLength - dataOffset) / segmentBytes;
  if (
    Atomics.load(words, shm.W_STRIDE) !== item.stride ||
    Atomics.load(words, shm.W_DATA_OFFSET) !== dataOffset ||
    Atomics.load(words, shm.W_SEGMENT_BYTES) !== segmentBytes ||
    maxBytes !== buffer.maxByteLength || maxBytes > shm.MAX_BYTES ||
    !Number.isInteger(segments) || segments < 1
  ) {
    throw corrupted(
      what,
      `layout does not add up (${buffer.byteLength} of at most ${buffer.maxByteLength} bytes, maxBytes ${maxBytes}, segments of ${segmentSlots} slots of ${item.stride} bytes from byte ${dataOffset})`,
    );
  }
  return {
    buffer,
    words,
    segmentSlots,
    segmentBytes,
    maxBytes,
    item,
    dataOffset,
  };
}

/** Throws unless `value` is in `[0, limit)` (or `[0, limit]` when `inclusive`). */
export function checkRange(
  value: number,
  limit: number,
  name: string,
  what: string,
  inclusive = false,
): void {
  if (value < 0 || value > limit || (!inclusive && value === limit)) {
    throw corrupted(
      what,
      `${name} is ${value}, outside [0, ${limit}${inclusive ? "]" : ")"}`,
    );
  }
}
