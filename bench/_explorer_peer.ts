// The single-thread peer of the parallel explorer's benches: `explore()` on
// the bench model in a Worker of its own (`_explorer_worker.ts`), so the
// thread's own cost (heap, GC, JIT) compares fairly with the pool's Workers.

/** One search's figures, as the peer Worker posts them. */
export interface InWorker {
  verdict: string;
  states: number;
  /** `explore()`'s own clock. */
  seconds: number;
  /** The Worker thread's CPU seconds over the search. */
  cpuSeconds: number;
}

/** Starts the Worker running `explore()`; resolves once it is ready. */
export function peerWorker(): Promise<Worker> {
  const worker = new Worker(
    new URL("./_explorer_worker.ts", import.meta.url),
    { type: "module" },
  );
  return new Promise((resolve, reject) => {
    worker.onmessage = () => resolve(worker);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
  });
}

/** One search in a Worker from {@linkcode peerWorker}; the model must pass. */
export function searchInWorker(worker: Worker): Promise<InWorker> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<InWorker>) => {
      if (event.data.verdict !== "pass") {
        reject(
          new Error(`The bench model must pass, got ${event.data.verdict}`),
        );
      } else resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
    worker.postMessage(null);
  });
}
