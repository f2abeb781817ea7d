// What a Producer and a Consumer share: the validated header, the one-live-
// handle lock for their side, and the read-only getters both expose.
import { AlreadyAttachedError, RingStateError } from "./errors.ts";
import {
  checkCount,
  checkSlot,
  readHeader,
  type RingHeader,
} from "./_header.ts";
import {
  W_CLOSED,
  W_CONSUMER_ATTACHED,
  W_IN,
  W_OUT,
  W_PRODUCER_ATTACHED,
} from "./_layout.ts";
import { positionsOf } from "./_mpmc_positions.ts";

export type Role = "producer" | "consumer";

/** Each handle's attachment, so subclasses of RingHandle can reach it. */
export const attachments: WeakMap<object, Attachment> = new WeakMap();

/** The attachment behind a handle created by RingHandle's constructor. */
export function attachmentOf(handle: object): Attachment {
  return attachments.get(handle)!;
}

export class Attachment {
  readonly header: RingHeader;
  readonly words: Int32Array;
  readonly role: Role;
  #lock: number;
  /** Whether this side accepts many handles: the lock word counts them. */
  #many: boolean;
  #attached = true;

  constructor(buffer: unknown, role: Role) {
    this.role = role;
    this.header = readHeader(buffer, `Cannot attach ${role}`);
    this.words = this.header.words;
    this.#lock = role === "producer"
      ? W_PRODUCER_ATTACHED
      : W_CONSUMER_ATTACHED;
    this.#many = this.header[`${role}s`] === "many";
    if (this.#many) Atomics.add(this.words, this.#lock, 1);
    else if (Atomics.compareExchange(this.words, this.#lock, 0, 1) !== 0) {
      throw new AlreadyAttachedError(
        `Cannot attach ${role}: the ring already has a live ${role} (call detach() or close() on it first)`,
      );
    }
  }

  get attached(): boolean {
    return this.#attached;
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
    if (this.#many) Atomics.sub(this.words, this.#lock, 1);
    else Atomics.store(this.words, this.#lock, 0);
  }

  isClosed(): boolean {
    return Atomics.load(this.words, W_CLOSED) !== 0;
  }

  /** Items in the ring now, from both indices, validated. */
  size(): number {
    const { words, slots, scheme } = this.header;
    const inValue = Atomics.load(words, W_IN);
    const outValue = Atomics.load(words, W_OUT);
    const what = "Cannot read size";
    if (scheme === "sequence") return positionsOf(this.header, what).size;
    if (scheme === "counter") return checkCount(inValue, outValue, slots, what);
    checkSlot(inValue, slots, "in", what);
    checkSlot(outValue, slots, "out", what);
    return inValue >= outValue
      ? inValue - outValue
      : slots - outValue + inValue;
  }
}
