// A Worker of the soak benchmark (`soak.ts`): a producer pushes the
// sequence numbers from `from` to `to` in batches, a consumer pops and checks
// that they come in order, each storing its progress in a shared word after
// every batch. Told to, it dies by throwing (an uncaught error) right after
// storing its progress, between two calls: the supervisor recovers its
// handle and starts a replacement from the progress.
import {
  Consumer,
  Producer,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";

/** What the supervisor sends. */
export interface SoakJob {
  readonly role: "producer" | "consumer";
  readonly engine: "textbook" | "counter" | "sequence" | "unbounded";
  readonly sab: SharedArrayBuffer;
  /** Word 0: the producer's progress, word 1: the consumer's. */
  readonly progress: SharedArrayBuffer;
  /** The first item, and one past the last. */
  readonly from: number;
  readonly to: number;
  /** Die (throw) once progress reaches this; -1 never. */
  readonly dieAt: number;
}

interface Scope {
  onmessage: ((event: MessageEvent<SoakJob>) => void) | null;
  postMessage(message: unknown): void;
}
const scope = self as unknown as Scope;

const BATCH = 256;
/** The unbounded producer waits while this many items are in the buffer. */
const UNBOUNDED_LIMIT = 1 << 16;

class InjectedDeath extends Error {
  override name = "InjectedDeath";
}

function produce(job: SoakJob, progress: Int32Array): void {
  const unbounded = job.engine === "unbounded";
  const producer = unbounded
    ? new UnboundedProducer<number>(job.sab)
    : new Producer<number>(job.sab);
  scope.postMessage({ id: producer.id });
  const batch = new Int32Array(BATCH);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let next = job.from;
  while (next < job.to) {
    const n = Math.min(BATCH, job.to - next);
    for (let i = 0; i < n; i++) batch[i] = next + i;
    if (unbounded) {
      while (producer.size > UNBOUNDED_LIMIT) Atomics.wait(pause, 0, 0, 1);
    }
    let done = producer.pushMany(n === BATCH ? batch : batch.subarray(0, n));
    if (done === 0) {
      producer.push(next); // blocks while full
      done = 1;
    }
    next += done;
    Atomics.store(progress, 0, next);
    if (job.dieAt >= 0 && next >= job.dieAt) throw new InjectedDeath("dies");
  }
  if (!unbounded) (producer as Producer<number>).detach();
  else (producer as UnboundedProducer<number>).detach();
  scope.postMessage("done");
}

function consume(job: SoakJob, progress: Int32Array): void {
  const consumer = job.engine === "unbounded"
    ? new UnboundedConsumer<number>(job.sab)
    : new Consumer<number>(job.sab);
  scope.postMessage({ id: consumer.id });
  const target = new Int32Array(BATCH);
  let expected = job.from;
  while (expected < job.to) {
    let n = consumer.popMany(target);
    if (n === 0) {
      target[0] = consumer.pop(); // blocks while empty
      n = 1;
    }
    for (let i = 0; i < n; i++) {
      if (target[i] !== expected) {
        throw new Error(
          `Soak failed: expected item ${expected}, popped ${target[i]}`,
        );
      }
      expected++;
    }
    Atomics.store(progress, 1, expected);
    if (job.dieAt >= 0 && expected >= job.dieAt) {
      throw new InjectedDeath("dies");
    }
  }
  consumer.detach();
  scope.postMessage("done");
}

scope.onmessage = (event) => {
  const job = event.data;
  const progress = new Int32Array(job.progress);
  if (job.role === "producer") produce(job, progress);
  else consume(job, progress);
};
scope.postMessage("ready");
