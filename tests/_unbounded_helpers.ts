// Shared pieces of the unbounded buffer's tests: a buffer with both handles
// attached, images of it, and raw access to its links for scribbling
// (draining and "unchanged" checks are the ring's: see `_helpers.ts`).
import {
  CorruptedRingError,
  createUnbounded,
  type CreateUnboundedOptions,
  inspectUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import assert from "node:assert/strict";
import { assertThrowsWith, type Image, imageOf } from "./_helpers.ts";

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

/** What an unbounded buffer's CorruptedRingError messages say. */
export const CORRUPTED = "unbounded buffer is corrupted";

/** A buffer of int32 items, segments of `segmentSlots`, with `items` pushed and no handle attached. */
export function filled(segmentSlots: number, items: number): SharedArrayBuffer {
  const sab = createUnbounded({ segmentSlots });
  const producer = new UnboundedProducer<number>(sab);
  producer.pushMany(range(0, items));
  producer.detach();
  return sab;
}

/** Expects both roles to refuse attaching to `sab`, with CorruptedRingError. */
export function assertUnboundedRefused(
  sab: SharedArrayBuffer,
  fragments: readonly string[],
): void {
  for (const Handle of [UnboundedProducer, UnboundedConsumer]) {
    assertThrowsWith(() => new Handle(sab), CorruptedRingError, [
      CORRUPTED,
      ...fragments,
    ]);
  }
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

/**
 * Every segment in the chain from head or on the free list, by how often
 * (a walk that comes back to a segment counts it twice and stops).
 */
export function segmentAccounting(sab: SharedArrayBuffer): {
  missing: number[];
  twice: number[];
  chainEndsAtTail: boolean;
} {
  const s = inspectUnbounded(sab);
  const words = new Int32Array(sab);
  const seen = new Map<number, number>();
  const walk = (link: number): number[] => {
    const path: number[] = [];
    for (; link !== 0; link = words[linkOffset(sab, link - 1) / 4]!) {
      const index = link - 1;
      if (index < 0 || index >= s.segments) break;
      seen.set(index, (seen.get(index) ?? 0) + 1);
      if (path.includes(index)) break;
      path.push(index);
    }
    return path;
  };
  const chain = walk(s.head + 1);
  walk(words[s.offsets.free / 4]!);
  const all = Array.from({ length: s.segments }, (_, i) => i);
  return {
    missing: all.filter((i) => !seen.has(i)),
    twice: all.filter((i) => (seen.get(i) ?? 0) > 1),
    chainEndsAtTail: chain.at(-1) === s.tail,
  };
}

/** Asserts every segment is accounted for exactly once, the tail ending the chain. */
export function assertSegmentsAccounted(
  sab: SharedArrayBuffer,
  label: string,
): void {
  const a = segmentAccounting(sab);
  assert.deepEqual(a.missing, [], `${label}: segments missing`);
  assert.deepEqual(a.twice, [], `${label}: segments twice`);
  assert.ok(a.chainEndsAtTail, `${label}: the chain does not end at the tail`);
}
