// A Worker for the unit tests: attaches one handle to a ring, makes blocking
// calls on it (Atomics.wait, which a test's main thread can then wake), and
// reports what happened. Protocol: `serve` from `protocol.ts` (posts
// "ready", takes one RingJob, reports one RingJobResult: an error the ring
// threw is part of the result, not a failure of the Worker).
import { Consumer, Producer } from "../../mod.ts";
import { serve } from "./protocol.ts";

/** What the Worker does with the ring. */
export interface RingJob {
  readonly ring: SharedArrayBuffer;
  /** `"pop"` pops `count` items with `pop()`; `"push"` pushes `items` with `push()`. */
  readonly op: "pop" | "push";
  readonly count?: number;
  readonly items?: readonly number[];
  readonly timeout?: number;
}

/** The outcome: the items popped (or pushed) before an error, and the error. */
export interface RingJobResult {
  readonly items: number[];
  readonly error?: { readonly name: string; readonly message: string };
}

function run(job: RingJob): RingJobResult {
  const items: number[] = [];
  const options = job.timeout === undefined ? {} : { timeout: job.timeout };
  try {
    if (job.op === "pop") {
      const consumer = new Consumer<number>(job.ring);
      for (let i = 0; i < (job.count ?? 1); i++) {
        items.push(consumer.pop(options));
      }
    } else {
      const producer = new Producer<number>(job.ring);
      for (const item of job.items ?? []) {
        producer.push(item, options);
        items.push(item);
      }
    }
    return { items };
  } catch (error) {
    const { name, message } = error as Error;
    return { items, error: { name, message } };
  }
}

serve(run);
