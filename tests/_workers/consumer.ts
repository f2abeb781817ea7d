// A consumer Worker for the stress tests: pops until the ring is closed and
// drained, checking that it sees exactly 0, 1, …, items - 1 and that the ring
// never holds more than its capacity. The first offending item fails the run.
import { ClosedError, Consumer } from "../../mod.ts";
import {
  checkOf,
  type ConsumerJob,
  type ConsumerResult,
  makeBackoff,
  P_CONSUMED,
  P_PRODUCER_DONE,
  prng,
  PROGRESS_EVERY,
  serve,
  wallClock,
} from "./protocol.ts";

type Struct = { seq: number; check: number };

/** Counts items in, checks each against the next expected number. */
class Tally {
  #job: ConsumerJob;
  #progress: Int32Array;
  #capacity: number;
  received = 0;
  maxSize = 0;

  constructor(job: ConsumerJob, capacity: number) {
    this.#job = job;
    this.#progress = new Int32Array(job.progress);
    this.#capacity = capacity;
  }

  /** Records the ring's fill before a pop; more than capacity is a bug. */
  observe(size: number): void {
    if (size <= this.maxSize) return;
    this.maxSize = size;
    if (size > this.#capacity) {
      throw new Error(
        `Ring holds ${size} items, more than its capacity ${this.#capacity}, before item #${this.received}`,
      );
    }
  }

  accept(value: number): void {
    const expected = this.received;
    if (value !== expected) {
      const why = expected >= this.#job.items
        ? `an extra item after the last one (#${this.#job.items - 1})`
        : value < expected
        ? `a duplicate or stale item`
        : `items lost`;
      throw new Error(
        `FIFO violated at item #${expected}: expected ${expected}, received ${value} (${why})`,
      );
    }
    this.received = expected + 1;
    if ((this.received & (PROGRESS_EVERY - 1)) === 0) {
      Atomics.store(this.#progress, P_CONSUMED, this.received);
    }
    if (this.received === this.#job.pauseAt) {
      // Hold off until the producer has closed, so it closes mid-stream.
      Atomics.wait(this.#progress, P_PRODUCER_DONE, 0);
    }
  }

  result(ending: ConsumerResult["ending"]): ConsumerResult {
    Atomics.store(this.#progress, P_CONSUMED, this.received);
    if (this.received !== this.#job.items) {
      throw new Error(
        `Stream ended (${ending}) after ${this.received} of ${this.#job.items} items: items lost`,
      );
    }
    return {
      received: this.received,
      maxSize: this.maxSize,
      capacity: this.#capacity,
      ending,
      endedAt: wallClock(),
    };
  }
}

/** Runs `pop` and returns `undefined` on ClosedError (closed and drained). */
function popUnlessClosed<T>(pop: () => T): T | undefined {
  try {
    return pop();
  } catch (error) {
    if (error instanceof ClosedError) return undefined;
    throw error;
  }
}

function consume(job: ConsumerJob): ConsumerResult | Promise<ConsumerResult> {
  switch (job.path) {
    case "blocking":
      return popEach(job);
    case "spinning":
      return tryPopEach(job);
    case "async":
      return popEachAsync(job);
    case "iterator":
      return iterate(job);
    case "batch":
      return popBatches(job);
    case "zerocopy":
      return consumeInPlace(job);
  }
}

function attach(
  job: ConsumerJob,
): { consumer: Consumer<number>; tally: Tally } {
  const consumer = new Consumer<number>(job.ring);
  return { consumer, tally: new Tally(job, consumer.capacity) };
}

function popEach(job: ConsumerJob): ConsumerResult {
  const { consumer, tally } = attach(job);
  while (true) {
    tally.observe(consumer.size);
    const item = popUnlessClosed(() => consumer.pop());
    if (item === undefined) return tally.result("ClosedError");
    tally.accept(item);
  }
}

async function popEachAsync(job: ConsumerJob): Promise<ConsumerResult> {
  const { consumer, tally } = attach(job);
  while (true) {
    tally.observe(consumer.size);
    let item: number;
    try {
      item = await consumer.popAsync();
    } catch (error) {
      if (error instanceof ClosedError) return tally.result("ClosedError");
      throw error;
    }
    tally.accept(item);
  }
}

async function iterate(job: ConsumerJob): Promise<ConsumerResult> {
  const { consumer, tally } = attach(job);
  for await (const item of consumer) {
    tally.accept(item);
    tally.observe(consumer.size);
  }
  return tally.result("iterator ended");
}

function tryPopEach(job: ConsumerJob): ConsumerResult {
  const { consumer, tally } = attach(job);
  const backoff = makeBackoff();
  while (true) {
    tally.observe(consumer.size);
    // Read `closed` first: every item was committed before the close.
    const closed = consumer.closed;
    const item = consumer.tryPop();
    if (item !== undefined) {
      tally.accept(item);
      backoff.reset();
    } else if (closed) {
      const last = popUnlessClosed(() => consumer.pop());
      if (last === undefined) return tally.result("ClosedError");
      tally.accept(last);
    } else backoff();
  }
}

/**
 * popMany into seeded random targets, typed (bulk copy) or plain arrays;
 * when the ring is empty, one blocking pop waits for an item.
 */
function popBatches(job: ConsumerJob): ConsumerResult {
  const { consumer, tally } = attach(job);
  const random = prng(job.seed ^ 0x5bd1e995);
  const longest = Math.min(2 * consumer.slots + 1, 4096);
  const typed = new Int32Array(longest);
  while (true) {
    tally.observe(consumer.size);
    const length = 1 + Math.floor(random() * longest);
    const target = random() < 0.5
      ? typed.subarray(0, length)
      : new Array<number>(length);
    const n = consumer.popMany(target);
    for (let k = 0; k < n; k++) tally.accept(target[k]!);
    if (n > 0) continue;
    const item = popUnlessClosed(() => consumer.pop());
    if (item === undefined) return tally.result("ClosedError");
    tally.accept(item);
  }
}

/** The zero-copy path: peek at the struct in place, check it, release it. */
function consumeInPlace(job: ConsumerJob): ConsumerResult {
  const consumer = new Consumer<Struct>(job.ring);
  const tally = new Tally(job, consumer.capacity);
  const backoff = makeBackoff();
  while (true) {
    tally.observe(consumer.size);
    const closed = consumer.closed;
    const view = consumer.peek();
    if (view === null) {
      if (!closed) {
        backoff();
        continue;
      }
      const last = popUnlessClosed(() => consumer.pop());
      if (last === undefined) return tally.result("ClosedError");
      tally.accept(last.seq);
      continue;
    }
    backoff.reset();
    const { seq, check } = view;
    if (check !== checkOf(seq)) {
      throw new Error(
        `Torn item at #${tally.received}: seq ${seq} with check ${check}, expected ${
          checkOf(seq)
        }`,
      );
    }
    // Release before accept: a pause in accept must not hold a slot.
    consumer.release();
    tally.accept(seq);
  }
}

serve(consume);
