// The async API under fast-check's scheduler: pushAsync, popAsync and close
// are issued at points the scheduler picks, so their promises interleave in
// many orders (calls queued behind a full or empty ring, a close while
// calls wait, calls after the close). Whatever the order: pushes complete in
// call order and a prefix of them succeeds; the j-th successful pop takes
// item j; a pop fails only once the ring is closed and drained; nothing is
// lost or duplicated; the size never exceeds the capacity.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ClosedError,
  closeRing,
  Consumer,
  createRing,
  Producer,
  type Scheme,
} from "../mod.ts";
import { assertAsyncProperty, drain, withinLimit } from "./_helpers.ts";

type Call = "push" | "pop" | "size";

/** How a call ended: its value (or `undefined`) or a ClosedError. */
type Settled = { ok: true; value?: number } | { ok: false };

/** Collects a promise's outcome; anything but ClosedError fails the test. */
function settle(promise: Promise<number | void>): Promise<Settled> {
  return promise.then(
    (value) => (value === undefined ? { ok: true } : { ok: true, value }),
    (error) => {
      if (error instanceof ClosedError) return { ok: false };
      throw error;
    },
  );
}

/** `true, …, true, false, …, false`: a prefix succeeded, the rest failed. */
function assertPrefix(results: readonly Settled[], what: string): number {
  const k = results.findIndex((r) => !r.ok);
  const succeeded = k < 0 ? results.length : k;
  assert.ok(
    results.slice(succeeded).every((r) => !r.ok),
    `${what}: a call succeeded after one failed`,
  );
  return succeeded;
}

const planArb = fc.record({
  slots: fc.integer({ min: 2, max: 4 }),
  scheme: fc.constantFrom<Scheme>("textbook", "counter"),
  calls: fc.array(fc.constantFrom<Call>("push", "pop", "pop", "size"), {
    minLength: 1,
    maxLength: 16,
  }),
  closer: fc.constantFrom("producer.close()", "closeRing()"),
});

Deno.test("Producer.pushAsync(), Consumer.popAsync() and close() keep FIFO, lose nothing and fail only when closed, in every scheduled order", async () => {
  await assertAsyncProperty(
    fc.asyncProperty(fc.scheduler(), planArb, async (s, plan) => {
      const sab = createRing({ slots: plan.slots, scheme: plan.scheme });
      const producer = new Producer<number>(sab);
      const consumer = new Consumer<number>(sab);
      const pushes: Promise<Settled>[] = [];
      const pops: Promise<Settled>[] = [];
      /** Push indices in the order their promises actually settled. */
      const pushOrder: number[] = [];
      let closed = false;
      const issue = (call: Call) => {
        if (call === "push") {
          const i = pushes.length;
          pushes.push(
            settle(producer.pushAsync(i)).finally(() => pushOrder.push(i)),
          );
        } else if (call === "pop") pops.push(settle(consumer.popAsync()));
        else assert.ok(consumer.size <= producer.capacity, "size <= capacity");
      };
      const issued = plan.calls.map((call) =>
        s.schedule(Promise.resolve(call), call).then(issue)
      );
      // The close, at a point of the scheduler's choosing too.
      issued.push(
        s.schedule(Promise.resolve(), plan.closer).then(() => {
          closed = true;
          if (plan.closer === "closeRing()") closeRing(sab);
          else producer.close();
        }),
      );
      await s.waitIdle();
      await withinLimit(Promise.all(issued), "every call issued", 5_000);
      assert.ok(closed);
      // Every call ends: the close wakes what still waits.
      const pushed = await withinLimit(Promise.all(pushes), "the pushes");
      const popped = await withinLimit(Promise.all(pops), "the pops");

      const k = assertPrefix(pushed, "pushes");
      assert.deepEqual(pushOrder, [...pushOrder].sort((a, b) => a - b));
      const j = assertPrefix(popped, "pops");
      // The j-th successful pop took item j, which was pushed.
      assert.deepEqual(
        popped.slice(0, j).map((r) => r.ok && r.value),
        Array.from({ length: j }, (_, i) => i),
      );
      assert.ok(j <= k, "no pop of an item that was not pushed");
      // What is left is exactly the rest, in order: nothing lost.
      const rest = drain(consumer);
      assert.deepEqual(rest, Array.from({ length: k - j }, (_, i) => j + i));
      // A pop failed only once the ring was closed and drained.
      if (j < popped.length) assert.equal(rest.length, 0, "failed pop");
    }),
    { numRuns: 150 },
  );
});
