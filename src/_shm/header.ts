// Reading and validating a ring's header. Every handle attaches through
// `readHeader`, so a buffer that is not a ring, or a damaged one, is refused
// before any slot is touched.
import { CorruptedRingError } from "../errors.ts";
import {
  dataOffsetOf,
  describeValue,
  type ItemLayout,
  readDescriptor,
} from "./item_layout.ts";
import {
  checkCount,
  checkSlot,
  positionsOf,
  slotFromBase,
} from "./positions.ts";
import * as shm from "./layout.ts";

/**
 * The index schemes: `"textbook"` and `"counter"` for one producer and one
 * consumer, `"sequence"` (per-slot sequence numbers) for many.
 */
export type Scheme = "textbook" | "counter" | "sequence";

/** How many live handles a side of a ring accepts. */
export type Multiplicity = "one" | "many";

export interface RingHeader {
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  /** The textbook's BUFFER_SIZE. */
  readonly slots: number;
  readonly scheme: Scheme;
  readonly capacity: number;
  readonly item: ItemLayout;
  readonly dataOffset: number;
  readonly producers: Multiplicity;
  readonly consumers: Multiplicity;
  /** Sequence scheme: byte offset of the per-slot sequence numbers (else 0). */
  readonly sequenceOffset: number;
  /** Sequence scheme: byte offset of the handle records (else 0). */
  readonly recordsOffset: number;
}

/** The schemes by header code (SCHEME_TEXTBOOK, SCHEME_COUNTER, SCHEME_SEQUENCE). */
const SCHEMES: readonly Scheme[] = ["textbook", "counter", "sequence"];

export function schemeName(code: number): Scheme | undefined {
  return SCHEMES[code - shm.SCHEME_TEXTBOOK];
}

/** The scheme's code in the header; {@linkcode schemeName} reads it back. */
export function schemeCode(scheme: Scheme): number {
  return SCHEMES.indexOf(scheme) + shm.SCHEME_TEXTBOOK;
}

/**
 * Bytes from the start of the buffer to slot 0, to the sequence numbers
 * (sequence scheme; 0 otherwise), and the total length.
 */
export function measure(
  descriptorBytes: number,
  slots: number,
  item: ItemLayout,
  scheme: Scheme = "textbook",
): {
  dataOffset: number;
  sequenceOffset: number;
  recordsOffset: number;
  byteLength: number;
} {
  const dataOffset = dataOffsetOf(descriptorBytes);
  const end = dataOffset + slots * item.stride;
  if (scheme !== "sequence") {
    return { dataOffset, sequenceOffset: 0, recordsOffset: 0, byteLength: end };
  }
  const sequenceOffset = shm.alignUp(end, shm.LINE);
  const recordsOffset = shm.alignUp(sequenceOffset + 4 * slots, shm.LINE);
  const byteLength = recordsOffset +
    shm.HANDLE_RECORDS * shm.RECORD_WORDS * 4;
  return { dataOffset, sequenceOffset, recordsOffset, byteLength };
}

export function capacityOf(scheme: Scheme, slots: number): number {
  // The textbook scheme keeps one slot empty to tell full from empty.
  return scheme === "textbook" ? slots - 1 : slots;
}

/** The sides word of the header: which sides accept many handles. */
export function sidesWord(
  producers: Multiplicity,
  consumers: Multiplicity,
): number {
  return (producers === "many" ? shm.SIDE_PRODUCERS : 0) |
    (consumers === "many" ? shm.SIDE_CONSUMERS : 0);
}

/** The sides word of the header, read back; undefined when impossible. */
function sidesOf(
  word: number,
  scheme: Scheme,
): [Multiplicity, Multiplicity] | undefined {
  // Only the sequence scheme may have a side with many handles.
  if (word >>> 0 > 3 || (word !== 0 && scheme !== "sequence")) return;
  return [
    word & shm.SIDE_PRODUCERS ? "many" : "one",
    word & shm.SIDE_CONSUMERS ? "many" : "one",
  ];
}

/** Validates `buffer` as a ring; `what` prefixes errors ("Cannot attach producer"). */
export function readHeader(
  buffer: unknown,
  what: string,
  options: { skipIndices?: boolean } = {},
): RingHeader {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `${what}: buffer must be a SharedArrayBuffer made by createRing(), received ${
        describeValue(buffer)
      }`,
    );
  }
  if (buffer.byteLength < shm.DESCRIPTOR_OFFSET) {
    throw new TypeError(
      `${what}: buffer is not a ring (${buffer.byteLength} bytes is smaller than a ring header)`,
    );
  }
  const words = new Int32Array(buffer, 0, shm.DESCRIPTOR_OFFSET / 4);
  const magic = Atomics.load(words, shm.W_MAGIC) >>> 0;
  if (magic !== shm.MAGIC) {
    throw new TypeError(
      `${what}: buffer is not a ring (magic 0x${
        magic.toString(16).padStart(8, "0")
      }, expected 0x${shm.MAGIC.toString(16)})`,
    );
  }
  const version = Atomics.load(words, shm.W_VERSION);
  if (version !== shm.LAYOUT_VERSION) {
    throw new RangeError(
      `${what}: ring layout version ${version} is not supported, expected ${shm.LAYOUT_VERSION}`,
    );
  }
  const corrupt = (why: string) =>
    new CorruptedRingError(`${what}: ring header is corrupted: ${why}`);
  const slots = Atomics.load(words, shm.W_SLOTS);
  if (slots < 2 || slots > shm.MAX_SLOTS) throw corrupt(`slots is ${slots}`);
  const scheme = schemeName(Atomics.load(words, shm.W_SCHEME));
  if (scheme === undefined) {
    throw corrupt(`scheme code is ${Atomics.load(words, shm.W_SCHEME)}`);
  }
  const descriptorBytes = Atomics.load(words, shm.W_DESCRIPTOR_BYTES);
  const item = readDescriptor(buffer, {
    bytes: descriptorBytes,
    what,
    corrupt,
  });
  const sides = sidesOf(Atomics.load(words, shm.W_SIDES), scheme);
  if (sides === undefined) {
    throw corrupt(`sides word is ${Atomics.load(words, shm.W_SIDES)}`);
  }
  const { dataOffset, sequenceOffset, recordsOffset, byteLength } = measure(
    descriptorBytes,
    slots,
    item,
    scheme,
  );
  if (
    Atomics.load(words, shm.W_STRIDE) !== item.stride ||
    Atomics.load(words, shm.W_DATA_OFFSET) !== dataOffset ||
    Atomics.load(words, shm.W_BYTE_LENGTH) !== byteLength ||
    byteLength > shm.MAX_BYTES ||
    buffer.byteLength !== byteLength
  ) {
    throw corrupt(
      `layout does not add up (${buffer.byteLength} bytes, expected ${byteLength} for ${slots} slots of ${item.stride} bytes)`,
    );
  }
  const header: RingHeader = {
    buffer,
    words,
    slots,
    scheme,
    capacity: capacityOf(scheme, slots),
    item,
    dataOffset,
    producers: sides[0],
    consumers: sides[1],
    sequenceOffset,
    recordsOffset,
  };
  if (!options.skipIndices) checkIndices(header, what);
  return header;
}

/** How long a counter-scheme snapshot may look inconsistent while a peer moves. */
const TORN_SNAPSHOT_GRACE_MS = 50;

/**
 * Checks `in` and `out` against each other; a ring whose indices are
 * impossible is refused rather than read. In the counter scheme this reads
 * only the counters, which both sides move atomically: the wrap bases are
 * written plainly (their counter's add publishes them), so only their own
 * side reads them, once it holds the side's lock (see
 * {@linkcode checkOwnSlot}).
 */
export function checkIndices(header: RingHeader, what: string): void {
  const { words, slots } = header;
  if (header.scheme === "sequence") {
    positionsOf(header, what);
    return;
  }
  if (header.scheme === "textbook") {
    checkSlot(
      Atomics.load(words, shm.W_IN) & shm.INDEX_MASK,
      slots,
      "in",
      what,
    );
    checkSlot(
      Atomics.load(words, shm.W_OUT) & shm.INDEX_MASK,
      slots,
      "out",
      what,
    );
    return;
  }
  // Two live peers move both counters between the two loads, so a snapshot
  // can pair an old `in` with a newer `out`: re-read, and call it
  // corruption only if it lasts past a grace period.
  const deadline = performance.now() + TORN_SNAPSHOT_GRACE_MS;
  while (true) {
    try {
      checkCount(
        Atomics.load(words, shm.W_IN),
        Atomics.load(words, shm.W_OUT),
        slots,
        what,
      );
      return;
    } catch (error) {
      const lasting = performance.now() > deadline;
      if (!(error instanceof CorruptedRingError) || lasting) throw error;
    }
  }
}

/**
 * Counter scheme: checks the physical slot word of the side `role` attaches
 * to, once it holds that side's lock: in range, and where the side's counter
 * and base put it. The side's previous handle stored the slot word at its
 * detach (or a recovery re-derived it) and its base at its last wrap,
 * before it let go of the lock, and nobody else writes them, so reading
 * them is no race. The other side's words are never read here: its live
 * handle may be writing its base plainly (reading the peer's slot word was
 * a mixed data race, found by checkCode, when every publish stored it).
 */
export function checkOwnSlot(
  header: RingHeader,
  role: "producer" | "consumer",
  what: string,
): void {
  if (header.scheme !== "counter") return;
  const { words, slots } = header;
  const [word, counter, base, name, counterName] = role === "producer"
    ? [shm.W_IN_SLOT, shm.W_IN, shm.W_IN_BASE, "inSlot", "in"]
    : [shm.W_OUT_SLOT, shm.W_OUT, shm.W_OUT_BASE, "outSlot", "out"];
  const slot = Atomics.load(words, word);
  checkSlot(slot, slots, name, what);
  const value = Atomics.load(words, counter) & shm.INDEX_MASK;
  const wrapped = Atomics.load(words, base);
  const expected = slotFromBase(value, wrapped, slots, shm.COUNTER_LIMIT);
  if (slot !== expected) {
    throw new CorruptedRingError(
      `${what}: ring is corrupted: ${name} is ${slot}, but ${counterName} ${value} and the ${counterName} of its last wrap ${
        wrapped >>> 0
      } put it at ${expected}`,
    );
  }
}
