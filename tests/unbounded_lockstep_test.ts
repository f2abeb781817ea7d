// The unbounded buffer in lockstep with the model's "unbounded" scheme: every
// reachable model state and every step out of it (and, for a small
// configuration, every maximal interleaving) performed as calls on real
// UnboundedProducer/UnboundedConsumer handles, compared after each step
// through the abstraction function (model/_lockstep/unbounded_ring.ts). Broken
// variants must be caught.
import assert from "node:assert/strict";
import {
  checkRing,
  type RingCheckReport,
  type RingConfig,
  type RingFactory,
} from "../model/mod.ts";
import { unboundedUnderTest } from "../model/_lockstep/unbounded_ring.ts";
import { createUnbounded, inspectUnbounded } from "../mod.ts";
import { countPaths } from "./_lockstep_rings.ts";
import { brokenUnbounded } from "./_broken_rings.ts";

/** Checks a passing report's figures against each other and the model's own exploration. */
function assertCovered(report: RingCheckReport, what: string): void {
  assert.equal(report.verdict, "pass", `${what}\n${report.failure?.table}`);
  assert.equal(report.model.states, report.explored.states, what);
  assert.equal(report.model.transitions, report.explored.transitions, what);
  assert.equal(report.production.states, report.model.states, what);
  // The consumer's empty buffer was probed; the producer is never blocked.
  assert.ok(report.production.probes > 0, what);
}

/** A factory of buffers under test that keeps every buffer it made. */
function keeping(): { factory: RingFactory; buffers: SharedArrayBuffer[] } {
  const buffers: SharedArrayBuffer[] = [];
  const factory = (config: RingConfig) => {
    const sab = createUnbounded({ item: "int32", segmentSlots: config.slots });
    buffers.push(sab);
    return unboundedUnderTest(sab, config);
  };
  return { factory, buffers };
}

Deno.test("checkRing() agrees with the unbounded model in every state and step", () => {
  for (const [slots, items] of [[2, 1], [2, 3], [2, 6], [3, 4], [3, 7]]) {
    const report = checkRing({
      slots: slots!,
      items: items!,
      scheme: "unbounded",
    });
    assertCovered(report, `segments of ${slots}, ${items} items`);
    assert.ok(report.model.coarse > 0, "tryPush/tryPop were checked too");
  }
});

Deno.test("checkRing() covers growth and recycling of the unbounded buffer", () => {
  const { factory, buffers } = keeping();
  const slots = 2;
  const items = 10;
  const report = checkRing({
    slots,
    items,
    scheme: "unbounded",
    ring: factory,
  });
  assertCovered(report, "segments of 2, 10 items");
  const states = buffers.map((sab) => inspectUnbounded(sab));
  // Some runs pushed more items than all their segments hold: segments were
  // reused. None needed more segments than a consumer that never keeps up.
  assert.ok(states.some((s) => s.in > s.segments * slots));
  assert.equal(
    Math.max(...states.map((s) => s.segments)),
    Math.ceil(items / slots),
  );
  assert.ok(buffers.some((sab) => inspectUnbounded(sab).free.length > 0));
});

Deno.test("checkRing() performs every maximal interleaving of the unbounded buffer", () => {
  const items = 3;
  const report = checkRing({
    slots: 2,
    items,
    scheme: "unbounded",
    coverage: "paths",
    granularity: "fine",
  });
  assertCovered(report, "segments of 2, paths");
  assert.equal(report.paths, countPaths({ scheme: "unbounded", items }));
});

Deno.test("checkRing() catches an unbounded buffer that recycles its head segment before leaving it", () => {
  const report = checkRing({
    slots: 2,
    items: 6,
    scheme: "unbounded",
    ring: brokenUnbounded("recycle-head-early"),
  });
  assert.equal(report.verdict, "fail");
  // The head's link now leads into the free list: the tail is lost from
  // the chain, and on its own the buffer soon hands out a segment in use.
  assert.equal(report.failure?.property, "inSlot", report.failure?.table);
  assert.equal(report.failure.consequence?.property, "error");
  assert.match(report.failure.consequence.message, /a segment in use/);
});

Deno.test("checkRing() catches an unbounded buffer whose producer forgets the link to a new segment", () => {
  const report = checkRing({
    slots: 2,
    items: 4,
    scheme: "unbounded",
    ring: brokenUnbounded("forget-link"),
  });
  assert.equal(report.verdict, "fail");
  assert.equal(report.failure?.property, "inSlot", report.failure?.table);
  assert.equal(report.failure.consequence?.property, "error");
  assert.match(report.failure.consequence.message, /links nowhere/);
});

Deno.test("checkRing() catches an unbounded buffer whose producer waits like a bounded one", () => {
  const report = checkRing({
    slots: 2,
    items: 4,
    scheme: "unbounded",
    ring: brokenUnbounded("wait-when-full"),
  });
  assert.equal(report.verdict, "fail");
  assert.equal(report.failure?.property, "enabled");
  assert.match(report.failure!.message, /the model takes P0/);
});
