// Spawning the stress tests' Workers, waiting for their "ready", and a
// watchdog that fails a run (and terminates its Workers) when it stops
// making progress, so a lost wake-up shows as a failure rather than a hang.
import { closeRing, inspectRing, type Scheme } from "../../mod.ts";
import {
  type ConsumerJob,
  type ConsumerResult,
  P_CONSUMED,
  P_PRODUCED,
  P_PRODUCER_DONE,
  type ProducerJob,
  type ProducerResult,
  PROGRESS_WORDS,
  type Report,
} from "./protocol.ts";

const PRODUCER_MODULE = new URL("./producer.ts", import.meta.url);
const CONSUMER_MODULE = new URL("./consumer.ts", import.meta.url);

/** A Worker that has posted "ready", and the promise of its one result. */
export interface TestWorker {
  readonly name: string;
  readonly result: Promise<unknown>;
  post(job: unknown): void;
  terminate(): void;
}

/**
 * Starts a module Worker and resolves once it has posted "ready"; the
 * Worker's events go to `onEvent`, in order.
 */
export function spawnWorker(
  module: URL,
  name: string,
  options: { readyMs?: number; onEvent?: (event: unknown) => void } = {},
): Promise<TestWorker> {
  // Generous: the first Worker of a run may type-check its whole module graph.
  const { readyMs = 120_000, onEvent } = options;
  const worker = new Worker(module, { type: "module", name });
  const ready = Promise.withResolvers<TestWorker>();
  const result = Promise.withResolvers<unknown>();
  // The caller may stop listening after another Worker failed.
  result.promise.catch(() => {});
  const fail = (message: string) => {
    clearTimeout(timer);
    worker.terminate();
    const error = new Error(`${name}: ${message}`);
    ready.reject(error);
    result.reject(error);
  };
  const timer = setTimeout(
    () => fail(`not ready after ${readyMs} ms`),
    readyMs,
  );
  const handle: TestWorker = {
    name,
    result: result.promise,
    post: (job) => worker.postMessage(job),
    terminate: () => worker.terminate(),
  };
  worker.onmessage = (event: MessageEvent<Report>) => {
    const report = event.data;
    if (report.type === "ready") {
      clearTimeout(timer);
      ready.resolve(handle);
    } else if (report.type === "event") onEvent?.(report.event);
    else if (report.type === "done") result.resolve(report.result);
    else fail(report.message);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    fail(`uncaught ${event.message}`);
  };
  return ready.promise;
}

/**
 * One run of Workers around one ring: spawns them, watches their progress
 * words, and terminates them all on `close()`.
 */
export class StressRun {
  readonly label: string;
  readonly ring: SharedArrayBuffer;
  readonly progress: SharedArrayBuffer = new SharedArrayBuffer(
    PROGRESS_WORDS * 4,
  );
  /** The Worker modules, for {@linkcode StressRun.spawn}. */
  readonly modules = {
    producer: PRODUCER_MODULE,
    consumer: CONSUMER_MODULE,
  } as const;
  #words = new Int32Array(this.progress);
  #workers: TestWorker[] = [];
  #failure = Promise.withResolvers<never>();
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** When progress last changed, or a Worker became ready. */
  #lastChange = performance.now();
  /** Workers still loading: loading (and type-checking) is not a stall. */
  #spawning = 0;

  /**
   * @param label Names the run (and its seed) in every failure message.
   * @param ring The ring under test.
   * @param options `stallMs`: fail when neither side makes progress for
   * this long.
   */
  constructor(
    label: string,
    ring: SharedArrayBuffer,
    options: { stallMs?: number } = {},
  ) {
    this.label = label;
    this.ring = ring;
    this.#failure.promise.catch(() => {});
    const { stallMs = 20_000 } = options;
    let last = -1;
    this.#watchdog = setInterval(() => {
      const now = this.#words[P_PRODUCED]! + this.#words[P_CONSUMED]!;
      if (now !== last || this.#spawning > 0) {
        last = now;
        this.#lastChange = performance.now();
      } else if (performance.now() - this.#lastChange > stallMs) {
        this.#abort(`no progress for ${stallMs} ms (watchdog)`);
      }
    }, 100);
  }

  async spawn(module: URL, name: string): Promise<TestWorker> {
    this.#spawning++;
    try {
      const worker = await spawnWorker(module, name);
      this.#workers.push(worker);
      return worker;
    } finally {
      this.#spawning--;
    }
  }

  /** Spawns a producer Worker and a consumer Worker, both ready. */
  async spawnPair(): Promise<{ producer: TestWorker; consumer: TestWorker }> {
    const consumer = await this.spawn(this.modules.consumer, "consumer");
    const producer = await this.spawn(this.modules.producer, "producer");
    return { producer, consumer };
  }

  /** Posts a producer job on this run's ring; resolves with its result. */
  produce(worker: TestWorker, plan: ProducerPlan): Promise<ProducerResult> {
    const { ring, progress } = this;
    worker.post({ ...plan, role: "producer", ring, progress });
    return this.wait<ProducerResult>(worker);
  }

  /** Posts a consumer job on this run's ring; resolves with its result. */
  consume(worker: TestWorker, plan: ConsumerPlan): Promise<ConsumerResult> {
    const { ring, progress } = this;
    worker.post({ ...plan, role: "consumer", ring, progress });
    return this.wait<ConsumerResult>(worker);
  }

  /** The worker's result, or a rejection as soon as the run fails. */
  wait<T>(worker: TestWorker): Promise<T> {
    return Promise.race([
      worker.result.catch((error: Error) => this.fail(error.message)),
      this.#failure.promise,
    ]) as Promise<T>;
  }

  /** Fails the run: terminates every Worker and rejects every `wait`. */
  fail(why: string): never {
    throw this.#abort(why);
  }

  #abort(why: string): Error {
    const error = new Error(`${this.label}: ${why}\n  ${this.describe()}`);
    this.close();
    this.#failure.reject(error);
    return error;
  }

  /** The run's progress and the ring's header, for failure messages. */
  describe(): string {
    const words = this.#words;
    let ring: string;
    try {
      const { in: i, out, size, closed, producerWaiting, consumerWaiting } =
        inspectRing(this.ring);
      ring = JSON.stringify({
        in: i,
        out,
        size,
        closed,
        producerWaiting,
        consumerWaiting,
      });
    } catch (error) {
      ring = `unreadable (${(error as Error).message})`;
    }
    return `produced >= ${words[P_PRODUCED]}, consumed >= ${
      words[P_CONSUMED]
    }, producer done: ${words[P_PRODUCER_DONE] === 1}, ring: ${ring}`;
  }

  /** Words of the progress buffer, as the Workers publish them. */
  read(word: number): number {
    return Atomics.load(this.#words, word);
  }

  /**
   * Ends the run. Deno's `terminate()` cannot stop a Worker that spins or
   * sleeps in `Atomics.wait`, so first close the ring and lift the consumer's
   * pause: every wait in the Workers then ends on its own.
   */
  close(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    closeRing(this.ring);
    Atomics.store(this.#words, P_PRODUCER_DONE, 1);
    Atomics.notify(this.#words, P_PRODUCER_DONE);
    for (const worker of this.#workers) worker.terminate();
  }
}

/** The parts of the jobs a test chooses; the harness fills in the rest. */
export type ProducerPlan = Omit<ProducerJob, "role" | "ring" | "progress">;
export type ConsumerPlan = Omit<ConsumerJob, "role" | "ring" | "progress">;

export interface StreamOutcome {
  readonly producer: ProducerResult;
  readonly consumer: ConsumerResult;
  /** Wall time from posting the jobs to both results. */
  readonly ms: number;
}

/** Runs `body` with a fresh {@linkcode StressRun}, closing it afterwards. */
export async function withRun<T>(
  label: string,
  ring: SharedArrayBuffer,
  body: (run: StressRun) => Promise<T>,
  options: { stallMs?: number } = {},
): Promise<T> {
  const run = new StressRun(label, ring, options);
  try {
    return await body(run);
  } finally {
    run.close();
  }
}

/**
 * Runs a producer Worker and a consumer Worker on `ring` until both report,
 * failing loudly (never hanging) on the first bad item or a stall.
 */
export function runStream(
  label: string,
  ring: SharedArrayBuffer,
  plans: { producer: ProducerPlan; consumer: ConsumerPlan },
  options: { stallMs?: number } = {},
): Promise<StreamOutcome> {
  return withRun(label, ring, async (run) => {
    const { producer, consumer } = await run.spawnPair();
    const start = performance.now();
    const [produced, consumed] = await Promise.all([
      run.produce(producer, plans.producer),
      run.consume(consumer, plans.consumer),
    ]);
    return {
      producer: produced,
      consumer: consumed,
      ms: performance.now() - start,
    };
  }, options);
}

/** The seed of a test file's random choices: RINGPROOF_SEED, or a fresh one. */
export function seedFromEnv(): number {
  const given = Deno.env.get("RINGPROOF_SEED");
  return given === undefined
    ? Math.floor(Math.random() * 2 ** 32)
    : Number(given);
}

/** A ring's capacity by definition: the textbook scheme keeps a slot free. */
export function expectedCapacity(scheme: Scheme, slots: number): number {
  return scheme === "textbook" ? slots - 1 : slots;
}
