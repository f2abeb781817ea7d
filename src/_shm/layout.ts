// Shared-memory layout of a ring, in 32-bit words of the header.
//
// line 0 (bytes   0..63): identity and configuration, written once at creation,
//                          plus the closed flag and the attachment locks
// line 1 (bytes  64..127): `in`, written only by the producer
// line 2 (bytes 128..191): `out`, written only by the consumer
// bytes 192..           : the item descriptor (UTF-8 JSON), then the slots,
//                          then (sequence scheme only, on a fresh line) one
//                          int32 sequence number per slot, then (on a fresh
//                          line) the handle records: HANDLE_RECORDS lines of
//                          RECORD_WORDS words, one per live handle
//
// `in` and `out` sit on separate 64-byte cache lines so the two sides do not
// invalidate each other's line on every step.

/** "RPRG" in little-endian ASCII: marks a buffer as a ring. */
export const MAGIC = 0x47525052;
/** Bumped whenever the layout below changes incompatibly. */
export const LAYOUT_VERSION = 3;

export const W_MAGIC = 0;
export const W_VERSION = 1;
/** The textbook's BUFFER_SIZE. */
export const W_SLOTS = 2;
export const W_SCHEME = 3;
export const W_STRIDE = 4;
export const W_DESCRIPTOR_BYTES = 5;
export const W_DATA_OFFSET = 6;
export const W_BYTE_LENGTH = 7;
export const W_CLOSED = 8;
export const W_PRODUCER_ATTACHED = 9;
export const W_CONSUMER_ATTACHED = 10;
/**
 * Which sides accept many handles: bit 0 producers, bit 1 consumers (0 for
 * the textbook and counter schemes). With a bit set, the side's attachment
 * word counts live handles instead of locking.
 */
export const W_SIDES = 11;
export const SIDE_PRODUCERS = 1;
export const SIDE_CONSUMERS = 2;
/**
 * The last handle id given out (ids count from 1; see `attachment.ts`). A
 * side's attachment lock holds the id of the handle that took it, so a
 * supervisor can release the lock of a handle known to be dead.
 */
export const W_LAST_ID = 12;

/**
 * Sequence scheme: how many handles (both sides together) may be attached at
 * once. Each takes a record, one cache line of its own, so the plain stores
 * of its claims never share a line with another handle's.
 */
export const HANDLE_RECORDS = 64;
/** Words per handle record: one 64-byte line. */
export const RECORD_WORDS = 16;
/** A record's handle id; 0 while the record is free. */
export const R_ID = 0;
/** A record's side: 1 producer, 2 consumer. */
export const R_ROLE = 1;
/**
 * The first position of the handle's last claim: written (plainly) right
 * after each successful claim, with R_COUNT, so a supervisor can publish
 * or release what a dead handle claimed and never finished. -1 before any.
 */
export const R_POSITION = 2;
/** How many consecutive positions that claim took. */
export const R_COUNT = 3;

/** The textbook's `in`: next free position (or the free-running counter). */
export const W_IN = 16;
/** Physical slot of `in` (counter scheme); equal to `in` in the textbook scheme. */
export const W_IN_SLOT = 17;
/**
 * Counter scheme: the value of `in` at which `inSlot` last wrapped to 0,
 * written plainly by the producer before the `in` store that publishes the
 * wrap. The slot is `(in - inBase) mod BUFFER_SIZE` even in a torn pair (a
 * producer dead between its stores), so recovery can re-derive `inSlot`.
 */
export const W_IN_BASE = 20;
/**
 * Set by a consumer about to sleep because the ring looked empty. Sequence
 * scheme: the consumers' futex word, an odd epoch whose bit 1 a sleeper sets
 * (armed) and the waker that clears it bumps by 2; even once closed.
 */
export const W_CONSUMER_WAITING = 18;
/** Sequence scheme: how many consumers are (about to be) asleep. */
export const W_CONSUMER_WAITERS = 19;

/** The textbook's `out`: first full position (or the free-running counter). */
export const W_OUT = 32;
/** Physical slot of `out` (counter scheme); equal to `out` in the textbook scheme. */
export const W_OUT_SLOT = 33;
/** Counter scheme: the value of `out` at which `outSlot` last wrapped to 0. */
export const W_OUT_BASE = 36;
/**
 * Set by a producer about to sleep because the ring looked full. Sequence
 * scheme: the producers' futex word, like W_CONSUMER_WAITING.
 */
export const W_PRODUCER_WAITING = 34;
/** Sequence scheme: how many producers are (about to be) asleep. */
export const W_PRODUCER_WAITERS = 35;

/**
 * What a close leaves in each waiting flag (before it sets W_CLOSED), for
 * good: a producer that reads it after publishing knows the close raced its
 * push (see `_wait/signal.ts`).
 */
export const CLOSED_FLAG = 2;
/** What a close sets in each sequence-scheme waiter count, likewise. */
export const CLOSED_BIT = 1 << 30;

export const DESCRIPTOR_OFFSET = 192;
export const LINE = 64;

export const SCHEME_TEXTBOOK = 1;
export const SCHEME_COUNTER = 2;
/** Vyukov's per-slot sequence numbers; `in`/`out` are positions (see `_engine/sequence_steps.ts`). */
export const SCHEME_SEQUENCE = 3;

/** Largest BUFFER_SIZE accepted; keeps `in - out` unambiguous mod 2^32. */
export const MAX_SLOTS = 2 ** 30;
/** Largest ring in bytes (the slots plus the header). */
export const MAX_BYTES = 2 ** 31 - 1;

export function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
