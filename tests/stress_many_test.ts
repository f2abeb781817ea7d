// Worker stress tests of the many-producer/many-consumer ring: producer
// Workers push their own sequence-numbered items concurrently, consumer
// Workers pop until the ring is closed and drained. Checked afterwards: no
// loss and no duplicate (every item popped exactly once, over all
// consumers) and per-producer FIFO (each consumer sees each producer's items
// in increasing order). Every run has a watchdog: a lost wake-up fails it.
//
// Replay a run with RINGPROOF_SEED=<seed> (printed in every failure).
import assert from "node:assert/strict";
import { closeRing, createRing } from "../mod.ts";
import { seedFromEnv, withRun } from "./_workers/harness.ts";
import {
  ITEM_SPAN,
  type MpmcJob,
  type MpmcPath,
  type MpmcPlan,
  type MpmcResult,
} from "./_workers/mpmc_protocol.ts";
import { prng } from "./_workers/protocol.ts";

const SEED = seedFromEnv();
const MODULE = new URL("./_workers/mpmc_worker.ts", import.meta.url);
const PATHS: readonly MpmcPath[] = [
  "blocking",
  "spinning",
  "async",
  "batch",
  "zerocopy",
];

/** Runs one plan; each Worker's path is drawn from the seed. */
async function stress(plan: MpmcPlan): Promise<void> {
  const { producers, consumers, slots, items } = plan;
  const random = prng(
    SEED ^ (producers * 31 + consumers * 7 + slots + (plan.nearWrap ? 1 : 0)),
  );
  const pick = () => PATHS[Math.floor(random() * PATHS.length)]!;
  const paths = {
    producers: Array.from({ length: producers }, pick),
    consumers: Array.from({ length: consumers }, pick),
  };
  const limit = 2 ** 31 - 2 ** 31 % slots;
  const start = plan.nearWrap ? limit - Math.floor(items / 2) : 0;
  const ring = createRing({
    slots,
    start,
    producers: "many",
    consumers: "many",
  });
  const label =
    `${producers}x${consumers} Workers, ${slots} slots, ${items} items each, start ${start}, paths ${
      JSON.stringify(paths)
    }, seed ${SEED}`;
  const tally = new SharedArrayBuffer(producers * items);
  await withRun(label, ring, async (run) => {
    const job = (role: MpmcJob["role"], id: number, path: MpmcPath) => ({
      role,
      ring,
      progress: run.progress,
      path,
      id,
      producers,
      items,
      tally,
    });
    const spawned = async (
      role: MpmcJob["role"],
      list: readonly MpmcPath[],
    ) => {
      const results: Promise<MpmcResult>[] = [];
      for (const [id, path] of list.entries()) {
        const worker = await run.spawn(MODULE, `${role} ${id}`);
        worker.post(job(role, id, path));
        results.push(run.wait<MpmcResult>(worker));
      }
      return results;
    };
    const popped = await spawned("consumer", paths.consumers);
    const pushed = await spawned("producer", paths.producers);
    await Promise.all(pushed);
    // Every producer detached after its last item: nothing more can come.
    closeRing(ring);
    const results = await Promise.all(popped);
    for (const [c, result] of results.entries()) {
      assert.equal(result.disorder, null, `${label}: consumer ${c}`);
    }
    const total = results.reduce((sum, r) => sum + r.count, 0);
    const counts = new Uint8Array(tally);
    const wrong = counts.findIndex((n) => n !== 1);
    if (wrong >= 0) {
      const id = Math.floor(wrong / items);
      const seq = wrong - id * items;
      assert.fail(
        `${label}: item ${seq} of P${id} (${id * ITEM_SPAN + seq}) was popped ${
          counts[wrong]
        } times`,
      );
    }
    assert.equal(total, producers * items, label);
  }, { stallMs: 20_000 });
}

Deno.test("Producer and Consumer with many Workers: 2 producers, 2 consumers", async () => {
  await stress({ producers: 2, consumers: 2, slots: 3, items: 10_000 });
  await stress({ producers: 2, consumers: 2, slots: 1024, items: 100_000 });
});

Deno.test("Producer and Consumer with many Workers: 1 producer, 2 consumers", async () => {
  await stress({ producers: 1, consumers: 2, slots: 2, items: 10_000 });
  await stress({ producers: 1, consumers: 2, slots: 64, items: 100_000 });
});

Deno.test("Producer and Consumer with many Workers cross the wrap of positions", async () => {
  // 3 slots do not divide 2^31: positions wrap at 2^31 - 2, mid-run.
  await stress({
    producers: 2,
    consumers: 2,
    slots: 3,
    items: 10_000,
    nearWrap: true,
  });
});
