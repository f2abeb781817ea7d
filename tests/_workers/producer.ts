// A producer Worker for the stress tests: pushes 0, 1, …, items - 1 through
// the ring on one path, then closes it (or hangs, to be terminated).
import { Producer, type SlotView } from "../../mod.ts";
import {
  checkOf,
  makeBackoff,
  P_PRODUCED,
  P_PRODUCER_DONE,
  prng,
  type ProducerJob,
  type ProducerResult,
  PROGRESS_EVERY,
  serve,
} from "./protocol.ts";

/** A value no run ever pushes: a consumer that sees it saw a partial item. */
const POISON = -1;

type Struct = { seq: number; check: number };

async function produce(job: ProducerJob): Promise<ProducerResult> {
  const progress = new Int32Array(job.progress);
  const report = (i: number) => Atomics.store(progress, P_PRODUCED, i);
  if (job.path === "zerocopy") {
    const producer = new Producer<Struct>(job.ring);
    const backoff = makeBackoff();
    for (let i = 0; i < job.items; i++) {
      let slot = producer.reserve();
      while (slot === null) {
        backoff();
        slot = producer.reserve();
      }
      backoff.reset();
      slot.seq = i;
      slot.check = checkOf(i);
      producer.commit();
      if ((i & (PROGRESS_EVERY - 1)) === 0) report(i);
    }
    report(job.items);
    await finish(producer, job, (slot) => {
      slot.seq = 0xffffffff;
      slot.check = POISON;
    });
    return { pushed: job.items };
  }
  const producer = new Producer<number>(job.ring);
  const n = job.items;
  switch (job.path) {
    case "blocking":
      for (let i = 0; i < n; i++) {
        producer.push(i);
        if ((i & (PROGRESS_EVERY - 1)) === 0) report(i);
      }
      break;
    case "spinning": {
      const backoff = makeBackoff();
      for (let i = 0; i < n; i++) {
        while (!producer.tryPush(i)) backoff();
        backoff.reset();
        if ((i & (PROGRESS_EVERY - 1)) === 0) report(i);
      }
      break;
    }
    case "async":
      for (let i = 0; i < n; i++) {
        await producer.pushAsync(i);
        if ((i & (PROGRESS_EVERY - 1)) === 0) report(i);
      }
      break;
    case "batch":
      pushBatches(producer, job, report);
      break;
  }
  report(n);
  await finish(producer, job, (slot) => {
    slot[0] = POISON;
  });
  return { pushed: n };
}

/**
 * pushMany with seeded random batch lengths, alternating typed-array (bulk
 * copy) and plain-array batches; when the ring is full, one blocking push
 * waits for room.
 */
function pushBatches(
  producer: Producer<number>,
  job: ProducerJob,
  report: (i: number) => void,
): void {
  const random = prng(job.seed);
  const longest = Math.min(2 * producer.slots + 1, 4096);
  const typed = new Int32Array(longest);
  let next = 0;
  let reported = 0;
  while (next < job.items) {
    const length = Math.min(
      1 + Math.floor(random() * longest),
      job.items - next,
    );
    const batch = random() < 0.5 ? typed.subarray(0, length) : [];
    for (let k = 0; k < length; k++) batch[k] = next + k;
    let done = 0;
    while (done < length) {
      const part = batch instanceof Int32Array
        ? batch.subarray(done)
        : batch.slice(done);
      const pushed = producer.pushMany(part);
      if (pushed > 0) {
        done += pushed;
        continue;
      }
      producer.push(batch[done]!);
      done++;
    }
    next += length;
    if (next - reported >= PROGRESS_EVERY) {
      report(next);
      reported = next;
    }
  }
}

/** Ends the run as the job says. */
function finish<T>(
  producer: Producer<T>,
  job: ProducerJob,
  poison: (slot: SlotView<T>) => void,
): Promise<never> | undefined {
  const progress = new Int32Array(job.progress);
  if (job.end !== "close") {
    // A reservation that is never committed: the consumer must not see it.
    const slot = producer.reserve();
    if (slot !== null) poison(slot);
  }
  if (job.end === "park") {
    Atomics.store(progress, P_PRODUCER_DONE, 1);
    // Hang until the test terminates this Worker. Idle in the event loop, not
    // in Atomics.wait or a spin: Deno's terminate() cannot stop those.
    return new Promise<never>(() => {});
  }
  producer.close();
  Atomics.store(progress, P_PRODUCER_DONE, 1);
  Atomics.notify(progress, P_PRODUCER_DONE);
  return undefined;
}

serve(produce);
