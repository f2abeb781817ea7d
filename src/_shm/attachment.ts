// What a Producer and a Consumer share: the validated header, the lock of
// their side (see `_handle_lock.ts`), and the size both expose.
import { HandleLock, type Role } from "./lock.ts";
import {
  checkCount,
  checkSlot,
  readHeader,
  type RingHeader,
} from "./header.ts";
import { type Codec, makeCodec } from "./codec.ts";
import { W_IN, W_OUT } from "./layout.ts";
import { positionsOf } from "./positions.ts";

export class Attachment extends HandleLock {
  readonly header: RingHeader;

  constructor(buffer: unknown, role: Role) {
    const header = readHeader(buffer, `Cannot attach ${role}`);
    super(header.words, role, "ring");
    this.header = header;
    this.lock("ring", header[`${role}s`] === "many");
  }

  /** The codec of the ring's slots; `what` prefixes item errors. */
  codec<T>(what: string): Codec<T> {
    const { item, buffer, dataOffset, slots } = this.header;
    return makeCodec<T>(item, buffer, dataOffset, slots, what);
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
