// Copyright 2025 the ringproof authors. MIT license.
// The production unbounded buffer as a RingUnderTest, for checkRing() with
// scheme "unbounded", and the part of the abstraction function that maps its
// segments to the model's cells.
//
// The model's unbounded buffer is one cell per item, numbered by logical
// position: the value `in` had when the item was written. In the production
// buffer, position p lives in the segments linked from the consumer's head
// segment: the head segment's slot 0 is position `base = out - outSlot`, and
// the j-th segment of the chain holds positions base + j * segmentSlots … on.
// Positions before `base` belong to segments the consumer has left and
// recycled; their cells keep what they held while they were in the chain
// (the model's cells keep consumed items too), recorded after every call.
// A slot reused too early therefore shows as a changed cell while it is
// still in the chain.

import {
  createUnbounded,
  inspectUnbounded,
  type SlotView,
  UnboundedConsumer,
  UnboundedProducer,
} from "../../mod.ts";
import type {
  RingConfig,
  RingObservation,
  RingUnderTest,
} from "./ring_types.ts";

/** Far more than the segments a check with at most 31 items needs. */
const MAX_BYTES = 1 << 16;

/** Every slot in the chain, by byte offset, with its logical position. */
interface Chain {
  /** Byte offset of a slot → its logical position. */
  readonly positions: Map<number, number>;
  /** The logical position of the tail segment's slot `inSlot`, or -1. */
  readonly inPosition: number;
  /** The logical position of the head segment's slot `outSlot`. */
  readonly outPosition: number;
  readonly in: number;
  readonly out: number;
}

/** The unbounded buffer, int32 items, segments of `config.slots` items. */
export function productionUnbounded(config: RingConfig): RingUnderTest {
  const sab = createUnbounded({
    item: "int32",
    segmentSlots: config.slots,
    maxBytes: MAX_BYTES,
    start: config.start,
  });
  return unboundedUnderTest(sab, config);
}

/**
 * `sab`, a fresh int32 unbounded buffer made by `createUnbounded()`, as a
 * ring under test: a producer and a consumer attached, slots numbered by
 * logical position.
 */
export function unboundedUnderTest(
  sab: SharedArrayBuffer,
  config: RingConfig,
): RingUnderTest {
  const items = config.items;
  if (items === undefined) {
    throw new TypeError(
      "Cannot make unbounded buffer under test: config.items is missing",
    );
  }
  const producer = new UnboundedProducer<number>(sab);
  const consumer = new UnboundedConsumer<number>(sab);
  const cells = new Array<number>(items).fill(0);
  let reserved: SlotView<number> | null = null;
  let peeked: SlotView<number> | null = null;

  const chain = (): Chain => {
    const s = inspectUnbounded(sab);
    const base = (s.out - s.outSlot) >>> 0;
    const positions = new Map<number, number>();
    let inPosition = -1;
    s.chain.forEach((segment, j) => {
      const first = (base + j * s.segmentSlots) >>> 0;
      const slot0 = s.offsets.data + segment * s.segmentBytes + s.offsets.slots;
      for (let k = 0; k < s.segmentSlots; k++) {
        positions.set(slot0 + k * s.stride, (first + k) >>> 0);
      }
      if (segment === s.tail) inPosition = (first + s.inSlot) >>> 0;
    });
    return {
      positions,
      inPosition,
      outPosition: (base + s.outSlot) >>> 0,
      in: s.in,
      out: s.out,
    };
  };
  // The cells of the positions in the chain, as they are now.
  const record = () => {
    const words = new Int32Array(sab, 0, sab.byteLength / 4);
    for (const [offset, position] of chain().positions) {
      const p = (position - config.start) >>> 0;
      if (p < items) cells[p] = words[offset / 4]!;
    }
  };
  const positionOf = (view: SlotView<number>) =>
    chain().positions.get((view as Int32Array).byteOffset) ?? -1;
  // Every call is followed by a record, so replaying calls without
  // snapshots between them records the same cells.
  const recorded = <R>(result: R): R => {
    record();
    return result;
  };
  return {
    reserve() {
      reserved = producer.reserve();
      return recorded(positionOf(reserved));
    },
    write(item) {
      reserved![0] = item;
      record();
    },
    commit() {
      producer.commit();
      reserved = null;
      record();
    },
    peek() {
      peeked = consumer.peek();
      return recorded(peeked === null ? null : positionOf(peeked));
    },
    read() {
      return peeked![0]!;
    },
    release() {
      consumer.release();
      peeked = null;
      record();
    },
    tryPush: (item) => recorded(producer.tryPush(item)),
    tryPop: () => recorded(consumer.tryPop()),
    snapshot(): RingObservation {
      const c = chain();
      return {
        in: c.in,
        out: c.out,
        inSlot: c.inPosition,
        outSlot: c.outPosition,
        cells: [...cells],
      };
    },
  };
}
