/// <reference lib="deno.worker" />
// A Worker of the many-producer/many-consumer history test: one producer
// (pushes its own items with a random mix of calls, then detaches) or one
// consumer (pops with a random mix of calls until the ring is closed and
// drained). Every call is logged with logical timestamps taken before and
// after it and the size the handle read inside it. Protocol: `serve` from
// `protocol.ts` (posts "ready", takes one ManyHistoryJob).
import { ClosedError, Consumer, Producer } from "../../mod.ts";
import { OP_WORDS, popBy, prng, pushBy } from "./history_protocol.ts";
import type {
  ManyHistoryJob,
  ManyHistoryResult,
} from "./history_many_protocol.ts";
import { itemOf } from "./mpmc_protocol.ts";
import { makeBackoff, P_CONSUMED, P_PRODUCED, serve } from "./protocol.ts";

/** The job's log: the shared clock, and this Worker's entries. */
function openLog(job: ManyHistoryJob) {
  const words = new Int32Array(job.log);
  const clock = new Int32Array(job.clock);
  const log = {
    count: 0,
    /** A logical timestamp, unique and ordered across every Worker. */
    tick: () => Atomics.add(clock, 0, 1),
    /** Entries left. */
    room: () => words.length / OP_WORDS - log.count,
    add(entry: readonly number[]): void {
      words.set(entry, log.count++ * OP_WORDS);
    },
  };
  return log;
}

type Log = ReturnType<typeof openLog>;

function produce(job: ManyHistoryJob, log: Log): void {
  const producer = new Producer<number>(job.ring);
  const progress = new Int32Array(job.progress);
  const random = prng(job.seed);
  const backoff = makeBackoff();
  for (let seq = 0; seq < job.items;) {
    // Once the log has room for just one entry per item left: blocking only.
    const method = log.room() > job.items - seq ? Math.floor(random() * 3) : 1;
    const item = itemOf(job.id, seq);
    const invoked = log.tick();
    const ok = pushBy(producer, method, item);
    const size = producer.size;
    log.add([method, item, ok ? 1 : 0, invoked, log.tick(), size]);
    if (!ok) backoff();
    else if ((++seq & 1023) === 0) Atomics.add(progress, P_PRODUCED, 1);
  }
  // Others may still push: let go; the test closes the ring.
  producer.detach();
}

function consume(job: ManyHistoryJob, log: Log): void {
  const consumer = new Consumer<number>(job.ring);
  const progress = new Int32Array(job.progress);
  const random = prng(job.seed);
  const backoff = makeBackoff();
  // `items` is every producer's items together: more than it can pop.
  for (let popped = 0;;) {
    const method = log.room() > job.items + 1
      ? 3 + Math.floor(random() * 3)
      : 4;
    const invoked = log.tick();
    let value: number | undefined;
    try {
      value = popBy(consumer, method);
    } catch (error) {
      if (error instanceof ClosedError) break; // closed and drained
      throw error;
    }
    const size = consumer.size;
    const ok = value !== undefined;
    log.add([method, value ?? -1, ok ? 1 : 0, invoked, log.tick(), size]);
    if (ok) {
      if ((++popped & 1023) === 0) Atomics.add(progress, P_CONSUMED, 1);
    } else if (consumer.closed && consumer.size === 0) break;
    else backoff();
  }
  consumer.detach();
}

serve<ManyHistoryJob>((job): ManyHistoryResult => {
  const log = openLog(job);
  if (job.role === "producer") produce(job, log);
  else consume(job, log);
  return { operations: log.count };
});
