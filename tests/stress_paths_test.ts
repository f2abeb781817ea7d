// Worker stress tests, one Worker a side, over every engine that has it: a
// producer Worker and a consumer Worker move sequence-numbered items through
// one ring; the consumer checks it sees exactly 0, 1, 2, … (FIFO, nothing
// lost, nothing duplicated) and that the ring never holds more than its
// capacity. The unbounded buffer's runs (200,000 items each) must arrive in
// order, none lost, none twice, while the producer grows the buffer, hits
// maxBytes and reuses the segments the consumer recycles; memory must stay
// bounded when the consumer keeps up. Every run has a watchdog, so a
// lost wake-up fails the test instead of hanging it.
//
// Replay a run with RINGPROOF_SEED=<seed> (printed in every failure).
import assert from "node:assert/strict";
import {
  closeUnbounded,
  createRing,
  createUnbounded,
  type CreateUnboundedOptions,
  inspectRing,
  inspectUnbounded,
  type Scheme,
} from "../mod.ts";
import {
  expectedCapacity,
  runStream,
  seedFromEnv,
  spawnWorker,
  type StreamOutcome,
  type TestWorker,
} from "./_workers/harness.ts";
import { type Path, STRUCT_ITEM } from "./_workers/protocol.ts";
import type {
  UnboundedConsumerPath,
  UnboundedConsumerResult,
  UnboundedProducerJob,
  UnboundedProducerPath,
  UnboundedProducerResult,
} from "./_workers/unbounded_protocol.ts";
import { waitUntil, withinLimit } from "./_helpers.ts";

const SEED = seedFromEnv();
const ITEMS = 1_000_000;
/**
 * Items per run through 2- and 3-slot rings, by path: 1,000,000 each, as the
 * issue asks. There nearly every item is a full or empty transition, so a
 * run's time depends on how the two Workers get scheduled: on a quiet 2-core
 * machine the whole file takes about 35 s (the slowest run, spinning through
 * 2 slots, 8 s); at a load of 7 the spinning and zero-copy runs took minutes.
 * On a busy machine, RINGPROOF_SMALL_RING_ITEMS=100000 shortens every path.
 */
const SMALL_RING_ITEMS: Readonly<Record<Path, number>> = (() => {
  const n = Number(Deno.env.get("RINGPROOF_SMALL_RING_ITEMS") ?? ITEMS);
  return { blocking: n, spinning: n, async: n, batch: n, zerocopy: n };
})();
const SCHEMES: readonly Scheme[] = ["textbook", "counter"];
const SIZES = [2, 3, 1024] as const;

interface Stream {
  readonly path: Path;
  readonly slots: number;
  readonly scheme: Scheme;
  readonly items: number;
  /** Initial `in` and `out` (the counter scheme's wrap test). */
  readonly start?: number;
}

/** Streams `items` numbers through a fresh ring and checks the outcome. */
async function stream(spec: Stream): Promise<StreamOutcome> {
  const { path, slots, scheme, items, start = 0 } = spec;
  const ring = createRing({
    slots,
    scheme,
    start,
    item: path === "zerocopy" ? STRUCT_ITEM : "int32",
  });
  const label =
    `${path} path, ${slots}-slot ${scheme} ring, start ${start}, ${items} items, seed ${SEED}`;
  const outcome = await runStream(label, ring, {
    producer: { path, items, seed: SEED, end: "close" },
    consumer: { path, items, seed: SEED },
  });
  assert.equal(outcome.producer.pushed, items, label);
  assert.equal(outcome.consumer.received, items, label);
  assert.equal(outcome.consumer.ending, "ClosedError", label);
  assert.equal(
    outcome.consumer.capacity,
    expectedCapacity(scheme, slots),
    label,
  );
  assert.ok(
    outcome.consumer.maxSize <= outcome.consumer.capacity,
    `${label}: observed size ${outcome.consumer.maxSize} > capacity ${outcome.consumer.capacity}`,
  );
  const after = inspectRing(ring);
  assert.equal(after.size, 0, `${label}: ring not drained`);
  // `in` advanced once per item: mod BUFFER_SIZE, or mod 2^30 for counters.
  const modulus = scheme === "counter" ? 2 ** 30 : slots;
  assert.equal(after.in, (start + items) % modulus, label);
  return outcome;
}

function itemsFor(path: Path, slots: number): number {
  return slots <= 3 ? SMALL_RING_ITEMS[path] : ITEMS;
}

function count(items: number): string {
  return items.toLocaleString("en");
}

/** The step: streams `itemsFor(path, slots)` items and checks the outcome. */
function streamStep(
  t: Deno.TestContext,
  spec: Omit<Stream, "items">,
): Promise<boolean> {
  const items = itemsFor(spec.path, spec.slots);
  return t.step(
    `${count(items)} items through a ${spec.slots}-slot ${spec.scheme} ring`,
    async () => {
      await stream({ ...spec, items });
    },
  );
}

function describePath(path: Path): string {
  switch (path) {
    case "blocking":
      return "Producer.push() and Consumer.pop()";
    case "spinning":
      return "Producer.tryPush() and Consumer.tryPop()";
    case "async":
      return "Producer.pushAsync() and Consumer.popAsync()";
    case "batch":
      return "Producer.pushMany() and Consumer.popMany()";
    case "zerocopy":
      return "Producer.reserve()/commit() and Consumer.peek()/release()";
  }
}

// The unbounded buffer's runs: a producer Worker and a consumer Worker, its
// own paths (unbounded_worker.ts), the buffer growing, hitting maxBytes and
// recycling segments.

const UNBOUNDED_WORKER = new URL(
  "./_workers/unbounded_worker.ts",
  import.meta.url,
);
const UNBOUNDED_ITEMS = 200_000;

interface UnboundedPlan {
  readonly options: CreateUnboundedOptions<"int32">;
  readonly producer: UnboundedProducerPath;
  readonly consumer: UnboundedConsumerPath;
  readonly items?: number;
  readonly keepUp?: number;
  /** Start the consumer only once the producer has been refused at maxBytes. */
  readonly fillFirst?: boolean;
}

interface UnboundedOutcome {
  readonly producer: UnboundedProducerResult;
  readonly consumer: UnboundedConsumerResult;
  /** The buffer's segments at the end. */
  readonly segments: number;
  readonly label: string;
}

/** Runs a producer Worker and a consumer Worker on a fresh unbounded buffer. */
async function streamUnbounded(plan: UnboundedPlan): Promise<UnboundedOutcome> {
  const { items = UNBOUNDED_ITEMS, keepUp = 0 } = plan;
  const label = `${plan.producer}→${plan.consumer} ${
    JSON.stringify(plan.options)
  } keepUp ${keepUp} seed ${SEED} (replay with RINGPROOF_SEED=${SEED})`;
  const buffer = createUnbounded(plan.options);
  const workers: TestWorker[] = [];
  try {
    const producer = await spawnWorker(UNBOUNDED_WORKER, "unbounded producer");
    workers.push(producer);
    const consumer = await spawnWorker(UNBOUNDED_WORKER, "unbounded consumer");
    workers.push(consumer);
    const job: UnboundedProducerJob = {
      role: "producer",
      buffer,
      path: plan.producer,
      items,
      seed: SEED,
      keepUp,
    };
    producer.post(job);
    if (plan.fillFirst) {
      // Full: the producer is refused (and retries) until the consumer runs.
      const { maxBytes, segmentBytes } = inspectUnbounded(buffer);
      await waitUntil(
        () =>
          buffer.byteLength + segmentBytes > maxBytes &&
          inspectUnbounded(buffer).inSlot === plan.options.segmentSlots,
        `${label}: the producer filling the buffer`,
      );
    }
    consumer.post({
      role: "consumer",
      buffer,
      path: plan.consumer,
      seed: SEED,
    });
    const [produced, consumed] = await withinLimit(
      Promise.all([
        producer.result as Promise<UnboundedProducerResult>,
        consumer.result as Promise<UnboundedConsumerResult>,
      ]),
      label,
      30_000,
    );
    return {
      producer: produced,
      consumer: consumed,
      segments: inspectUnbounded(buffer).segments,
      label,
    };
  } finally {
    // Wakes a consumer asleep in a blocking pop, so terminate() can stop it.
    closeUnbounded(buffer);
    for (const worker of workers) worker.terminate();
  }
}

/** Every item arrived, in order, once. */
function assertDelivered(
  outcome: UnboundedOutcome,
  items = UNBOUNDED_ITEMS,
): void {
  const { producer, consumer, label } = outcome;
  assert.equal(producer.pushed, items, label);
  assert.equal(consumer.firstBad, null, label);
  assert.equal(consumer.received, items, label);
}

/** The unbounded buffer's step of each path's test. */
const UNBOUNDED_STEPS: Readonly<
  Partial<Record<Path, [string, () => Promise<void>]>>
> = {
  blocking: [
    "unbounded: UnboundedProducer.push() refused at maxBytes, UnboundedConsumer.pop(), 200,000 items",
    async () => {
      const segmentSlots = 64;
      const probe = inspectUnbounded(createUnbounded({ segmentSlots }));
      const maxBytes = probe.offsets.data + 3 * probe.segmentBytes;
      const outcome = await streamUnbounded({
        options: { segmentSlots, maxBytes },
        producer: "push",
        consumer: "pop",
        fillFirst: true,
      });
      assertDelivered(outcome);
      // The limit was reached, and each refused push was retried intact.
      assert.ok(outcome.producer.refusals > 0, outcome.label);
      assert.equal(outcome.segments, 3, outcome.label);
    },
  ],
  async: [
    "unbounded: UnboundedProducer.reserve() and UnboundedConsumer.popAsync(), 200,000 items, the buffer growing freely",
    async () => {
      const segmentSlots = 16;
      const outcome = await streamUnbounded({
        options: { segmentSlots },
        producer: "reserve",
        consumer: "async",
      });
      assertDelivered(outcome);
      // Never more segments than the items need, recycled or not.
      assert.ok(
        outcome.segments <= Math.ceil(UNBOUNDED_ITEMS / segmentSlots),
        outcome.label,
      );
    },
  ],
  batch: [
    "unbounded: pushMany() and popMany() stay at a few segments when the consumer keeps up",
    async () => {
      const outcome = await streamUnbounded({
        options: { segmentSlots: 1024 },
        producer: "batch",
        consumer: "batch",
        keepUp: 512,
      });
      assertDelivered(outcome);
      const most = Math.max(
        outcome.producer.maxSegments,
        outcome.consumer.maxSegments,
        outcome.segments,
      );
      // 200,000 items through at most three segments of 1024.
      assert.ok(most <= 3, `${outcome.label}: ${most} segments`);
      assert.equal(outcome.producer.refusals, 0, outcome.label);
    },
  ],
  zerocopy: [
    "unbounded: UnboundedConsumer.peek() and release() keep up with a pushMany() producer",
    async () => {
      const outcome = await streamUnbounded({
        options: { segmentSlots: 64, maxBytes: 4096 },
        producer: "batch",
        consumer: "peek",
      });
      assertDelivered(outcome);
      assert.ok(outcome.segments * 64 * 4 < 4096, outcome.label);
    },
  ],
};

/** Runs the unbounded buffer's step for `path`, if it has one. */
async function unboundedStep(t: Deno.TestContext, path: Path): Promise<void> {
  const step = UNBOUNDED_STEPS[path];
  if (step !== undefined) await t.step(step[0], step[1]);
}

for (const path of ["blocking", "spinning", "async"] as const) {
  Deno.test(
    `${describePath(path)} deliver every item once, in order, between Workers`,
    async (t) => {
      for (const scheme of SCHEMES) {
        for (const slots of SIZES) await streamStep(t, { path, slots, scheme });
      }
      await unboundedStep(t, path);
    },
  );
}

Deno.test(
  "Producer.push() and Consumer.pop() deliver every item in order while the counter scheme's counters wrap past 2^30",
  async (t) => {
    const start = 2 ** 30 - 1000;
    for (const slots of [3, 1024]) {
      assert.ok(
        start + itemsFor("blocking", slots) > 2 ** 30,
        "the run must cross 2^30",
      );
      await streamStep(t, {
        path: "blocking",
        slots,
        scheme: "counter",
        start,
      });
    }
  },
);

Deno.test(
  `${
    describePath("batch")
  } deliver every item in order in random-length batches`,
  async (t) => {
    for (const scheme of SCHEMES) {
      for (const slots of [3, 1024]) {
        await streamStep(t, { path: "batch", slots, scheme });
      }
    }
    await unboundedStep(t, "batch");
  },
);

Deno.test(
  `${describePath("zerocopy")} deliver every struct item in order, none torn`,
  async (t) => {
    for (const scheme of SCHEMES) {
      for (const slots of [3, 1024]) {
        await streamStep(t, { path: "zerocopy", slots, scheme });
      }
    }
    await unboundedStep(t, "zerocopy");
  },
);
