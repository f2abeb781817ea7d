// Closing across Workers: a producer that closes mid-stream, and a supervisor
// that closes the ring after its producer Worker died. In every case the
// consumer drains exactly the committed items, never a reserved-but-
// uncommitted one, and then sees the end of the stream.
import assert from "node:assert/strict";
import { closeRing, createRing, inspectRing, type Scheme } from "../mod.ts";
import {
  expectedCapacity,
  runStream,
  seedFromEnv,
  type StressRun,
  withRun,
} from "./_workers/harness.ts";
import {
  type ConsumerResult,
  P_PRODUCER_DONE,
  wallClock,
} from "./_workers/protocol.ts";

const SEED = seedFromEnv();
const SCHEMES: readonly Scheme[] = ["textbook", "counter"];
/** A generous bound on "promptly": a lost wake-up would never come. */
const WAKE_BOUND_MS = 5_000;

Deno.test("Producer.close() mid-stream still delivers every committed item, then ends the stream", async (t) => {
  const items = 20_000;
  const slots = 64;
  for (const scheme of SCHEMES) {
    for (const path of ["blocking", "async", "iterator"] as const) {
      const ending = path === "iterator" ? "iterator ended" : "ClosedError";
      await t.step(`${scheme} ring, consumer ${path} (${ending})`, async () => {
        const ring = createRing({ slots, scheme });
        // The consumer pauses with one slot short of full left to it, so the
        // producer closes with capacity - 1 items committed and one slot
        // reserved and poisoned but never committed.
        const pauseAt = items - (expectedCapacity(scheme, slots) - 1);
        const label =
          `close mid-stream, ${scheme} ring, ${path} consumer, seed ${SEED}`;
        const outcome = await runStream(label, ring, {
          producer: {
            path: "blocking",
            items,
            seed: SEED,
            end: "close-with-reservation",
          },
          consumer: { path, items, seed: SEED, pauseAt },
        });
        assert.equal(outcome.consumer.received, items, label);
        assert.equal(outcome.consumer.ending, ending, label);
        assert.equal(inspectRing(ring).size, 0, label);
      });
    }
  }
});

/** Polls `ready` every few milliseconds; the run's watchdog bounds the wait. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Waits for the consumer's result, failing the run if it takes too long. */
async function resultWithin(
  run: StressRun,
  result: Promise<ConsumerResult>,
  ms: number,
): Promise<ConsumerResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        run.fail(`the consumer did not finish within ${ms} ms of closeRing()`);
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  try {
    return await Promise.race([result, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("closeRing() by a supervisor wakes the consumer blocked on a ring whose producer Worker died", async (t) => {
  const items = 1_000;
  for (const scheme of SCHEMES) {
    for (const path of ["blocking", "async"] as const) {
      const name = `${scheme} ring, consumer blocked in ${path} pop`;
      await t.step(name, async () => {
        const ring = createRing({ slots: 16, scheme });
        const label = `supervisor, ${name}, seed ${SEED}`;
        await withRun(label, ring, async (run) => {
          const { producer, consumer } = await run.spawnPair();
          const result = run.consume(consumer, { path, items, seed: SEED });
          // The producer pushes every item, reserves and poisons one more
          // slot without committing it, then hangs until terminated.
          run.produce(producer, {
            path: "blocking",
            items,
            seed: SEED,
            end: "park",
          });
          await until(() => {
            const now = inspectRing(ring);
            return run.read(P_PRODUCER_DONE) === 1 && now.size === 0 &&
              now.consumerWaiting;
          });
          producer.terminate();
          const closedAt = wallClock();
          closeRing(ring);
          const outcome = await resultWithin(run, result, WAKE_BOUND_MS);
          assert.equal(outcome.received, items, label);
          assert.equal(outcome.ending, "ClosedError", label);
          assert.ok(outcome.endedAt >= closedAt, label);
          assert.equal(inspectRing(ring).size, 0, `${label}: item left over`);
        });
      });
    }
  }
});

Deno.test("closeRing() after a producer Worker died leaves the consumer every committed item and no partial one", async (t) => {
  for (const scheme of SCHEMES) {
    await t.step(`${scheme} ring`, async () => {
      const slots = 16;
      const ring = createRing({ slots, scheme });
      // Room for every item and one reserved slot.
      const items = expectedCapacity(scheme, slots) - 1;
      const label = `dead producer with items in the ring, ${scheme} ring`;
      await withRun(label, ring, async (run) => {
        const { producer, consumer } = await run.spawnPair();
        const plan = { path: "blocking", items, seed: SEED } as const;
        run.produce(producer, { ...plan, end: "park" });
        await until(() => run.read(P_PRODUCER_DONE) === 1);
        producer.terminate();
        closeRing(ring);
        assert.equal(inspectRing(ring).size, items, label);
        const outcome = await run.consume(consumer, plan);
        assert.equal(outcome.received, items, label);
        assert.equal(outcome.ending, "ClosedError", label);
      });
    });
  }
});
