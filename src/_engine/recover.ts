// What a supervisor does for a handle known to be dead (`recover.ts`): it
// finishes the dead handle's last claim on a sequence ring (a producer's
// claimed positions are published as skips, a consumer's claimed items are
// released), then lets go of the handle's record and attachment lock, wakes
// the other side and finishes a close the dead thread began. Every
// step is a compareExchange from the state the dead handle left, so a
// position the handle did finish is left alone.
import type { RingHeader } from "../_shm/header.ts";
import {
  findRecord,
  lockedSide,
  recordsOf,
  type Role,
  ROLE_CODES,
} from "../_shm/attachment.ts";
import {
  COUNTER_LIMIT,
  R_COUNT,
  R_ID,
  R_POSITION,
  R_ROLE,
  RECORD_WORDS,
  W_CONSUMER_ATTACHED,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_BASE,
  W_IN_SLOT,
  W_OUT,
  W_OUT_BASE,
  W_OUT_SLOT,
  W_PRODUCER_ATTACHED,
} from "../_shm/layout.ts";
import {
  type CloseMarks,
  finishClose,
  FLAG_BITS,
  INDEX_BITS,
  RING_MARKS,
  SEQUENCE_MARKS,
  wakeIfWaiting,
} from "../_wait/signal.ts";
import { distance, positionLimit, slotFromBase } from "../_shm/positions.ts";
import { CONSUMERS, PRODUCERS, SequenceCore, SKIP } from "./sequence_steps.ts";

/** What a recovery found and did. */
export interface RecoveryResult {
  readonly released: boolean;
  readonly role: Role | undefined;
  readonly skipped: number;
  readonly freed: number;
}

const NOTHING: RecoveryResult = {
  released: false,
  role: undefined,
  skipped: 0,
  freed: 0,
};

/** Releases a one-handle side's lock held by `id`; returns the side, if any. */
export function releaseLock(words: Int32Array, id: number): Role | undefined {
  if (Atomics.compareExchange(words, W_PRODUCER_ATTACHED, id, 0) === id) {
    return "producer";
  }
  if (Atomics.compareExchange(words, W_CONSUMER_ATTACHED, id, 0) === id) {
    return "consumer";
  }
  return undefined;
}

/** What a close marks on the buffer: a ring's words, or an unbounded buffer's. */
export type Marks = CloseMarks;

/**
 * What every recovery does last. A dead handle may have published (or made
 * room) and died before waking its peer, which would sleep on: wake it (the
 * waiting bit is cleared first, so a peer between its re-check and its wait
 * does not sleep either), and notify even when the bit is clear (the dead
 * handle may have cleared it and died before its notify). A dead handle's
 * own armed bit needs nothing: it only costs the peer one needless wake. A
 * dead thread may have died inside a close, after marking some words and
 * before waking the sleepers: finish that close.
 */
function wakeAndFinish(words: Int32Array, marks: Marks, role?: Role): void {
  const ring = marks === RING_MARKS;
  // A ring's consumer sleeps on `in`, its producer on `out`; an unbounded
  // buffer's consumer on its flag, and its producer never waits.
  const peer = role === "producer"
    ? ring ? W_IN : W_CONSUMER_WAITING
    : role === "consumer" && ring
    ? W_OUT
    : -1;
  const bits = ring ? INDEX_BITS : FLAG_BITS;
  if (peer >= 0) {
    wakeIfWaiting(words, peer, bits);
    // It may have cleared the bit and died before its notify.
    Atomics.notify(words, peer);
  }
  // A dead ring side's own armed bit (in the word it slept on) would cost
  // the peer's next publish a needless wake, and `inspectRing` would report
  // a sleeper: clear it, waking whoever armed it since (a replacement that
  // attached meanwhile looks again).
  if (ring && role !== undefined) {
    wakeIfWaiting(words, role === "producer" ? W_OUT : W_IN, INDEX_BITS);
  }
  finishClose(words, marks);
}

/**
 * Counter scheme: re-derives the slot word of the side whose lock handle
 * `id` holds (if any) from its counter and base, before the lock is
 * released. A handle stores its slot word only when it detaches (a live
 * one's slot follows from its counter and base), so a dead one left it
 * stale; only it wrote them, so while its lock is held nobody else moves
 * them. Returns whether it changed it.
 */
export function repairCounterSlot(header: RingHeader, id: number): boolean {
  const { words, slots } = header;
  const side = lockedSide(words, id);
  if (side === undefined) return false;
  const [counter, base, slotWord] = side === "producer"
    ? [W_IN, W_IN_BASE, W_IN_SLOT]
    : [W_OUT, W_OUT_BASE, W_OUT_SLOT];
  const slot = slotFromBase(
    Atomics.load(words, counter),
    Atomics.load(words, base),
    slots,
    COUNTER_LIMIT,
  );
  if (Atomics.load(words, slotWord) === slot) return false;
  Atomics.store(words, slotWord, slot);
  return true;
}

/** Recovers handle `id` of a one-producer ring or an unbounded buffer. */
export function recoverLock(
  words: Int32Array,
  id: number,
  marks: Marks,
): RecoveryResult {
  const role = releaseLock(words, id);
  wakeAndFinish(words, marks, role);
  return role === undefined
    ? NOTHING
    : { released: true, role, skipped: 0, freed: 0 };
}

/**
 * The id of the handle whose last claim on the `role` side holds position
 * `p` of a sequence ring, or 0 if no record holds it.
 */
export function claimantOf(header: RingHeader, p: number, role: Role): number {
  const records = recordsOf(header);
  const limit = positionLimit(header.slots);
  for (let r = 0; r < records.length; r += RECORD_WORDS) {
    const id = Atomics.load(records, r + R_ID);
    if (id === 0 || Atomics.load(records, r + R_ROLE) !== ROLE_CODES[role]) {
      continue;
    }
    const first = Atomics.load(records, r + R_POSITION);
    const n = Atomics.load(records, r + R_COUNT);
    const d = distance(p, first, limit);
    if (first >= 0 && d >= 0 && d < n) return id;
  }
  return 0;
}

/**
 * A sequence-ring handle without a record (it detached, or died attaching):
 * a one-handle side may still be locked under its id; a many side's word is
 * a count, not an id. The futex words are epochs, not flags (`recoverLock`
 * would store 0 there, which reads as a close's mark): wake both sides the
 * sequence way, since which side the handle was is not known (a needless
 * wake only makes a sleeper look again).
 */
function recoverUnrecorded(header: RingHeader, id: number): RecoveryResult {
  const { words } = header;
  let role: Role | undefined;
  if (
    header.producers === "one" &&
    Atomics.compareExchange(words, W_PRODUCER_ATTACHED, id, 0) === id
  ) role = "producer";
  else if (
    header.consumers === "one" &&
    Atomics.compareExchange(words, W_CONSUMER_ATTACHED, id, 0) === id
  ) role = "consumer";
  const core = new SequenceCore(header);
  core.wake(CONSUMERS, true);
  core.wake(PRODUCERS, true);
  finishClose(words, SEQUENCE_MARKS);
  return role === undefined
    ? NOTHING
    : { released: true, role, skipped: 0, freed: 0 };
}

/** Recovers handle `id` of a sequence ring (see the file comment). */
export function recoverSequence(
  header: RingHeader,
  id: number,
): RecoveryResult {
  const records = recordsOf(header);
  const r = findRecord(records, id);
  if (r < 0) return recoverUnrecorded(header, id);
  const role: Role = Atomics.load(records, r + R_ROLE) === ROLE_CODES.producer
    ? "producer"
    : "consumer";
  const core = new SequenceCore(header);
  const { seqs, slots, limit } = core;
  const p = Atomics.load(records, r + R_POSITION);
  const n = Atomics.load(records, r + R_COUNT);
  let skipped = 0;
  let freed = 0;
  if (p >= 0 && p < limit && n > 0 && n <= slots) {
    for (let i = 0, q = p; i < n; i++, q = core.next(q)) {
      const s = q % slots;
      if (role === "producer") {
        // Claimed and never published: the slot still expects q.
        const skip = core.next(q) | SKIP;
        if (Atomics.compareExchange(seqs, s, q, skip) === q) skipped++;
      } else {
        // Claimed and never released: the slot still holds q's item (or skip).
        const seq = Atomics.load(seqs, s);
        if ((seq & ~SKIP) !== core.next(q)) continue;
        const free = core.plus(q, slots);
        if (Atomics.compareExchange(seqs, s, seq, free) === seq) freed++;
      }
    }
  }
  // Also when nothing was left to finish: the handle may have published
  // (released) its last claim and died before waking the other side.
  core.wake(role === "producer" ? CONSUMERS : PRODUCERS, true);
  // The record goes first: a handle that was not dead after all finds it
  // gone when it detaches, and leaves the count alone (`HandleLock`).
  if (Atomics.compareExchange(records, r + R_ID, id, 0) === id) {
    const many = header[`${role}s`] === "many";
    const lock = role === "producer"
      ? W_PRODUCER_ATTACHED
      : W_CONSUMER_ATTACHED;
    if (many) Atomics.sub(header.words, lock, 1);
    else Atomics.compareExchange(header.words, lock, id, 0);
  }
  finishClose(header.words, SEQUENCE_MARKS);
  return { released: true, role, skipped, freed };
}
