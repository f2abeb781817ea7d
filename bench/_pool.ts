// The parent's side of a benchmark Worker: start it, wait for its "ready",
// send it Tasks and read its messages in order, with timeouts; and the timed
// middle of a run (armed, GO, DONE) that every benchmark shares.
import {
  DONE,
  GO,
  type RoleResult,
  type Task,
  type WorkerMessage,
} from "./_protocol.ts";

/** What a Task may carry to transfer: one port, or several. */
export interface PortedTask {
  readonly port?: MessagePort;
  readonly ports?: readonly MessagePort[];
}

/** Where a Worker's script is, and how long it may take to say "ready". */
export interface StartOptions {
  readonly timeoutMs: number;
  /** The Worker's script (default: `_worker.ts`, the role registry). */
  readonly script?: URL;
}

const DEFAULT_SCRIPT = new URL("./_worker.ts", import.meta.url);

/** One benchmark Worker, seen from the parent: sends `T`, reports `R`. */
export class BenchWorker<T extends PortedTask = Task, R = RoleResult> {
  #worker: Worker;
  #queue: WorkerMessage<R>[] = [];
  #waiting: ((message: WorkerMessage<R>) => void) | undefined;

  private constructor(script: URL) {
    this.#worker = new Worker(script, { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<WorkerMessage<R>>) => {
      this.#deliver(event.data);
    };
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#deliver({ type: "error", message: event.message });
    };
  }

  /** Starts a Worker and resolves once it has said it is ready. */
  static async start<T extends PortedTask = Task, R = RoleResult>(
    options: StartOptions,
  ): Promise<BenchWorker<T, R>> {
    const worker = new BenchWorker<T, R>(options.script ?? DEFAULT_SCRIPT);
    const first = await worker.next(options.timeoutMs);
    if (first.type !== "ready") {
      worker.terminate();
      throw new Error(`benchmark Worker failed to start: ${describe(first)}`);
    }
    return worker;
  }

  /** Hands the Worker one Task, transferring its ports if it has any. */
  send(task: T): void {
    const ports = [...(task.port ? [task.port] : []), ...(task.ports ?? [])];
    this.#worker.postMessage(task, ports);
  }

  /** The Worker's next message; rejects after `timeoutMs`. */
  next(timeoutMs: number): Promise<WorkerMessage<R>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        reject(new Error(`no message from the Worker in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }

  #deliver(message: WorkerMessage<R>): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting(message);
    else this.#queue.push(message);
  }
}

/** A Worker message in words, for error reports. */
export function describe(message: WorkerMessage<unknown>): string {
  return message.type === "error" ? message.message : `"${message.type}"`;
}

/** How many timeouts the first Worker of a pool may take to start. */
const FIRST_START = 5;

/**
 * Starts `size` Workers: one first, then the rest side by side, so that
 * where the Worker's module is type-checked (`deno test`) it is checked once
 * and the others find it cached, instead of `size` checks at once. The first
 * may take `FIRST_START` times the timeout: on a loaded machine that check
 * alone took over two minutes, and it is not a hang.
 */
export async function startPool<T extends PortedTask = Task, R = RoleResult>(
  size: number,
  options: StartOptions,
): Promise<BenchWorker<T, R>[]> {
  if (size < 1) return [];
  const first = await BenchWorker.start<T, R>({
    ...options,
    timeoutMs: options.timeoutMs * FIRST_START,
  });
  try {
    const rest = await Promise.all(
      Array.from({ length: size - 1 }, () => BenchWorker.start<T, R>(options)),
    );
    return [first, ...rest];
  } catch (error) {
    first.terminate();
    throw error;
  }
}

/** Sleeps on DONE until `workers` Workers are done; false on timeout. */
function waitForDone(words: Int32Array, workers: number, ms: number): boolean {
  const deadline = performance.now() + ms;
  while (true) {
    const done = Atomics.load(words, DONE);
    if (done >= workers) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(words, DONE, done, left);
  }
}

/**
 * The timed middle of a run whose Tasks `workers` were just sent: waits until
 * each is armed, starts the clock (GO) and stops it when all are DONE.
 * Returns the seconds, or why the run failed — the Workers are then stuck and
 * must be replaced.
 */
export async function timeRun<R>(
  workers: readonly BenchWorker<PortedTask, R>[],
  options: { readonly control: SharedArrayBuffer; readonly timeoutMs: number },
): Promise<number | string> {
  const words = new Int32Array(options.control);
  try {
    for (const worker of workers) {
      const message = await worker.next(options.timeoutMs);
      if (message.type !== "armed") return `not armed: ${describe(message)}`;
    }
  } catch (error) {
    return (error as Error).message;
  }
  // Every Worker is armed and asleep on GO: start the clock. The parent may
  // block on DONE: every role runs in a Worker of its own.
  const start = performance.now();
  Atomics.store(words, GO, 1);
  Atomics.notify(words, GO);
  const finished = waitForDone(words, workers.length, options.timeoutMs);
  const seconds = (performance.now() - start) / 1000;
  if (!finished) return `timed out after ${options.timeoutMs} ms`;
  return seconds;
}

/**
 * Each Worker's next message after a run (its result or its error), in
 * order; a string says why they did not all come — the Workers are then
 * stuck and must be replaced.
 */
export async function collect<R>(
  workers: readonly BenchWorker<PortedTask, R>[],
  timeoutMs: number,
): Promise<WorkerMessage<R>[] | string> {
  const messages: WorkerMessage<R>[] = [];
  try {
    for (const worker of workers) messages.push(await worker.next(timeoutMs));
  } catch (error) {
    return (error as Error).message;
  }
  return messages;
}
