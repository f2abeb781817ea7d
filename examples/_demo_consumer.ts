// The demo's consumer Worker: the textbook's consumer loop.
//
//   while (true) {
//     while (in == out) ; /* do nothing */
//     next_consumed = buffer[out];
//     out = (out + 1) % BUFFER_SIZE;
//     /* consume the item in next_consumed */
//   }
//
// `pop` is that loop body, except that it sleeps instead of spinning while
// the ring is empty, and throws ClosedError once the producer has closed the
// ring and every item is consumed.
import { ClosedError, Consumer } from "@ringproof/ring";
import { Checksum, type DemoItem } from "./_demo_item.ts";
import { serveJob } from "./_worker.ts";

export interface ConsumerJob {
  readonly ring: SharedArrayBuffer;
  /** Where to publish the number of items received, for the watchdog. */
  readonly progress: SharedArrayBuffer;
}

export interface ConsumerReport {
  readonly received: number;
  /** The first id out of order, described; `null` when all were in order. */
  readonly firstDisorder: string | null;
  /** The most items seen in the ring at once. */
  readonly maxFill: number;
  readonly capacity: number;
  readonly checksum: string;
}

serveJob((job: ConsumerJob): ConsumerReport => {
  const consumer = new Consumer<DemoItem>(job.ring);
  const progress = new Int32Array(job.progress);
  const checksum = new Checksum();
  let received = 0;
  let maxFill = 0;
  let firstDisorder: string | null = null;
  while (true) {
    const fill = consumer.size; // in - out, as the consumer sees it now
    if (fill > maxFill) maxFill = fill;
    let nextConsumed: DemoItem;
    try {
      nextConsumed = consumer.pop();
    } catch (error) {
      if (error instanceof ClosedError) break; // closed and drained
      throw error;
    }
    if (nextConsumed.id !== received && firstDisorder === null) {
      firstDisorder =
        `item #${received} has id ${nextConsumed.id}, expected ${received}`;
    }
    checksum.add(nextConsumed);
    received++;
    if ((received & 0xfff) === 0) Atomics.store(progress, 0, received);
  }
  return {
    received,
    firstDisorder,
    maxFill,
    capacity: consumer.capacity,
    checksum: checksum.hex,
  };
});
