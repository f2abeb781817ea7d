// The parent's side of a benchmark Worker: start it, wait for its "ready",
// send it Tasks and read its messages in order, with timeouts.
import type { Task, WorkerMessage } from "./_protocol.ts";

/** One benchmark Worker, seen from the parent. */
export class BenchWorker {
  #worker: Worker;
  #queue: WorkerMessage[] = [];
  #waiting: ((message: WorkerMessage) => void) | undefined;

  private constructor() {
    this.#worker = new Worker(new URL("./_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      this.#deliver(event.data);
    };
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#deliver({ type: "error", message: event.message });
    };
  }

  /** Starts a Worker and resolves once it has said it is ready. */
  static async start(timeoutMs: number): Promise<BenchWorker> {
    const worker = new BenchWorker();
    const first = await worker.next(timeoutMs);
    if (first.type !== "ready") {
      worker.terminate();
      throw new Error(`benchmark Worker failed to start: ${describe(first)}`);
    }
    return worker;
  }

  /** Hands the Worker one Task, transferring its port if it has one. */
  send(task: Task): void {
    this.#worker.postMessage(task, task.port ? [task.port] : []);
  }

  /** The Worker's next message; rejects after `timeoutMs`. */
  next(timeoutMs: number): Promise<WorkerMessage> {
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

  #deliver(message: WorkerMessage): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting(message);
    else this.#queue.push(message);
  }
}

/** A Worker message in words, for error reports. */
export function describe(message: WorkerMessage): string {
  return message.type === "error" ? message.message : `"${message.type}"`;
}

/** Starts `size` Workers side by side. */
export function startPool(
  size: number,
  timeoutMs: number,
): Promise<BenchWorker[]> {
  return Promise.all(
    Array.from({ length: size }, () => BenchWorker.start(timeoutMs)),
  );
}
