// Handing a role over while the other side runs in a Worker: each attach
// validates the header while the peer is moving its index and slot, which
// once produced spurious CorruptedRingErrors (about one attach in 20,000).
import assert from "node:assert/strict";
import { Consumer, createRing, Producer, type Scheme } from "../mod.ts";
import { seedFromEnv, withRun } from "./_workers/harness.ts";

const SEED = seedFromEnv();
const SCHEMES: readonly Scheme[] = ["textbook", "counter"];
/** Enough for thousands of attaches; the bug showed within the first 100 ms. */
const ITEMS = 20_000;
/** Items moved per attachment: a few, so there are many attaches. */
const PER_ATTACH = 3;
/** The main thread's loops are synchronous; this bounds them instead. */
const LIMIT_MS = 60_000;

Deno.test("new Consumer() attaches cleanly, again and again, while a producer Worker pushes", async (t) => {
  for (const scheme of SCHEMES) {
    await t.step(`${scheme} ring, ${ITEMS} items`, async () => {
      const ring = createRing({ slots: 7, scheme });
      const label = `consumer hand-over, ${scheme} ring, seed ${SEED}`;
      await withRun(label, ring, async (run) => {
        const producer = await run.spawn(run.modules.producer, "producer");
        const done = run.produce(producer, {
          path: "spinning",
          items: ITEMS,
          seed: SEED,
          end: "close",
        });
        const limit = performance.now() + LIMIT_MS;
        let received = 0;
        let attaches = 0;
        for (let ended = false; !ended; attaches++) {
          const consumer = new Consumer<number>(ring);
          for (let k = 0; k < PER_ATTACH; k++) {
            const closed = consumer.closed;
            const item = consumer.tryPop();
            if (item === undefined) {
              ended = closed;
              break;
            }
            if (item !== received) {
              run.fail(
                `FIFO violated at item #${received}: received ${item} (attach ${attaches})`,
              );
            }
            received++;
          }
          consumer.detach();
          if (performance.now() > limit) run.fail(`not done in ${LIMIT_MS} ms`);
        }
        await done;
        assert.equal(received, ITEMS, label);
        assert.ok(attaches >= ITEMS / PER_ATTACH, label);
      });
    });
  }
});

Deno.test("new Producer() attaches cleanly, again and again, while a consumer Worker pops", async (t) => {
  for (const scheme of SCHEMES) {
    await t.step(`${scheme} ring, ${ITEMS} items`, async () => {
      const ring = createRing({ slots: 7, scheme });
      const label = `producer hand-over, ${scheme} ring, seed ${SEED}`;
      await withRun(label, ring, async (run) => {
        const consumer = await run.spawn(run.modules.consumer, "consumer");
        const result = run.consume(consumer, {
          path: "spinning",
          items: ITEMS,
          seed: SEED,
        });
        const limit = performance.now() + LIMIT_MS;
        let sent = 0;
        let attaches = 0;
        for (; sent < ITEMS; attaches++) {
          const producer = new Producer<number>(ring);
          for (let k = 0; k < PER_ATTACH && sent < ITEMS; k++) {
            if (!producer.tryPush(sent)) break;
            sent++;
          }
          if (sent === ITEMS) producer.close();
          else producer.detach();
          if (performance.now() > limit) run.fail(`not done in ${LIMIT_MS} ms`);
        }
        const outcome = await result;
        assert.equal(outcome.received, ITEMS, label);
        assert.ok(attaches >= ITEMS / PER_ATTACH, label);
      });
    });
  }
});
