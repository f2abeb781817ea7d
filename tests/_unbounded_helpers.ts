// Shared pieces of the unbounded buffer's tests: a buffer with both handles
// attached, images of it, and raw access to its links for scribbling
// (draining and "unchanged" checks are the ring's: see `_helpers.ts`).
import {
  createUnbounded,
  type CreateUnboundedOptions,
  inspectUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { type Image, imageOf } from "./_helpers.ts";

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

/** The bytes of a buffer with `segments` segments of `segmentSlots` int32s. */
export function bytesFor(segments: number, segmentSlots: number): number {
  const { offsets, segmentBytes } = inspectUnbounded(
    createUnbounded({ segmentSlots }),
  );
  return offsets.data + segments * segmentBytes;
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

/** Captures an unbounded buffer's whole state, for `assertUnchanged()`. */
export function unboundedImage(
  sab: SharedArrayBuffer,
): Image<ReturnType<typeof inspectUnbounded>> {
  return imageOf(sab, inspectUnbounded);
}
