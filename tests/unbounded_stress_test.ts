// The unbounded buffer between two Workers: 200,000 sequence-numbered items
// per run must arrive in order, none lost, none twice, while the producer
// grows the buffer, hits maxBytes, and reuses the segments the consumer
// recycles; memory must stay bounded when the consumer keeps up.
import assert from "node:assert/strict";
import {
  closeUnbounded,
  createUnbounded,
  type CreateUnboundedOptions,
  inspectUnbounded,
} from "../mod.ts";
import { waitUntil, withinLimit } from "./_helpers.ts";
import {
  seedFromEnv,
  spawnWorker,
  type TestWorker,
} from "./_workers/harness.ts";
import type {
  UnboundedConsumerPath,
  UnboundedConsumerResult,
  UnboundedProducerJob,
  UnboundedProducerPath,
  UnboundedProducerResult,
} from "./_workers/unbounded_protocol.ts";

const WORKER = new URL("./_workers/unbounded_worker.ts", import.meta.url);
const ITEMS = 200_000;
const SEED = seedFromEnv();

interface Plan {
  readonly options: CreateUnboundedOptions<"int32">;
  readonly producer: UnboundedProducerPath;
  readonly consumer: UnboundedConsumerPath;
  readonly items?: number;
  readonly keepUp?: number;
  /** Start the consumer only once the producer has been refused at maxBytes. */
  readonly fillFirst?: boolean;
}

interface Outcome {
  readonly producer: UnboundedProducerResult;
  readonly consumer: UnboundedConsumerResult;
  /** The buffer's segments at the end. */
  readonly segments: number;
  readonly label: string;
}

/** Runs a producer Worker and a consumer Worker on a fresh buffer. */
async function stream(plan: Plan): Promise<Outcome> {
  const { items = ITEMS, keepUp = 0 } = plan;
  const label = `${plan.producer}→${plan.consumer} ${
    JSON.stringify(plan.options)
  } keepUp ${keepUp} seed ${SEED} (replay with RINGPROOF_SEED=${SEED})`;
  const buffer = createUnbounded(plan.options);
  const workers: TestWorker[] = [];
  try {
    const producer = await spawnWorker(WORKER, "unbounded producer");
    workers.push(producer);
    const consumer = await spawnWorker(WORKER, "unbounded consumer");
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
function assertDelivered(outcome: Outcome, items = ITEMS): void {
  const { producer, consumer, label } = outcome;
  assert.equal(producer.pushed, items, label);
  assert.equal(consumer.firstBad, null, label);
  assert.equal(consumer.received, items, label);
}

Deno.test("UnboundedProducer and UnboundedConsumer move 200,000 items between Workers at maxBytes, losing nothing", async () => {
  const segmentSlots = 64;
  const probe = inspectUnbounded(createUnbounded({ segmentSlots }));
  const maxBytes = probe.offsets.data + 3 * probe.segmentBytes;
  const outcome = await stream({
    options: { segmentSlots, maxBytes },
    producer: "push",
    consumer: "pop",
    fillFirst: true,
  });
  assertDelivered(outcome);
  // The limit was reached, and each refused push was retried intact.
  assert.ok(outcome.producer.refusals > 0, outcome.label);
  assert.equal(outcome.segments, 3, outcome.label);
});

Deno.test("UnboundedProducer and UnboundedConsumer stay at a few segments when the consumer keeps up", async () => {
  const outcome = await stream({
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
});

Deno.test("UnboundedProducer.reserve and an async UnboundedConsumer move 200,000 items while the buffer grows freely", async () => {
  const segmentSlots = 16;
  const outcome = await stream({
    options: { segmentSlots },
    producer: "reserve",
    consumer: "async",
  });
  assertDelivered(outcome);
  // Never more segments than the items need, recycled or not.
  assert.ok(outcome.segments <= Math.ceil(ITEMS / segmentSlots), outcome.label);
});

Deno.test("UnboundedConsumer.peek and release keep up with a pushMany producer across Workers", async () => {
  const outcome = await stream({
    options: { segmentSlots: 64, maxBytes: 4096 },
    producer: "batch",
    consumer: "peek",
  });
  assertDelivered(outcome);
  assert.ok(outcome.segments * 64 * 4 < 4096, outcome.label);
});
