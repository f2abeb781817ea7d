// Shared pieces of the unbounded buffer's tests: a buffer with both handles
// attached, draining, and raw access to its links for scribbling.
import assert from "node:assert/strict";
import {
  createUnbounded,
  type CreateUnboundedOptions,
  inspectUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";

/** A fresh int32 unbounded buffer with a producer and a consumer attached. */
export function openUnbounded(options: CreateUnboundedOptions<"int32"> = {}): {
  sab: SharedArrayBuffer;
  producer: UnboundedProducer<number>;
  consumer: UnboundedConsumer<number>;
} {
  const sab = createUnbounded(options);
  return {
    sab,
    producer: new UnboundedProducer(sab),
    consumer: new UnboundedConsumer(sab),
  };
}

/** Pops with tryPop until the buffer is empty; returns the items in order. */
export function drainUnbounded<T>(consumer: UnboundedConsumer<T>): T[] {
  const out: T[] = [];
  for (let item = consumer.tryPop(); item !== undefined;) {
    out.push(item);
    item = consumer.tryPop();
  }
  return out;
}

/** Byte offset of segment `index`'s link word. */
export function linkOffset(sab: SharedArrayBuffer, index: number): number {
  const { offsets, segmentBytes } = inspectUnbounded(sab);
  return offsets.data + index * segmentBytes;
}

/** The integers `from`, `from + 1`, … below `to`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** An unbounded buffer's whole state: its snapshot and every byte. */
export interface UnboundedImage {
  readonly snapshot: ReturnType<typeof inspectUnbounded>;
  readonly bytes: Uint8Array;
}

/** Captures an unbounded buffer's whole state. */
export function unboundedImage(sab: SharedArrayBuffer): UnboundedImage {
  return {
    snapshot: inspectUnbounded(sab),
    bytes: new Uint8Array(sab).slice(),
  };
}

/** Checks that `sab` is byte for byte what `image` captured. */
export function assertUnboundedUnchanged(
  sab: SharedArrayBuffer,
  image: UnboundedImage,
): void {
  const now = unboundedImage(sab);
  assert.deepEqual(now.snapshot, image.snapshot);
  assert.deepEqual(now.bytes, image.bytes);
}
