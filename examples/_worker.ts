// Starting the examples' Workers. A message posted to a Worker while its
// module is still loading can be lost, so each Worker says "ready" once it
// listens, and the parent waits for that before sending the job.

type Report =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly result: unknown }
  | { readonly type: "failed"; readonly message: string };

/** A Worker that is listening, and the promise of its one result. */
export interface Job<R> {
  readonly worker: Worker;
  /** Posts the job; resolves with the Worker's result. */
  run(job: unknown): Promise<R>;
}

/** Starts `module` as a Worker and resolves once it is ready for its job. */
export function startWorker<R>(module: URL, name: string): Promise<Job<R>> {
  const worker = new Worker(module, { type: "module", name });
  const ready = Promise.withResolvers<Job<R>>();
  const result = Promise.withResolvers<R>();
  const fail = (message: string) => {
    const error = new Error(`${name}: ${message}`);
    ready.reject(error);
    result.reject(error);
  };
  worker.onmessage = (event: MessageEvent<Report>) => {
    const report = event.data;
    if (report.type === "ready") {
      ready.resolve({
        worker,
        run(job) {
          worker.postMessage(job);
          return result.promise;
        },
      });
    } else if (report.type === "done") result.resolve(report.result as R);
    else fail(report.message);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    fail(event.message);
  };
  return ready.promise;
}

/** In a Worker: runs `work` on the job it is sent and posts the result back. */
export function serveJob<J>(work: (job: J) => unknown): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent<J>) => void) | null;
    postMessage(report: Report): void;
  };
  scope.onmessage = async (event) => {
    try {
      scope.postMessage({ type: "done", result: await work(event.data) });
    } catch (error) {
      const message = error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
      scope.postMessage({ type: "failed", message });
    }
  };
  scope.postMessage({ type: "ready" });
}

/** Milliseconds without progress after which an example gives up. */
export const STALL_MS = 10_000;

/**
 * Resolves with `work`, or rejects once `progress()` has not changed for
 * `STALL_MS`: an example must fail loudly, never hang.
 */
export async function withWatchdog<T>(
  work: Promise<T>,
  progress: () => number,
): Promise<T> {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    let last = progress();
    let lastChange = performance.now();
    timer = setInterval(() => {
      const now = progress();
      if (now !== last) {
        last = now;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > STALL_MS) {
        reject(new Error(`no progress for ${STALL_MS / 1000} s`));
      }
    }, 250);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearInterval(timer);
  }
}
