// Real Workers that die. A producer Worker throws out of its job at a
// random point (seeded) — between pushes, holding a written reservation, or
// inside a batch copy after the claim — and the main thread, its supervisor,
// gets the Worker's failure (the one Worker protocol, `_workers/protocol.ts`),
// terminates it, recovers the ring with the dead handle's id and starts a
// replacement that continues the same stream. The consumer
// (popAsync on the main thread) must receive every item exactly once and in
// order, except the items the dead producers had not published. Likewise a
// consumer Worker throws between pops or holding a peeked item, and its
// replacements finish the stream.
//
// Deaths here are throws: `worker.terminate()` does not stop a Worker
// blocked in Atomics.wait or spinning, so a supervisor that must stop a
// Worker closes the ring (or notifies it) first, or lets the Worker throw.
import assert from "node:assert/strict";
import {
  ClosedError,
  closeRing,
  closeUnbounded,
  Consumer,
  createRing,
  createUnbounded,
  Producer,
  recoverRing,
  recoverUnbounded,
  type Recovery,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import type { CrashConsumerJob } from "./_workers/crash_consumer.ts";
import type { CrashJob, Death } from "./_workers/crash_producer.ts";
import { spawnWorker } from "./_workers/harness.ts";
import { propertySeed } from "./_helpers.ts";
import { assertSegmentsAccounted } from "./_unbounded_helpers.ts";

/** A small seeded PRNG (mulberry32): [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Config {
  readonly name: string;
  readonly kind: "ring" | "unbounded";
  readonly deaths: readonly Death[];
  make(size: number): SharedArrayBuffer;
}

const CONFIGS: readonly Config[] = [
  {
    name: "textbook",
    kind: "ring",
    deaths: ["between", "reserve", "batch"],
    make: (slots) => createRing({ slots, item: "int32" }),
  },
  {
    name: "counter",
    kind: "ring",
    deaths: ["between", "reserve", "batch"],
    make: (slots) => createRing({ slots, item: "int32", scheme: "counter" }),
  },
  {
    name: "sequence, one producer",
    kind: "ring",
    deaths: ["between", "reserve", "batch"],
    make: (slots) => createRing({ slots, item: "int32", scheme: "sequence" }),
  },
  {
    name: "sequence, many producers and consumers",
    kind: "ring",
    deaths: ["between", "reserve", "batch"],
    make: (slots) =>
      createRing({
        slots,
        item: "int32",
        producers: "many",
        consumers: "many",
      }),
  },
  {
    name: "unbounded",
    kind: "unbounded",
    // A batch that crossed segments and died is rolled back by recovery.
    deaths: ["between", "reserve", "batch"],
    make: (segmentSlots) =>
      createUnbounded({ item: "int32", segmentSlots, maxBytes: 1 << 20 }),
  },
];

const SIZES = [2, 3, 5, 16];
/**
 * RINGPROOF_CRASH_SCALE (default 1) multiplies the streams' lengths, and so
 * the deaths: 10 gives about two thousand.
 */
function crashScale(): number {
  try {
    const raw = Number(Deno.env.get("RINGPROOF_CRASH_SCALE") ?? 1);
    return Number.isInteger(raw) && raw >= 1 ? raw : 1;
  } catch {
    return 1; // no --allow-env
  }
}

/** Items per stream, and the most a producer pushes before it dies. */
const TOTAL = 130 * crashScale();
const MAX_RUN = 30;

const CRASH_PRODUCER = new URL(
  "./_workers/crash_producer.ts",
  import.meta.url,
);
const CRASH_CONSUMER = new URL(
  "./_workers/crash_consumer.ts",
  import.meta.url,
);

/** Runs one producer Worker to its death (or the end of the stream). */
async function runProducer(
  job: CrashJob,
): Promise<{ id: number; died: boolean }> {
  let id: number | undefined;
  const worker = await spawnWorker(CRASH_PRODUCER, "crash producer", {
    onEvent: (event) => id = (event as { id: number }).id,
  });
  try {
    worker.post(job);
    // The Worker dies with a failure; the test goes on.
    const died = await worker.result.then(() => false, () => true);
    if (id === undefined) throw new Error("The crash producer never attached");
    return { id, died };
  } finally {
    worker.terminate();
  }
}

/** One stream through `config` of `size`, with producers dying at random. */
async function stream(
  config: Config,
  size: number,
  rand: () => number,
): Promise<number> {
  const sab = config.make(size);
  const consumer = config.kind === "ring"
    ? new Consumer<number>(sab)
    : new UnboundedConsumer<number>(sab);
  const recover: (b: SharedArrayBuffer, o: { handle: number }) => Recovery =
    config.kind === "ring" ? recoverRing : recoverUnbounded;
  const lost = new Set<number>();
  const received: number[] = [];
  // Pops until the ring is closed (after the last producer) and drained.
  const drain = (async () => {
    while (true) {
      try {
        received.push(await consumer.popAsync({ timeout: 60_000 }));
      } catch (error) {
        if (error instanceof ClosedError) return;
        throw error;
      }
    }
  })();
  let deaths = 0;
  for (let next = 0; next < TOTAL;) {
    const dieAt = next + Math.floor(rand() * MAX_RUN);
    const death = config.deaths[Math.floor(rand() * config.deaths.length)]!;
    const batch = Math.min(1 + Math.floor(rand() * 4), TOTAL - dieAt);
    const { id, died } = await runProducer({
      sab,
      kind: config.kind,
      from: next,
      to: TOTAL,
      dieAt,
      death,
      batch,
    });
    if (!died) break;
    deaths++;
    const recovery = recover(sab, { handle: id });
    const label = `${config.name}, size ${size}, ${death} at ${dieAt}`;
    assert.equal(recovery.released, true, label);
    assert.equal(recovery.role, "producer", label);
    assert.equal(recovery.freed, 0, label);
    const sequence = config.name.startsWith("sequence");
    if (death === "between") {
      assert.equal(recovery.skipped, 0, label);
      next = dieAt;
    } else if (death === "reserve") {
      // The reservation was claimed: a sequence ring has a hole to skip.
      assert.equal(recovery.skipped, sequence ? 1 : 0, label);
      lost.add(dieAt);
      next = dieAt + 1;
    } else {
      // The batch's claim (if the ring had room) was never published.
      assert.ok(recovery.skipped <= (sequence ? batch : 0), label);
      for (let i = 0; i < batch; i++) lost.add(dieAt + i);
      next = dieAt + batch;
    }
  }
  (config.kind === "ring" ? closeRing : closeUnbounded)(sab);
  await drain;
  const expected = Array.from({ length: TOTAL }, (_, i) => i)
    .filter((v) => !lost.has(v));
  assert.deepEqual(received, expected, `${config.name}, size ${size}`);
  // No segment leaked, none given back twice.
  if (config.kind === "unbounded") {
    assertSegmentsAccounted(sab, `${config.name}, size ${size}`);
  }
  return deaths;
}

Deno.test("recoverRing() and recoverUnbounded() let replacement producer Workers finish a stream whose producers die at random", async (t) => {
  const seed = propertySeed();
  const rand = random(seed);
  let total = 0;
  for (const config of CONFIGS) {
    await t.step(config.name, async () => {
      for (const size of SIZES) {
        try {
          total += await stream(config, size, rand);
        } catch (error) {
          throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
        }
      }
    });
  }
  // Each stream of TOTAL items sees about TOTAL / (MAX_RUN / 2) deaths.
  assert.ok(total >= CONFIGS.length * SIZES.length * 4, `${total} deaths`);
  console.log(
    `${total} producer Workers died and were recovered (seed ${seed})`,
  );
});

/** Items per consumer stream (its producer waits with pushAsync: slower). */
const CONSUMER_TOTAL = 100 * crashScale();

/** One stream with the producer on the main thread and consumers dying. */
async function consumerStream(
  config: Config,
  size: number,
  rand: () => number,
): Promise<number> {
  const sab = config.make(size);
  const ring = config.kind === "ring";
  const recover = ring ? recoverRing : recoverUnbounded;
  const producer = ring
    ? new Producer<number>(sab)
    : new UnboundedProducer<number>(sab);
  const produce = (async () => {
    for (let v = 0; v < CONSUMER_TOTAL; v++) {
      if (producer instanceof Producer) await producer.pushAsync(v);
      else assert.ok(producer.tryPush(v));
    }
    producer.close();
  })();
  const sequence = config.name.startsWith("sequence");
  const received: number[] = [];
  const seenByDead: number[] = [];
  let deaths = 0;
  while (true) {
    const death = rand() < 0.5 ? "between" : "peek";
    let id = 0;
    let peeked = -1;
    const worker = await spawnWorker(CRASH_CONSUMER, "crash consumer", {
      onEvent: (event) => {
        const data = event as { id?: number; item?: number; peeked?: number };
        if (data.id !== undefined) id = data.id;
        else if (data.item !== undefined) received.push(data.item);
        else peeked = data.peeked!;
      },
    });
    const job: CrashConsumerJob = {
      sab,
      kind: config.kind,
      dieAfter: Math.floor(rand() * MAX_RUN),
      death,
    };
    worker.post(job);
    // Every event arrived before the failure that ends the Worker's job.
    const died = await worker.result.then(() => false, () => true);
    worker.terminate();
    if (!died) break;
    deaths++;
    const recovery = recover(sab, { handle: id });
    const label = `${config.name}, size ${size}, ${death}`;
    assert.equal(recovery.released, true, label);
    assert.equal(recovery.role, "consumer", label);
    if (death === "peek" && sequence) {
      // Claimed by the dead consumer: released as delivered to it.
      assert.equal(recovery.freed, 1, label);
      seenByDead.push(peeked);
    } else assert.equal(recovery.freed, 0, label);
  }
  await produce;
  // Every item exactly once, in order: to a live consumer, or (sequence
  // ring) to the dead consumer that had claimed it.
  const all = [...received, ...seenByDead].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: CONSUMER_TOTAL }, (_, i) => i),
    config.name,
  );
  assert.deepEqual(received, [...received].sort((a, b) => a - b));
  if (!ring) assertSegmentsAccounted(sab, `${config.name}, size ${size}`);
  return deaths;
}

Deno.test("recoverRing() and recoverUnbounded() let replacement consumer Workers finish a stream whose consumers die at random", async (t) => {
  const seed = propertySeed();
  const rand = random(seed + 1);
  let total = 0;
  for (const config of CONFIGS) {
    await t.step(config.name, async () => {
      for (const size of [3, 16]) {
        try {
          total += await consumerStream(config, size, rand);
        } catch (error) {
          throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
        }
      }
    });
  }
  assert.ok(total >= CONFIGS.length * 2 * 4, `${total} deaths`);
  console.log(
    `${total} consumer Workers died and were recovered (seed ${seed})`,
  );
});
