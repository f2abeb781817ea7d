/// <reference lib="deno.worker" />
// One side of the history stress test: pushes (or pops) with a random mix of
// calls, logging each with logical timestamps taken before and after it and
// the size the side read inside it. Protocol: `serve` from `protocol.ts`
// (posts "ready", takes one HistoryJob, reports how many operations it logged).
import { ClosedError, Consumer, Producer } from "../../mod.ts";
import {
  type HistoryJob,
  type HistoryResult,
  LOG_PER_ITEM,
  OP_WORDS,
  popBy,
  prng,
  pushBy,
} from "./history_protocol.ts";
import { serve } from "./protocol.ts";

class Log {
  readonly #words: Int32Array;
  readonly #clock: Int32Array;
  count = 0;

  constructor(job: HistoryJob) {
    this.#words = new Int32Array(job.log);
    this.#clock = new Int32Array(job.clock);
  }

  /** A logical timestamp: unique, ordered across both Workers. */
  tick(): number {
    return Atomics.add(this.#clock, 0, 1);
  }

  /** Room left, in operations. */
  get room(): number {
    return this.#words.length / OP_WORDS - this.count;
  }

  add(entry: readonly number[]): void {
    this.#words.set(entry, this.count++ * OP_WORDS);
  }
}

function produce(job: HistoryJob, log: Log): void {
  const producer = new Producer<number>(job.ring);
  const random = prng(job.seed);
  for (let next = 0; next < job.items;) {
    // Near the end of the log only blocking pushes, which never fail.
    const method = log.room > job.items - next ? Math.floor(random() * 3) : 1;
    const invoked = log.tick();
    const ok = pushBy(producer, method, next);
    const size = producer.size;
    log.add([method, next, ok ? 1 : 0, invoked, log.tick(), size]);
    if (ok) next++;
  }
  producer.close();
}

function consume(job: HistoryJob, log: Log): void {
  const consumer = new Consumer<number>(job.ring);
  const random = prng(job.seed);
  let closedSeen = false;
  for (;;) {
    const method = log.room > 2 * job.items ? 3 + Math.floor(random() * 3) : 4;
    const invoked = log.tick();
    let value: number | undefined;
    try {
      value = popBy(consumer, method);
    } catch (error) {
      if (error instanceof ClosedError) return; // closed and drained
      throw error;
    }
    const size = consumer.size;
    const ok = value !== undefined;
    log.add([method, value ?? -1, ok ? 1 : 0, invoked, log.tick(), size]);
    if (ok) continue;
    // The producer publishes its last `in` before closing: one more empty
    // answer after the close was seen means the ring is drained.
    if (closedSeen) return;
    closedSeen = consumer.closed;
  }
}

serve<HistoryJob>((job): HistoryResult => {
  const log = new Log(job);
  if (log.room < LOG_PER_ITEM * job.items) {
    throw new RangeError("The log is too small for the job");
  }
  if (job.role === "producer") produce(job, log);
  else consume(job, log);
  return { operations: log.count };
});
