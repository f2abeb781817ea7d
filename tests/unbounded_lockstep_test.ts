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
  type RingUnderTest,
} from "../model/mod.ts";
import { unboundedUnderTest } from "../model/_lockstep/unbounded_ring.ts";
import { createUnbounded, inspectUnbounded } from "../mod.ts";
import { W_FREE } from "../src/_shm/unbounded_layout.ts";
import { linkOffset } from "./_unbounded_helpers.ts";
import { countPaths } from "./_lockstep_rings.ts";

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

/** The production buffer under test with `bug` applied after each call. */
function broken(
  bug: (sab: SharedArrayBuffer, call: string) => void,
): RingFactory {
  return (config) => {
    const sab = createUnbounded({ item: "int32", segmentSlots: config.slots });
    const ring = unboundedUnderTest(sab, config);
    const wrapped: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(ring)) {
      wrapped[name] = (...args: never[]) => {
        const result = (method as (...args: never[]) => unknown)(...args);
        if (name !== "snapshot") bug(sab, name);
        return result;
      };
    }
    return wrapped as unknown as RingUnderTest;
  };
}

Deno.test("checkRing() catches an unbounded buffer that recycles its head segment before leaving it", () => {
  const freed = new WeakMap<SharedArrayBuffer, Set<number>>();
  const report = checkRing({
    slots: 2,
    items: 6,
    scheme: "unbounded",
    ring: broken((sab, call) => {
      if (call !== "release" && call !== "tryPop") return;
      const s = inspectUnbounded(sab);
      const done = freed.get(sab) ?? new Set<number>();
      freed.set(sab, done);
      if (s.outSlot < s.segmentSlots || done.has(s.head)) return;
      // BUG: every slot of the head segment is read, so it goes on the free
      // list at once, though the consumer still needs its link.
      done.add(s.head);
      const words = new Int32Array(sab);
      words[linkOffset(sab, s.head) / 4] = words[W_FREE]!;
      words[W_FREE] = s.head + 1;
    }),
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
    ring: broken((sab, call) => {
      if (call !== "reserve" && call !== "tryPush") return;
      // BUG: the new tail is not linked from the segment before it.
      for (const segment of inspectUnbounded(sab).chain.slice(0, -1)) {
        const { tail } = inspectUnbounded(sab);
        if (segment !== tail) {
          new Int32Array(sab)[linkOffset(sab, segment) / 4] = 0;
        }
      }
    }),
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
    ring: (config) => {
      const ring = unboundedUnderTest(
        createUnbounded({ item: "int32", segmentSlots: config.slots }),
        config,
      );
      // BUG: "full" at two items, as if BUFFER_SIZE were 3.
      const full = () => ring.snapshot().in - ring.snapshot().out >= 2;
      return {
        ...ring,
        reserve: () => (full() ? null : ring.reserve()),
        tryPush: (item) => (full() ? false : ring.tryPush!(item)),
      };
    },
  });
  assert.equal(report.verdict, "fail");
  assert.equal(report.failure?.property, "enabled");
  assert.match(report.failure!.message, /the model takes P0/);
});
