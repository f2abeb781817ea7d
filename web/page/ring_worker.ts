// Copyright 2025 the ringproof authors. MIT license.
/**
 * A live-mode Worker: the producer or the consumer of the production ring.
 * The producer pushes 0, 1, 2, … as fast as the ring lets it (blocking in
 * `push` while the ring is full); the consumer pops and then pauses for the
 * delay the page sets. Both stop when the control word `stop` is set or the
 * ring is closed.
 *
 * @module
 */

import {
  ClosedError,
  Consumer,
  inspectRing,
  Producer,
  TimeoutError,
} from "../../mod.ts";
import {
  CONTROL,
  type RingJob,
  type RingMessage,
  type WorkerScope,
} from "./_protocol.ts";

const scope = globalThis as unknown as WorkerScope<RingJob, RingMessage>;

/** How long one blocking call may wait before the loop looks at `stop`. */
const POLL_MS = 50;

function recordMax(control: Int32Array, fill: number): void {
  let seen = Atomics.load(control, CONTROL.maxFill);
  while (fill > seen) {
    const was = Atomics.compareExchange(control, CONTROL.maxFill, seen, fill);
    if (was === seen) return;
    seen = was;
  }
}

function produce(ring: SharedArrayBuffer, control: Int32Array): void {
  const producer = new Producer<number>(ring);
  for (let next = 0; Atomics.load(control, CONTROL.stop) === 0;) {
    try {
      producer.push(next | 0, { timeout: POLL_MS });
    } catch (error) {
      if (error instanceof TimeoutError) continue;
      throw error;
    }
    next++;
    Atomics.add(control, CONTROL.produced, 1);
    recordMax(control, inspectRing(ring).size);
  }
}

function consume(ring: SharedArrayBuffer, control: Int32Array): void {
  const consumer = new Consumer<number>(ring);
  while (Atomics.load(control, CONTROL.stop) === 0) {
    try {
      consumer.pop({ timeout: POLL_MS });
    } catch (error) {
      if (error instanceof TimeoutError) continue;
      throw error;
    }
    Atomics.add(control, CONTROL.consumed, 1);
    const delayUs = Atomics.load(control, CONTROL.consumerDelayUs);
    if (delayUs > 0) Atomics.wait(control, CONTROL.sleep, 0, delayUs / 1000);
  }
}

scope.onmessage = (event) => {
  const { role, ring, control } = event.data;
  const words = new Int32Array(control);
  let error: string | undefined;
  try {
    if (role === "producer") produce(ring, words);
    else consume(ring, words);
  } catch (caught) {
    if (!(caught instanceof ClosedError)) error = String(caught);
  }
  scope.postMessage(
    error === undefined
      ? { kind: "stopped", role }
      : { kind: "stopped", role, error },
  );
};
scope.postMessage({ kind: "ready" });
