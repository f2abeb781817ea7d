/**
 * A bounded ring buffer for producer/consumer IPC between Workers, on a
 * SharedArrayBuffer: the textbook bounded buffer with `in` and `out`
 * (empty when `in == out`, full when `(in + 1) % BUFFER_SIZE == out`), made
 * fast and checked against a formal model (see the `./model` entry point).
 *
 * - {@linkcode createRing} lays out a ring in a SharedArrayBuffer; post it to
 *   Workers.
 * - {@linkcode Producer} and {@linkcode Consumer} attach to it: one of each.
 *   Non-blocking (`tryPush`/`tryPop`), blocking (`push`/`pop`, with
 *   `Atomics.wait`), async (`pushAsync`/`popAsync`, with `Atomics.waitAsync`),
 *   batched (`pushMany`/`popMany`) and zero-copy (`reserve`/`commit`,
 *   `peek`/`release`).
 * - Two index schemes: `"textbook"` (holds `BUFFER_SIZE - 1` items) and
 *   `"counter"` (free-running 32-bit counters, all `BUFFER_SIZE` slots).
 * - {@linkcode closeRing} closes a ring from any thread; the consumer drains
 *   what was committed.
 * - `producers: "many"` / `consumers: "many"` make a lock-free
 *   many-producer/many-consumer ring (the `"sequence"` scheme, Vyukov's
 *   per-slot sequence numbers); handles may then attach many times.
 * - {@linkcode createUnbounded} makes the textbook's unbounded buffer: a
 *   growable SharedArrayBuffer of recycled segments, whose
 *   {@linkcode UnboundedProducer} never waits (up to `maxBytes`).
 *
 * @example Producer and consumer in one thread
 * ```ts
 * import assert from "node:assert/strict";
 * import { Consumer, createRing, Producer } from "@ringproof/ring";
 *
 * const sab = createRing({ slots: 10, item: "int32", scheme: "textbook" });
 * const producer = new Producer(sab);
 * const consumer = new Consumer(sab);
 * for (let i = 0; i < 9; i++) assert.ok(producer.tryPush(i));
 * assert.equal(producer.tryPush(9), false); // full: (in + 1) % BUFFER_SIZE == out
 * assert.equal(consumer.tryPop(), 0);
 * ```
 *
 * @module
 */
export * from "./src/create_ring.ts";
export * from "./src/close_ring.ts";
export * from "./src/inspect_ring.ts";
export * from "./src/producer.ts";
export * from "./src/consumer.ts";
export * from "./src/ring_handle.ts";
export * from "./src/errors.ts";
export * from "./src/item.ts";
export * from "./src/unbounded.ts";
export * from "./src/recover.ts";
