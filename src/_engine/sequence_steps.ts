// The sequence scheme's engine: Dmitry Vyukov's bounded MPMC queue on the
// SharedArrayBuffer. Every slot has a sequence number, the position it
// expects next:
//
//   seq == p              free for the producer of position p
//   seq == p + 1          holds that producer's item, for the consumer of p
//   seq == p + BUFFER_SIZE  released: free for position p + BUFFER_SIZE
//
// A producer copies `in` to p, reads its slot's sequence number (the "wait"),
// claims p with compareExchange(in, p, p + 1), writes the slot and publishes
// seq = p + 1. A consumer copies `out` to p, waits for seq == p + 1, claims p
// with compareExchange(out, p, p + 1), reads the slot and releases
// seq = p + BUFFER_SIZE. Positions wrap at `positionLimit(slots)`, a multiple
// of BUFFER_SIZE. The step functions below are exactly those steps (the
// lockstep conformance check drives them one at a time); `claimOne` and
// `claimMany` chain them for the engine (`sequence.ts`).
//
// A producer that gives up a claimed position (detach or close between
// reserve() and commit()) publishes seq = (p + 1) | SKIP: consumers claim
// and release the position without returning an item. A supervisor does the
// same for a dead producer's claimed positions (`_shm/recover.ts`): each
// handle writes its last claim in its own record right after the claim.
import { CorruptedRingError } from "../errors.ts";
import type { RingHeader } from "../_shm/header.ts";
import {
  R_COUNT,
  R_POSITION,
  RECORD_WORDS,
  W_CLOSED,
  W_CONSUMER_WAITERS,
  W_CONSUMER_WAITING,
  W_IN,
  W_OUT,
  W_PRODUCER_WAITERS,
  W_PRODUCER_WAITING,
} from "../_shm/layout.ts";
import {
  checkPosition,
  distance,
  positionLimit,
  positionsOf,
} from "../_shm/positions.ts";
import { ARMED, Gate } from "../_wait/wait.ts";

/** Bit 31 of a sequence number: the position was given up, no item. */
export const SKIP = -0x80000000;

/** What a slot's sequence number says to the process holding position p. */
export const READY = 0;
/** The ring is full (producer) or empty (consumer) at p: wait. */
export const BLOCKED = 1;
/** Another process claimed p meanwhile: load the position again. */
export const TAKEN = 2;

/** A side of the queue: its position word, futex word and waiter count. */
export interface Side {
  readonly position: number;
  readonly futex: number;
  readonly waiters: number;
  /** The sequence number that makes a slot ready: p + offset. */
  readonly offset: number;
  readonly name: "in" | "out";
}

export const PRODUCERS: Side = {
  position: W_IN,
  futex: W_PRODUCER_WAITING,
  waiters: W_PRODUCER_WAITERS,
  offset: 0,
  name: "in",
};

export const CONSUMERS: Side = {
  position: W_OUT,
  futex: W_CONSUMER_WAITING,
  waiters: W_CONSUMER_WAITERS,
  offset: 1,
  name: "out",
};

/** The engine over one ring: shared words, sequence numbers, step functions. */
export class SequenceCore {
  readonly header: RingHeader;
  readonly words: Int32Array;
  readonly seqs: Int32Array;
  readonly slots: number;
  readonly limit: number;
  /** Where this handle writes its claims: its record (or a private scratch). */
  readonly claims: Int32Array;
  /** The sequence number the last "wait" step read (SKIP: a given-up position). */
  seq = 0;
  /**
   * Where this handle's side will claim next, as far as it knows: the
   * position right after its own last claim (the value its compareExchange
   * left in `in` or `out`), or -1. A claim chain that starts here saves its
   * "load" step (see `claimOne`).
   */
  #hint = -1;

  /** `record`: the word index of the handle's record, -1 for none. */
  constructor(header: RingHeader, record = -1) {
    this.header = header;
    if (record >= 0) {
      this.claims = new Int32Array(
        header.buffer,
        header.recordsOffset + record * 4,
        RECORD_WORDS,
      );
    } else this.claims = new Int32Array(RECORD_WORDS);
    this.words = header.words;
    this.slots = header.slots;
    this.limit = positionLimit(header.slots);
    this.seqs = new Int32Array(
      header.buffer,
      header.sequenceOffset,
      header.slots,
    );
  }

  /** The position after `p`. */
  next(p: number): number {
    return p + 1 === this.limit ? 0 : p + 1;
  }

  /** Position `p` plus `n` (less than a lap). */
  plus(p: number, n: number): number {
    const q = p + n;
    return q >= this.limit ? q - this.limit : q;
  }

  /** Step "load": copies `in` (`out`), refusing an impossible value. */
  load(side: Side, what: string): number {
    const p = Atomics.load(this.words, side.position);
    checkPosition(p, this.limit, side.name, what);
    return p;
  }

  /**
   * Step "wait": reads the sequence number of p's slot. A producer wants
   * `p`, a consumer `p + 1` (with or without SKIP). A lap behind — the
   * slot's previous position still being written or read — is full
   * (empty). Anything else means another process claimed p meanwhile, or,
   * if `in` (`out`) still says p, that the slot holds garbage.
   */
  probe(side: Side, p: number, what: string): number {
    const seq = Atomics.load(this.seqs, p % this.slots);
    this.seq = seq;
    const producer = side === PRODUCERS;
    const d = distance(seq & ~SKIP, producer ? p : this.next(p), this.limit);
    const plain = seq >= 0;
    if (d === 0 && (plain || !producer)) return READY;
    const behind = producer
      ? (d === -this.slots && plain) || d === 1 - this.slots
      : (d === -1 && plain) || d === -this.slots;
    if (behind) return BLOCKED;
    if (Atomics.load(this.words, side.position) !== p) return TAKEN;
    throw new CorruptedRingError(
      `${what}: ring is corrupted: slot ${p % this.slots} has sequence number ${
        seq & ~SKIP
      }${plain ? "" : " (skip)"}, impossible at ${side.name} = ${p}`,
    );
  }

  /**
   * Step "claim": compareExchange of `in` (`out`) from p to p + n; on
   * success, records the claim in the handle's record with two plain stores
   * to its own line (published by the next atomic write; read only by a
   * supervisor after the handle died). Nothing runs between the
   * compareExchange and the stores that could end the thread.
   */
  claim(side: Side, p: number, n = 1): boolean {
    const to = this.plus(p, n);
    if (Atomics.compareExchange(this.words, side.position, p, to) !== p) {
      return false;
    }
    const claims = this.claims;
    claims[R_COUNT] = n;
    claims[R_POSITION] = p;
    this.#hint = to;
    return true;
  }

  /**
   * Step "publish": hands p's slot to the consumers (`skip`: no item).
   * Returns whether a close raced it (see {@linkcode SequenceCore.wake}).
   */
  publish(p: number, skip = false): boolean {
    const seq = this.next(p);
    Atomics.store(this.seqs, p % this.slots, skip ? seq | SKIP : seq);
    return this.wake(CONSUMERS);
  }

  /** Step "release": frees p's slot for the producer of the next lap. */
  release(p: number): void {
    Atomics.store(this.seqs, p % this.slots, this.plus(p, this.slots));
    this.wake(PRODUCERS);
  }

  /**
   * Publishes positions p … p + n - 1 in order (`skip`: gives them up, as
   * skips, claimed and written in part or not at all), then wakes consumers
   * once. Returns whether a close raced it (see {@linkcode SequenceCore.wake}).
   */
  publishMany(p: number, n: number, skip = false): boolean {
    const mark = skip ? SKIP : 0;
    for (let i = 0, q = p; i < n; i++, q = this.next(q)) {
      Atomics.store(this.seqs, q % this.slots, this.next(q) | mark);
    }
    return this.wake(CONSUMERS);
  }

  /** Releases positions p … p + n - 1 in order, then wakes producers once. */
  releaseMany(p: number, n: number): void {
    for (let i = 0, q = p; i < n; i++, q = this.next(q)) {
      Atomics.store(this.seqs, q % this.slots, this.plus(q, this.slots));
    }
    this.wake(PRODUCERS);
  }

  /** Whether p's slot holds a given-up position (consumers only). */
  skipped(p: number): boolean {
    return Atomics.load(this.seqs, p % this.slots) < 0;
  }

  /**
   * Claims the next position of `side` (load, wait, claim; retried while
   * others take positions first). After a claim, `seq` is the claimed
   * slot's sequence number (for a consumer: SKIP marks a given-up position).
   *
   * A chain may start at the hint instead of a "load": a value `in` (`out`)
   * held since this handle's last claim, so the chain is one that loaded it
   * then. When others claimed since, the slot's sequence number is ahead
   * (the "wait" says TAKEN) or the compareExchange fails, and the chain loads
   * the position. Only a fresh load may report the ring full (empty): a
   * blocked hint is looked at again after a load, so the answer depends on
   * the shared memory alone, even under a checker that rolls it back.
   *
   * @returns The position, or -1 when full (empty).
   */
  claimOne(side: Side, what: string): number {
    let p = this.#hint;
    this.#hint = -1;
    let hinted = p >= 0;
    if (!hinted) p = this.load(side, what);
    while (true) {
      const state = this.probe(side, p, what);
      if (state === BLOCKED) {
        if (!hinted) return -1;
      } else if (state === READY && this.claim(side, p)) return p;
      p = this.load(side, what);
      hinted = false;
    }
  }

  /**
   * Claims up to `n` consecutive positions with one compareExchange: as
   * many as are ready from `in` (`out`) on.
   *
   * @returns The first position and how many, or -1 and 0 when none.
   */
  claimMany(side: Side, n: number, what: string): [number, number] {
    let p = this.#hint;
    this.#hint = -1;
    let hinted = p >= 0;
    if (!hinted) p = this.load(side, what);
    while (true) {
      let k = 0;
      let taken = false;
      for (; k < n; k++) {
        const state = this.probe(side, this.plus(p, k), what);
        if (state === TAKEN) taken = true;
        if (state !== READY) break;
      }
      if (k === 0 && !taken && !hinted) return [-1, 0];
      if (k > 0 && this.claim(side, p, k)) return [p, k];
      p = this.load(side, what);
      hinted = false;
    }
  }

  /** Whether every position claimed by producers was claimed by consumers. */
  drained(what: string): boolean {
    return positionsOf(this.header, what).size === 0;
  }

  /**
   * Wakes every sleeper of `side`, if one is armed (see `Gate`): the one
   * waker that clears the armed bit (moving the epoch on) notifies, and the
   * next publishes pay one load until a sleeper arms again. Returns whether
   * the ring was closed: a close marks the futex word (even) before it sets
   * W_CLOSED, so a publish that does not see the mark will be seen by every
   * consumer that looks for the close (see `wakeIfWaiting`). `force`: notify
   * even when nobody is armed (a recovery: the dead handle may have cleared
   * the bit and died before its notify).
   */
  wake(side: Side, force = false): boolean {
    const words = this.words;
    const v = Atomics.load(words, side.futex);
    let closed = false;
    if ((v & 1) === 0) {
      // Closed: the epoch stays even, and every wake moves it on (consumers
      // sleep until the ring is drained).
      Atomics.add(words, side.futex, 2);
      closed = force = true;
    } else if ((v & ARMED) !== 0) {
      // Clears the bit and moves the epoch on; when another waker (or a
      // close) changed the word first, it notifies every sleeper armed
      // before, and the later ones re-checked after this publish.
      force ||= Atomics.compareExchange(words, side.futex, v, v + 2) === v;
    }
    if (force) Atomics.notify(words, side.futex);
    return closed;
  }

  isClosed(): boolean {
    return Atomics.load(this.words, W_CLOSED) !== 0;
  }

  /** Where a blocked call of `side` sleeps: its futex, counted as a waiter. */
  gate(side: Side): Gate {
    return new Gate(this.words, side.futex, {
      bit: ARMED,
      waiters: side.waiters,
    });
  }
}
