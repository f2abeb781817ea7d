// The benchmark cases (issue 5): each pits this ring against its peers.
import { RingBuffer } from "ringbuf.js";
import { createRing } from "../mod.ts";
import { copyChecksum, sequenceChecksum } from "./_checksum.ts";
import { floorBuffer } from "./_roles_floor.ts";
import {
  addBuffer,
  type AddLayoutName,
  layoutBuffer,
  type SketchLayoutName,
} from "./_roles_layout.ts";
import type { RoleName } from "./_roles.ts";

/** Who a contender is. */
export type Side =
  | "ring"
  | "ringbuf.js"
  | "postMessage"
  | "copy ceiling"
  | "sketch";

/** One side of a case: its roles (one Worker each) and item count. */
export interface Contender {
  readonly side: Side;
  /** What it calls, for the table. */
  readonly label: string;
  /** The role of each Worker, in order; `checked` roles report a checksum. */
  readonly roles: readonly {
    readonly role: RoleName;
    readonly checked: boolean;
  }[];
  /** Items (or round trips) per timed run, fixed for every round. */
  readonly count: number;
  /** Fresh shared buffers for one run. */
  buffers(): SharedArrayBuffer[];
  /** Whether the two Workers get the two ends of a MessageChannel. */
  readonly channel: boolean;
  /** The checksum a checked role must report after `count` items. */
  expected(count: number): string;
}

/** One case: this ring (first contender) and its peers, side by side. */
export interface BenchCase {
  readonly id: string;
  readonly title: string;
  /** What is counted: items moved, or round trips. */
  readonly unit: "items" | "round trips";
  readonly slots: number;
  readonly batch: number;
  readonly contenders: readonly Contender[];
  /**
   * Untimed runs of the whole count before each timed one, for cases whose
   * runs are too short for the JIT to settle in the default warm-up (a
   * fraction of one run's count).
   */
  readonly warmups?: number;
  /**
   * A full collection in every Worker before the clock starts, not the
   * default minor one (see `bench/_worker_loop.ts`): for cases that leave
   * large arrays in the old generation from run to run.
   */
  readonly majorGc?: boolean;
}

/** How big the runs are. */
export interface Sizes {
  /** Multiplies every count (1 for a full run). */
  readonly scale: number;
}

const STRUCT = { struct: { id: "uint32", value: "float64" } } as const;
const BATCH = 256;

function scaled(count: number, sizes: Sizes, multiple = 1): number {
  return Math.max(1, Math.round((count * sizes.scale) / multiple)) * multiple;
}

/** A producer (whose count is checked) and a consumer (also its checksum). */
function pair(
  producer: RoleName,
  consumer: RoleName,
): Contender["roles"] {
  return [
    { role: producer, checked: false },
    { role: consumer, checked: true },
  ];
}

/** Two ends of a ping-pong: both check the checksum of what they received. */
function both(initiator: RoleName, responder: RoleName): Contender["roles"] {
  return [
    { role: initiator, checked: true },
    { role: responder, checked: true },
  ];
}

function ringOf(
  slots: number,
  item: "int32" | typeof STRUCT = "int32",
  scheme: "textbook" | "counter" = "textbook",
) {
  return () => [createRing({ slots, item, scheme })];
}

function ringbufOf(slots: number, rings = 1) {
  // The same slot count as this ring: capacity slots - 1, like "textbook".
  return () =>
    Array.from(
      { length: rings },
      () => RingBuffer.getStorageForCapacity(slots - 1, Int32Array),
    );
}

function noBuffers(): SharedArrayBuffer[] {
  return [];
}

/** A case moving items one at a time. */
function oneAtATime(
  id: string,
  title: string,
  slots: number,
  contenders: readonly Contender[],
): BenchCase {
  return { id, title, unit: "items", slots, batch: 1, contenders };
}

/** A contender on shared memory, checked against the sequence checksum. */
function onShared(
  side: Side,
  label: string,
  roles: Contender["roles"],
  count: number,
  buffers: () => SharedArrayBuffer[],
): Contender {
  return {
    side,
    label,
    roles,
    count,
    buffers,
    channel: false,
    expected: sequenceChecksum,
  };
}

function posted(
  count: number,
  producer: RoleName = "post.producer",
  consumer: RoleName = "post.consumer",
): Contender {
  return {
    side: "postMessage",
    label: "one item per message",
    roles: pair(producer, consumer),
    count,
    buffers: noBuffers,
    channel: true,
    expected: sequenceChecksum,
  };
}

/** One int32 at a time, spinning; the ring in the textbook or counter scheme. */
function spinCase(
  slots: number,
  sizes: Sizes,
  scheme: "textbook" | "counter" = "textbook",
): BenchCase {
  const count = scaled(2_000_000, sizes);
  const counter = scheme === "counter";
  return oneAtATime(
    counter ? `spin-counter-${slots}` : `spin-${slots}`,
    `int32, one at a time, spin, ${slots} slots${
      counter ? ", counter scheme" : ""
    }`,
    slots,
    [
      onShared(
        "ring",
        "tryPush / tryPop",
        pair("ring.spin.producer", "ring.spin.consumer"),
        count,
        ringOf(slots, "int32", scheme),
      ),
      onShared(
        "ringbuf.js",
        "push / pop of a 1-element Int32Array",
        pair("ringbuf.spin.producer", "ringbuf.spin.consumer"),
        count,
        ringbufOf(slots),
      ),
    ],
  );
}

const WAITING = {
  blocking: {
    label: "push / pop (Atomics.wait)",
    roles: pair("ring.blocking.producer", "ring.blocking.consumer"),
    count: 2_000_000,
  },
  async: {
    label: "await pushAsync / popAsync",
    roles: pair("ring.async.producer", "ring.async.consumer"),
    count: 1_000_000,
  },
} as const;

/** One int32 at a time with a waiting API, against postMessage. */
function waitingCase(
  mode: keyof typeof WAITING,
  slots: number,
  sizes: Sizes,
): BenchCase {
  const { label, roles, count } = WAITING[mode];
  return oneAtATime(
    `${mode}-${slots}`,
    `int32, one at a time, ${mode}, ${slots} slots`,
    slots,
    [
      onShared("ring", label, roles, scaled(count, sizes), ringOf(slots)),
      posted(scaled(100_000, sizes)),
    ],
  );
}

function batchCase(sizes: Sizes): BenchCase {
  const slots = 4096;
  const count = scaled(32 * 2 ** 20, sizes, BATCH);
  return {
    id: `batch-${slots}`,
    title: `int32, batches of ${BATCH}, ${slots} slots`,
    unit: "items",
    slots,
    batch: BATCH,
    contenders: [
      onShared(
        "ring",
        "pushMany / popMany",
        pair("ring.batch.producer", "ring.batch.consumer"),
        count,
        ringOf(slots),
      ),
      onShared(
        "ringbuf.js",
        "push(array) / pop(array)",
        pair("ringbuf.batch.producer", "ringbuf.batch.consumer"),
        count,
        ringbufOf(slots),
      ),
      copyCeiling(slots, sizes),
    ],
  };
}

/** The physical ceiling of the batch cases: one thread copying the same bytes. */
function copyCeiling(slots: number, sizes: Sizes): Contender {
  return {
    side: "copy ceiling",
    label: "TypedArray.set, 1 thread",
    roles: [{ role: "copy.ceiling", checked: true }],
    count: scaled(512 * 2 ** 20, sizes, BATCH),
    buffers: noBuffers,
    channel: false,
    expected: (count) => copyChecksum(slots, BATCH, count),
  };
}

/**
 * Batches between whole arrays (the producer's data made before the run, the
 * consumer's array written once before it and checked after it): what the
 * ring itself moves, against one thread copying the same source into the
 * same sink; the order-sensitive checksum is outside the timed region. The
 * id names the ring's slots and the batch.
 */
function bulkCase(slots: number, batch: number, sizes: Sizes): BenchCase {
  // 16 Mi items: a 64 MiB source and a 64 MiB sink per run.
  const count = scaled(16 * 2 ** 20, sizes, batch);
  return {
    id: `batch-bulk-${slots}-slots-${batch}-batch`,
    title:
      `int32, batches of ${batch} from and into whole arrays, checked after the timed region, ${slots} slots`,
    unit: "items",
    slots,
    batch,
    // A run takes 20-80 ms; in Workers started for it, a contender with more
    // functions on its path (this ring) was still being compiled in the
    // timed run after one short warm-up: three whole runs settle both.
    warmups: 3,
    // 128 MiB of arrays per run, in the old generation.
    majorGc: true,
    contenders: [
      onShared(
        "ring",
        "pushMany / popMany (array, { start, end })",
        pair("ring.bulk.producer", "ring.bulk.consumer"),
        count,
        ringOf(slots),
      ),
      onShared(
        "ringbuf.js",
        "push / pop (array, length, offset)",
        pair("ringbuf.bulk.producer", "ringbuf.bulk.consumer"),
        count,
        ringbufOf(slots),
      ),
      {
        side: "copy ceiling",
        label: "TypedArray.set from source to sink, 1 thread",
        roles: [{ role: "copy.bulk", checked: true }],
        count,
        buffers: noBuffers,
        channel: false,
        expected: sequenceChecksum,
      },
    ],
  };
}

function structCase(sizes: Sizes): BenchCase {
  const slots = 4096;
  return oneAtATime(
    `struct-${slots}`,
    `struct { id: uint32, value: float64 }, blocking, ${slots} slots`,
    slots,
    [
      onShared(
        "ring",
        "push / pop of { id, value }",
        pair("ring.struct.producer", "ring.struct.consumer"),
        scaled(1_000_000, sizes),
        ringOf(slots, STRUCT),
      ),
      posted(
        scaled(100_000, sizes),
        "post.struct.producer",
        "post.struct.consumer",
      ),
    ],
  );
}

function pingCase(sizes: Sizes): BenchCase {
  const slots = 16;
  return {
    id: `ping-${slots}`,
    title: `round trip (ping-pong through two rings), ${slots} slots`,
    unit: "round trips",
    slots,
    batch: 1,
    contenders: [
      onShared(
        "ring",
        "tryPush / tryPop, spin",
        both("ring.ping.initiator", "ring.ping.responder"),
        scaled(200_000, sizes),
        () => [...ringOf(slots)(), ...ringOf(slots)()],
      ),
      onShared(
        "ringbuf.js",
        "push / pop, spin",
        both("ringbuf.ping.initiator", "ringbuf.ping.responder"),
        scaled(200_000, sizes),
        ringbufOf(slots, 2),
      ),
      {
        side: "postMessage",
        label: "ping-pong over a MessageChannel",
        roles: both("post.ping.initiator", "post.ping.responder"),
        count: scaled(2_000, sizes),
        buffers: noBuffers,
        channel: true,
        expected: sequenceChecksum,
      },
    ],
  };
}

/** Every case, with counts multiplied by `sizes.scale`. */
export function buildCases(sizes: Sizes): BenchCase[] {
  return [
    spinCase(4096, sizes),
    spinCase(1024, sizes),
    spinCase(16, sizes),
    spinCase(4096, sizes, "counter"),
    spinCase(1024, sizes, "counter"),
    spinCase(16, sizes, "counter"),
    batchCase(sizes),
    bulkCase(4096, 256, sizes),
    bulkCase(16384, 4096, sizes),
    waitingCase("blocking", 4096, sizes),
    waitingCase("blocking", 16, sizes),
    structCase(sizes),
    waitingCase("async", 4096, sizes),
    waitingCase("async", 16, sizes),
    pingCase(sizes),
  ];
}

/**
 * `bench/spin_floor.ts`: spin-`slots` with two sketches beside this ring and
 * ringbuf.js — this ring's per-item Atomics calls with nothing around them,
 * and the waiting flag kept inside the index word (one exchange per item a
 * side). Not part of `deno task bench`.
 */
export function floorCase(slots: number, sizes: Sizes): BenchCase {
  const count = scaled(2_000_000, sizes);
  const sketch = (kind: "store" | "exchange", label: string): Contender =>
    onShared(
      "sketch",
      label,
      pair(`floor.${kind}.producer`, `floor.${kind}.consumer`),
      count,
      () => [floorBuffer(slots)],
    );
  const [ring, ringbuf] = spinCase(slots, sizes).contenders;
  return oneAtATime(
    `floor-${slots}`,
    `int32, one at a time, spin, ${slots} slots: this ring, ringbuf.js and two sketches`,
    slots,
    [
      ring!,
      ringbuf!,
      sketch("store", "store + flag load a side (this ring's calls)"),
      sketch("exchange", "one exchange a side (flag in the index word)"),
    ],
  );
}

/**
 * `bench/spin_floor.ts --sketches=layouts`: spin-`slots` with this ring
 * (its packed slots), ringbuf.js and the store sketch's loop over
 * five placements of `in`, `out` and the slots (`bench/_roles_layout.ts`).
 * Not part of `deno task bench`.
 */
export function layoutCase(slots: number, sizes: Sizes): BenchCase {
  const count = scaled(2_000_000, sizes);
  const sketch = (name: SketchLayoutName, label: string): Contender =>
    onShared(
      "sketch",
      label,
      pair(`layout.${name}.producer`, `layout.${name}.consumer`),
      count,
      () => [layoutBuffer(name, slots)],
    );
  const ring: Contender = onShared(
    "ring",
    "tryPush / tryPop, packed slots",
    pair("ring.spin.producer", "ring.spin.consumer"),
    count,
    ringOf(slots, "int32", "textbook"),
  );
  const [, ringbuf] = spinCase(slots, sizes).contenders;
  return oneAtATime(
    `layout-${slots}`,
    `int32, one at a time, spin, ${slots} slots: this ring, ringbuf.js and slot layout sketches`,
    slots,
    [
      ring,
      ringbuf!,
      sketch("packed", "packed (this ring's layout)"),
      sketch("padded", "a cache line per slot"),
      sketch("shared", "in, out and slots on one line (ringbuf.js's)"),
      sketch("indices", "in and out on one line, slots packed"),
      sketch("indices-padded", "in and out on one line, a line per slot"),
    ],
  );
}

/** The add sketches' layouts and their labels, packed first. */
const ADD_LABELS: readonly [AddLayoutName, string][] = [
  ["packed", "add, packed (this ring's layout)"],
  ["shared", "add, in, out and first slots on one line (ringbuf.js's)"],
  ["in-slots", "add, in on the first slots' line, out alone"],
  ["padded", "add, a cache line per slot"],
];

/**
 * `bench/spin_floor.ts --sketches=add-layouts`: spin-`slots` with this ring,
 * ringbuf.js and this ring's protocol (one `Atomics.add` a side, the flag in
 * the index word) over four placements of `in`, `out` and the slots
 * (`bench/_roles_layout.ts`). Not part of `deno task bench`.
 */
export function addLayoutCase(slots: number, sizes: Sizes): BenchCase {
  const count = scaled(2_000_000, sizes);
  const [ring, ringbuf] = spinCase(slots, sizes).contenders;
  return oneAtATime(
    `add-layout-${slots}`,
    `int32, one at a time, spin, ${slots} slots: this ring, ringbuf.js and add-protocol layout sketches`,
    slots,
    [
      ring!,
      ringbuf!,
      ...ADD_LABELS.map(([name, label]) =>
        onShared(
          "sketch",
          label,
          pair(`add.${name}.producer`, `add.${name}.consumer`),
          count,
          () => [addBuffer(name, slots)],
        )
      ),
    ],
  );
}

/**
 * `bench/spin_floor.ts --sketches=add-ping`: the round trip (ping-16) of
 * this ring and ringbuf.js beside the add sketches' round trip over each
 * layout, two rings each. Not part of `deno task bench`.
 */
export function addPingCase(sizes: Sizes): BenchCase {
  const ping = pingCase(sizes);
  const [ring, ringbuf] = ping.contenders;
  return {
    ...ping,
    id: `add-ping-${ping.slots}`,
    title:
      `${ping.title}: this ring, ringbuf.js and add-protocol layout sketches`,
    contenders: [
      ring!,
      ringbuf!,
      ...ADD_LABELS.map(([name, label]) =>
        onShared(
          "sketch",
          label,
          both(`add.${name}.initiator`, `add.${name}.responder`),
          ring!.count,
          () => [addBuffer(name, ping.slots), addBuffer(name, ping.slots)],
        )
      ),
    ],
  };
}
