/// <reference lib="deno.worker" />
// A Worker of the unbounded buffer's stress tests: the producer pushes the
// sequence numbers 0, 1, 2, … and closes; the consumer pops until the buffer
// is closed and drained, checking that it gets exactly that sequence.
import {
  ClosedError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../../mod.ts";
import { makeBackoff, prng, serve } from "./protocol.ts";
import type {
  UnboundedConsumerJob,
  UnboundedConsumerResult,
  UnboundedJob,
  UnboundedProducerJob,
  UnboundedProducerResult,
} from "./unbounded_protocol.ts";

/** Largest batch of pushMany/popMany. */
const BATCH = 64;

function produce(job: UnboundedProducerJob): UnboundedProducerResult {
  const producer = new UnboundedProducer<number>(job.buffer);
  const random = prng(job.seed);
  const backoff = makeBackoff();
  let seq = 0;
  let refusals = 0;
  let maxSegments = 0;
  while (seq < job.items) {
    if (job.keepUp > 0) {
      while (producer.size > job.keepUp && !producer.closed) backoff();
    }
    try {
      if (job.path === "push") {
        producer.push(seq);
        seq++;
      } else if (job.path === "reserve") {
        producer.reserve()[0] = seq;
        producer.commit();
        seq++;
      } else {
        const n = Math.min(1 + Math.floor(random() * BATCH), job.items - seq);
        seq += producer.pushMany(
          Int32Array.from({ length: n }, (_, i) => seq + i),
        );
      }
    } catch (error) {
      // At maxBytes nothing was written: wait for the consumer, then retry.
      if (!(error instanceof RangeError)) throw error;
      refusals++;
      backoff();
    }
    if ((seq & 255) === 0) {
      maxSegments = Math.max(maxSegments, producer.segments);
    }
  }
  maxSegments = Math.max(maxSegments, producer.segments);
  producer.close();
  return { pushed: seq, refusals, maxSegments };
}

async function consume(
  job: UnboundedConsumerJob,
): Promise<UnboundedConsumerResult> {
  const consumer = new UnboundedConsumer<number>(job.buffer);
  const random = prng(job.seed);
  const backoff = makeBackoff();
  let expected = 0;
  let firstBad: UnboundedConsumerResult["firstBad"] = null;
  let maxSegments = 0;
  const check = (got: number) => {
    if (got !== expected && firstBad === null) firstBad = { at: expected, got };
    expected++;
    if ((expected & 255) === 0) {
      maxSegments = Math.max(maxSegments, consumer.segments);
    }
  };
  /** A blocking pop; false once the buffer is closed and drained. */
  const popOne = () => {
    try {
      check(consumer.pop());
      return true;
    } catch (error) {
      if (error instanceof ClosedError) return false;
      throw error;
    }
  };
  if (job.path === "async") {
    for await (const item of consumer) check(item);
  } else if (job.path === "pop") {
    while (popOne());
  } else if (job.path === "batch") {
    const target = new Int32Array(BATCH);
    while (true) {
      const n = consumer.popMany(
        target.subarray(0, 1 + Math.floor(random() * BATCH)),
      );
      for (let i = 0; i < n; i++) check(target[i]!);
      // Empty: sleep in a blocking pop until the next item or the end.
      if (n === 0 && !popOne()) break;
    }
  } else {
    while (true) {
      const view = consumer.peek();
      if (view !== null) {
        check(view[0]!);
        consumer.release();
      } else if (consumer.closed && consumer.peek() === null) break;
      else backoff();
    }
  }
  maxSegments = Math.max(maxSegments, consumer.segments);
  return { received: expected, firstBad, maxSegments };
}

serve<UnboundedJob>((job) =>
  job.role === "producer" ? produce(job) : consume(job)
);
