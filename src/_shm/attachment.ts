// A handle's attachment. What every one shares, for a ring and an unbounded
// buffer alike (their header words for it agree): the lock word of the
// handle's side — or, where a side accepts many handles, its count of them —
// whether this handle still holds it, and the closed flag (`HandleLock`). A
// ring's adds its validated header, its codec and its size (`Attachment`).
import {
  AlreadyAttachedError,
  ClosedError,
  RingStateError,
} from "../errors.ts";
import {
  HANDLE_RECORDS,
  INDEX_MASK,
  R_COUNT,
  R_ID,
  R_POSITION,
  R_ROLE,
  RECORD_WORDS,
  W_CLOSED,
  W_CONSUMER_ATTACHED,
  W_IN,
  W_LAST_ID,
  W_OUT,
  W_PRODUCER_ATTACHED,
} from "./layout.ts";
import { type Codec, makeCodec } from "./codec.ts";
import { checkOwnSlot, readHeader, type RingHeader } from "./header.ts";
import { checkPeer, indexingOf, positionsOf, used } from "./positions.ts";

export type Role = "producer" | "consumer";

/** A record's R_ROLE word for each side. */
export const ROLE_CODES: Readonly<Record<Role, number>> = {
  producer: 1,
  consumer: 2,
};

/**
 * A new handle id: positive, never given out before on this buffer (until
 * 2^31 - 1 attaches have been made).
 */
export function nextId(words: Int32Array): number {
  return ((Atomics.add(words, W_LAST_ID, 1) + 1) & 0x7fffffff) || 1;
}

/**
 * The side whose one-handle lock handle `id` holds, if any: what a
 * supervisor asks before repairing a dead handle's words (a ring and an
 * unbounded buffer keep their locks in the same words).
 */
export function lockedSide(words: Int32Array, id: number): Role | undefined {
  if (Atomics.load(words, W_PRODUCER_ATTACHED) === id) return "producer";
  if (Atomics.load(words, W_CONSUMER_ATTACHED) === id) return "consumer";
  return undefined;
}

/** The sequence ring's handle records, one line each (see `layout.ts`). */
export function recordsOf(
  header: {
    readonly buffer: SharedArrayBuffer;
    readonly recordsOffset: number;
  },
): Int32Array {
  return new Int32Array(
    header.buffer,
    header.recordsOffset,
    HANDLE_RECORDS * RECORD_WORDS,
  );
}

/** The word index of the record holding handle `id`, or -1. */
export function findRecord(records: Int32Array, id: number): number {
  for (let r = 0; r < records.length; r += RECORD_WORDS) {
    if (Atomics.load(records, r + R_ID) === id) return r;
  }
  return -1;
}

/** Each handle's attachment, so the subclasses of a handle class can reach it. */
const attachments: WeakMap<object, HandleLock> = new WeakMap();

/** Records the attachment a handle class's constructor made for `handle`. */
export function recordAttachment(handle: object, attachment: HandleLock): void {
  attachments.set(handle, attachment);
}

/** The attachment recorded for `handle`, of the kind its handle class makes. */
export function attachmentOf<A extends HandleLock>(handle: object): A {
  return attachments.get(handle) as A;
}

export class HandleLock {
  readonly words: Int32Array;
  readonly role: Role;
  /** The buffer in messages: "ring" or "buffer". */
  readonly noun: string;
  /** This handle's id: in its side's lock word, or its record (see `layout.ts`). */
  readonly id: number;
  #lock: number;
  /** Sequence ring: the handle records, and this handle's (a word index). */
  #records: Int32Array | null = null;
  #record = -1;
  /** Whether this side accepts many handles: the lock word counts them. */
  #many = false;
  #attached = true;

  constructor(words: Int32Array, role: Role, noun: string) {
    this.words = words;
    this.role = role;
    this.noun = noun;
    this.#lock = role === "producer"
      ? W_PRODUCER_ATTACHED
      : W_CONSUMER_ATTACHED;
    this.id = nextId(words);
  }

  /** The word index of this handle's record in `records`, or -1 if none. */
  get record(): number {
    return this.#record;
  }

  /**
   * Takes a free handle record and writes this handle's id and side in it;
   * undoes the lock and throws when every record is taken.
   */
  protected takeRecord(records: Int32Array): void {
    for (let r = 0; r < records.length; r += RECORD_WORDS) {
      if (Atomics.compareExchange(records, r + R_ID, 0, this.id) !== 0) {
        continue;
      }
      records[r + R_ROLE] = ROLE_CODES[this.role];
      records[r + R_COUNT] = 0;
      Atomics.store(records, r + R_POSITION, -1);
      this.#records = records;
      this.#record = r;
      return;
    }
    this.#unlock();
    throw new RangeError(
      `Cannot attach ${this.role}: the ${this.noun} already has ${HANDLE_RECORDS} live handles, the most a sequence ring records`,
    );
  }

  /**
   * Takes the side's lock, or counts this handle where the side accepts
   * `many`; `noun` names the buffer when another handle holds the lock.
   */
  protected lock(noun: string, many: boolean): void {
    this.#many = many;
    if (many) Atomics.add(this.words, this.#lock, 1);
    else if (
      Atomics.compareExchange(this.words, this.#lock, 0, this.id) !== 0
    ) {
      const role = this.role;
      throw new AlreadyAttachedError(
        `Cannot attach ${role}: the ${noun} already has a live ${role} (call detach() or close() on it first)`,
      );
    }
  }

  get attached(): boolean {
    return this.#attached;
  }

  /**
   * Throws when the buffer is closed, then unless this handle is still
   * attached (closed first: after its own close() a producer reports the
   * buffer closed).
   */
  assertOpen(what: string): void {
    if (this.isClosed()) throw this.closedError(what);
    this.assertAttached(what);
  }

  /** The error of a call on a closed buffer; `what` names the call. */
  closedError(what: string): ClosedError {
    return new ClosedError(`${what}: ${this.noun} is closed`);
  }

  /** Throws unless this handle is still attached; `what` names the call. */
  assertAttached(what: string): void {
    if (!this.#attached) {
      throw new RingStateError(`${what}: this ${this.role} was detached`);
    }
  }

  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#unlock();
  }

  /**
   * Lets go of what this handle holds, unless a supervisor took it back
   * already (`recoverRing`): then the lock word holds another id, or the
   * record was freed, and both are left alone.
   */
  #unlock(): void {
    let held = true;
    const records = this.#records;
    if (records !== null) {
      held =
        Atomics.compareExchange(records, this.#record + R_ID, this.id, 0) ===
          this.id;
      this.#records = null;
      this.#record = -1;
    }
    if (this.#many) {
      if (held) Atomics.sub(this.words, this.#lock, 1);
    } else Atomics.compareExchange(this.words, this.#lock, this.id, 0);
  }

  isClosed(): boolean {
    return Atomics.load(this.words, W_CLOSED) !== 0;
  }
}

export class Attachment extends HandleLock {
  readonly header: RingHeader;

  constructor(buffer: unknown, role: Role) {
    const what = `Cannot attach ${role}`;
    const header = readHeader(buffer, what);
    super(header.words, role, "ring");
    this.header = header;
    this.lock("ring", header[`${role}s`] === "many");
    if (header.scheme === "sequence") this.takeRecord(recordsOf(header));
    try {
      checkOwnSlot(header, role, what);
    } catch (error) {
      this.detach();
      throw error;
    }
  }

  /**
   * Counter scheme, at detach: stores this side's physical slot in the side's
   * slot word `word` for the side's next handle, which checks it against the
   * counter and its base when it attaches (`checkOwnSlot`). The only store
   * of the word while the ring is in use: a live handle's slot follows from
   * its counter and base, so its publishes store nothing more beside the
   * counter. Skipped when this handle no longer holds its side's lock (a
   * supervisor took it back: the word may be a replacement's now).
   */
  leaveSlot(word: number, slot: number): void {
    const lock = this.role === "producer"
      ? W_PRODUCER_ATTACHED
      : W_CONSUMER_ATTACHED;
    if (this.attached && Atomics.load(this.words, lock) === this.id) {
      Atomics.store(this.words, word, slot);
    }
  }

  /** The codec of the ring's slots; `what` prefixes item errors. */
  codec<T>(what: string): Codec<T> {
    const { item, buffer, dataOffset, slots } = this.header;
    return makeCodec<T>(item, buffer, dataOffset, slots, what);
  }

  /** Items in the ring now, from both indices, validated. */
  size(): number {
    const { header } = this;
    const what = "Cannot read size";
    if (header.scheme === "sequence") return positionsOf(header, what).size;
    const ix = indexingOf(header);
    const inValue = Atomics.load(this.words, W_IN) & INDEX_MASK;
    const outValue = Atomics.load(this.words, W_OUT) & INDEX_MASK;
    checkPeer(ix, inValue, outValue, what);
    return used(inValue, outValue, ix.limit);
  }
}
