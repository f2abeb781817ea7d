// Copyright 2025 the ringproof authors. MIT license.
// A one-producer ring under test and the driver's bookkeeping of the calls
// made on it (Run), the steps a process may take next, and replaying a path
// on a fresh ring.

import {
  initialShadow,
  itemValue,
  type ProducerPc,
  rawName,
  recordRead,
  type Shadow,
} from "./abstraction.ts";
import type {
  RingConfig,
  RingFactory,
  RingObservation,
  RingStep,
  RingUnderTest,
} from "./ring_types.ts";

/** What a call on the ring did. */
export interface Outcome {
  /** `false` when the ring answered full (or empty): the step is blocked. */
  readonly enabled: boolean;
  /** The call as a student reads it, e.g. `reserve() → slot 2`. */
  readonly call: string;
  /** The slot `reserve()` or `peek()` returned. */
  readonly slot?: number;
  /** The raw value `read()` or `tryPop()` returned. */
  readonly value?: number;
}

/** One ring under test and the driver's bookkeeping of the calls made on it. */
export class Run {
  readonly ring: RingUnderTest;
  readonly shadow: Shadow;
  readonly items: number;
  /** The producer's first step: `"write"` in the unbounded buffer, which never waits. */
  readonly top: ProducerPc;
  /** Calls made on the ring, snapshots excluded. */
  calls = 0;

  constructor(factory: RingFactory, config: RingConfig, items: number) {
    this.ring = factory(config);
    this.top = config.scheme === "unbounded" ? "write" : "wait";
    this.shadow = initialShadow(items, this.top);
    this.items = items;
  }

  observe(): RingObservation {
    return this.ring.snapshot();
  }

  /** The key of the production state: what it shows plus the bookkeeping. */
  key(): string {
    const o = this.observe();
    const s = this.shadow;
    return `${o.in},${o.out},${o.inSlot},${o.outSlot},${o.cells}|${s.producerPc},${s.produced},${s.consumerPc},${s.nextConsumed},${s.seen},${+s
      .unproduced}${+s.fifo}${+s.duplicate}`;
  }

  /** Performs `step` as a call on the ring. */
  perform(step: RingStep): Outcome {
    this.calls++;
    const s = this.shadow;
    const items = this.items;
    const name = (raw: number) => rawName(raw, items);
    const nextPc = () => (s.produced < items ? this.top : "done");
    switch (step.op) {
      case "wait": {
        const producer = step.process === "P0";
        const slot = producer ? this.ring.reserve() : this.ring.peek();
        const call = producer ? "reserve()" : "peek()";
        if (slot === null) return { enabled: false, call: `${call} → null` };
        if (producer) s.producerPc = "write";
        else s.consumerPc = "read";
        return { enabled: true, call: `${call} → slot ${slot}`, slot };
      }
      case "write": {
        // A producer that never waits reserves its slot as part of the write.
        const slot = this.top === "write" ? this.ring.reserve() : undefined;
        if (slot === null) return { enabled: false, call: "reserve() → null" };
        const value = itemValue(s.produced);
        this.ring.write(value);
        s.produced++;
        s.producerPc = "publish";
        const call = `write(${name(value)})`;
        return slot === undefined
          ? { enabled: true, call }
          : { enabled: true, call: `reserve() → slot ${slot}, ${call}`, slot };
      }
      case "publish":
        this.ring.commit();
        s.producerPc = nextPc();
        return { enabled: true, call: "commit()" };
      case "read": {
        const value = this.ring.read();
        recordRead(s, value, items);
        s.consumerPc = "release";
        return { enabled: true, call: `read() → ${name(value)}`, value };
      }
      case "release":
        this.ring.release();
        s.nextConsumed = 0;
        s.consumerPc = "wait";
        return { enabled: true, call: "release()" };
      case "tryPush": {
        const value = itemValue(s.produced);
        const call = `tryPush(${name(value)})`;
        if (!this.ring.tryPush!(value)) {
          return { enabled: false, call: `${call} → false` };
        }
        s.produced++;
        s.producerPc = nextPc();
        return { enabled: true, call: `${call} → true` };
      }
      default: { // tryPop
        const value = this.ring.tryPop!();
        if (value === undefined) {
          return { enabled: false, call: "tryPop() → undefined" };
        }
        recordRead(s, value, items);
        s.nextConsumed = 0; // the iteration ends inside the call
        return { enabled: true, call: `tryPop() → ${name(value)}`, value };
      }
    }
  }
}

/**
 * The steps a process may take next, given the program counters; `top` is
 * the producer's first step (where a coarse `tryPush` starts).
 */
export function candidates(
  producerPc: string,
  consumerPc: string,
  granularity: "fine" | "coarse" | "mixed",
  top: ProducerPc = "wait",
): RingStep[] {
  const steps: RingStep[] = [];
  const fine = granularity !== "coarse";
  const coarse = granularity !== "fine";
  if (producerPc !== "done") {
    if (producerPc !== top || fine) {
      steps.push({ process: "P0", op: producerPc as RingStep["op"] });
    }
    if (producerPc === top && coarse) {
      steps.push({ process: "P0", op: "tryPush" });
    }
  }
  if (consumerPc !== "wait" || fine) {
    steps.push({ process: "C0", op: consumerPc as RingStep["op"] });
  }
  if (consumerPc === "wait" && coarse) {
    steps.push({ process: "C0", op: "tryPop" });
  }
  return steps;
}

/** A fresh ring with the steps of `path` replayed on it (no checks). */
export function replay(
  factory: RingFactory,
  config: RingConfig,
  items: number,
  path: readonly RingStep[],
): Run {
  const run = new Run(factory, config, items);
  for (const step of path) run.perform(step);
  return run;
}
