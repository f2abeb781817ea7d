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
//
// One-producer rings (textbook and counter schemes) keep each side's waiting
// flag inside the OTHER side's index word: `in` and `out` use bits 0..29
// (INDEX_MASK), a sleeper sets WAITING in the word it waits for, and a close
// sets CLOSED_MARK in both. The owner advances its index with one
// `Atomics.add`, whose old value says whether to wake the peer: one
// out-of-line Atomics call per item per side (see `_wait/signal.ts`).

/** "RPRG" in little-endian ASCII: marks a buffer as a ring. */
export const MAGIC = 0x47525052;
/** Bumped whenever the layout below changes incompatibly. */
export const LAYOUT_VERSION = 4;

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
/**
 * Counter scheme: the physical slot of `in` as the last producer left it,
 * stored when it detaches (or re-derived by a recovery), for the next one to
 * check when it attaches; not kept up to date while a producer is attached
 * (its slot is `(in - inBase) mod BUFFER_SIZE`), so its publishes store
 * nothing beside `in`. Unused by the textbook scheme, whose index is its slot.
 */
export const W_IN_SLOT = 17;
/**
 * Counter scheme: the value of `in` at which `inSlot` last wrapped to 0,
 * written plainly by the producer once a lap, before the `Atomics.add` that
 * publishes the wrap. The slot is `(in - inBase) mod BUFFER_SIZE` even in a
 * torn pair (a producer dead between the two), so a reader can derive it.
 */
export const W_IN_BASE = 20;
/**
 * Sequence scheme: the consumers' futex word, an odd epoch whose bit 1 a
 * sleeper sets (armed) and the waker that clears it bumps by 2; even once
 * closed. Unbounded buffer: the consumer's waiting flag (FLAG_WAITING,
 * FLAG_CLOSED). Unused by the one-producer ring, whose consumer arms
 * WAITING in `in` itself.
 */
export const W_CONSUMER_WAITING = 18;
/** Sequence scheme: how many consumers are (about to be) asleep. */
export const W_CONSUMER_WAITERS = 19;

/** The textbook's `out`: first full position (or the free-running counter). */
export const W_OUT = 32;
/** Counter scheme: the physical slot of `out` at the consumer's detach, like W_IN_SLOT. */
export const W_OUT_SLOT = 33;
/** Counter scheme: the value of `out` at which `outSlot` last wrapped to 0. */
export const W_OUT_BASE = 36;
/**
 * Sequence scheme: the producers' futex word, like W_CONSUMER_WAITING.
 * Unused by the one-producer ring, whose producer arms WAITING in `out`.
 */
export const W_PRODUCER_WAITING = 34;
/** Sequence scheme: how many producers are (about to be) asleep. */
export const W_PRODUCER_WAITERS = 35;

/**
 * One-producer ring: the bits of `in` and `out` that hold the index (the
 * textbook's slot, or the counter scheme's counter, which wraps at
 * COUNTER_LIMIT).
 */
export const INDEX_MASK = 2 ** 30 - 1;
/** Where the counter scheme's counters wrap: just below the flag bits. */
export const COUNTER_LIMIT = 2 ** 30;
/** One-producer ring: set in the peer's index word by a side about to sleep. */
export const WAITING = 1 << 30;
/**
 * One-producer ring: what a close sets in both index words (before it sets
 * W_CLOSED), for good: a producer whose publishing `add` returns it knows
 * the close raced its push (see `_wait/signal.ts`). Bit 31: the word is a
 * negative int32 from then on.
 */
export const CLOSED_MARK = 1 << 31;
/** Unbounded buffer: the consumer's waiting flag is raised. */
export const FLAG_WAITING = 1;
/**
 * Unbounded buffer: what a close sets in the consumer's waiting flag, for
 * good, before it sets W_CLOSED (like CLOSED_MARK). Sequence ring: the even
 * epoch a close stores in each futex word.
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

/** Largest BUFFER_SIZE accepted: a textbook index fits INDEX_MASK. */
export const MAX_SLOTS = 2 ** 30;
/**
 * Largest BUFFER_SIZE of the counter scheme: `in - out` (up to BUFFER_SIZE)
 * and a dead handle's torn counter and base (`positions.ts`,
 * `slotFromBase`) stay unambiguous mod COUNTER_LIMIT.
 */
export const MAX_COUNTER_SLOTS = 2 ** 29;
/** Largest ring in bytes (the slots plus the header). */
export const MAX_BYTES = 2 ** 31 - 1;

export function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
