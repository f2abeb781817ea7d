// The layout sketches of bench/spin_floor.ts (`--sketches=layouts`,
// `add-layouts`, `add-ping`) and this ring move every item: a tiny run of
// each case, every run of every contender verified by its checksum; and the
// add sketches' placements and protocol, on one thread. Never speed.
import assert from "node:assert/strict";
import { addLayoutCase, addPingCase, layoutCase } from "../bench/_cases.ts";
import type { Task } from "../bench/_protocol.ts";
import {
  ADD_LAYOUTS,
  addBuffer,
  addConsumer,
  type AddLayoutName,
  addProducer,
} from "../bench/_roles_layout.ts";
import { type CaseResult, runCase } from "../bench/_runner.ts";
import { sequenceChecksum } from "../bench/_checksum.ts";

const TINY = {
  rounds: 1,
  warmups: 0,
  warmupFraction: 1,
  timeoutMs: 60_000,
  log: () => {},
};

function assertAllVerified(result: CaseResult, contenders: number): void {
  assert.equal(result.contenders.length, contenders);
  for (const k of result.contenders) {
    assert.equal(
      k.verifiedRuns,
      1,
      `${result.id}: ${k.side} ${k.label}: ${
        k.runs.map((r) => r.problem).join("; ")
      }`,
    );
  }
}

const NAMES = Object.keys(ADD_LAYOUTS) as AddLayoutName[];

Deno.test("layoutCase() contenders deliver every item in order, each layout", async () => {
  for (const slots of [2, 16]) {
    const result = await runCase(layoutCase(slots, { scale: 1 / 400 }), TINY);
    assertAllVerified(result, 7);
  }
});

Deno.test("addLayoutCase() contenders deliver every item in order, each layout", async () => {
  // 2 slots: full after every item; 16 and 64: across the shared line.
  for (const slots of [2, 16, 64]) {
    const result = await runCase(
      addLayoutCase(slots, { scale: 1 / 400 }),
      TINY,
    );
    assertAllVerified(result, 2 + NAMES.length);
  }
});

Deno.test("addPingCase() contenders echo every item in order, each layout", async () => {
  const result = await runCase(addPingCase({ scale: 1 / 100 }), TINY);
  assertAllVerified(result, 2 + NAMES.length);
});

Deno.test("ADD_LAYOUTS place in, out and the slots as their names say", () => {
  const line = (word: number) => word >> 4;
  const { packed, shared, padded } = ADD_LAYOUTS;
  const inSlots = ADD_LAYOUTS["in-slots"];
  assert.equal(new Set([packed.in, packed.out, packed.data].map(line)).size, 3);
  assert.equal(packed.shift, 0);
  assert.equal(line(shared.in), line(shared.out));
  assert.equal(line(shared.in), line(shared.data));
  // ringbuf.js's: 14 slots after the two indices.
  assert.equal(16 - (shared.data & 15), 14);
  assert.equal(line(inSlots.in), line(inSlots.data));
  assert.notEqual(line(inSlots.out), line(inSlots.in));
  assert.equal(padded.shift, 4);
  assert.equal(padded.data & 15, 0);
  for (const name of NAMES) {
    const { in: IN, out: OUT, data, shift } = ADD_LAYOUTS[name];
    const slots = 64;
    const end = data + (slots << shift);
    assert.ok(IN < data || IN >= end, `${name}: in among the slots`);
    assert.ok(OUT < data || OUT >= end, `${name}: out among the slots`);
    assert.ok(addBuffer(name, slots).byteLength >= end * 4, name);
  }
});

Deno.test("addProducer() publishes with one add and addConsumer() takes the items back, bit 30 kept", () => {
  const slots = 16;
  const count = slots - 1;
  for (const name of NAMES) {
    const { in: IN, out: OUT, data, shift } = ADD_LAYOUTS[name];
    const buffer = addBuffer(name, slots);
    const words = new Int32Array(buffer);
    // The peers' waiting bits raised: the sides must read past them.
    words[IN] = 1 << 30;
    words[OUT] = 1 << 30;
    const task = (role: string): Task => ({
      role,
      count,
      batch: 1,
      slots,
      buffers: [buffer],
      control: new SharedArrayBuffer(8),
    });
    // Up to BUFFER_SIZE - 1 items fit: the producer runs alone, then the consumer.
    const sent = addProducer(name)(task("producer"))();
    assert.deepEqual(sent, { count, checksum: null });
    assert.equal(words[IN], (1 << 30) + count, `${name}: in`);
    for (let i = 0; i < count; i++) {
      assert.equal(words[data + (i << shift)], i, `${name}: slot ${i}`);
    }
    const got = addConsumer(name)(task("consumer"))();
    assert.deepEqual(got, { count, checksum: sequenceChecksum(count) });
    assert.equal(words[OUT], (1 << 30) + count, `${name}: out`);
  }
});
