// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The page's side of the Z3 proof Worker: started on the first request
 * only (so Z3 is loaded only when the user asks for it), kept for the next
 * (Z3 stays loaded), and terminated on cancel — which also ends Z3's thread
 * Workers, its children.
 *
 * @module
 */

import type { AllSizesReport } from "../../model/mod.ts";
import type { AllSizesMessage, AllSizesRequest } from "./_protocol.ts";
import type { AllSizesRun } from "./all_sizes.ts";
import { CancelledError } from "./model_client.ts";

/** What a proof request reports while it runs. */
export interface AllSizesCallbacks {
  /** Z3 is loaded, after `seconds`. */
  onLoaded?: (seconds: number) => void;
  /** Run `index` starts. */
  onRunStart?: (index: number) => void;
  /** Run `index` is done. */
  onRunDone?: (index: number, report: AllSizesReport) => void;
}

/** Runs `proveAllSizes` in the Z3 Worker. */
export class Z3Client {
  #worker: Worker | null = null;
  #ready: Promise<Worker> | null = null;
  #reject: ((error: Error) => void) | null = null;
  #loaded = false;

  #start(): Promise<Worker> {
    if (this.#ready !== null) return this.#ready;
    // A classic Worker: it loads Z3's Emscripten script with importScripts.
    const worker = new Worker("/proof_worker.js", { name: "ringproof-z3" });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<AllSizesMessage>) => {
        if (event.data.kind === "ready") resolve(worker);
        if (event.data.kind === "error") reject(new Error(event.data.message));
      };
      worker.onerror = (event) => {
        reject(new Error(`The Z3 Worker failed to start: ${event.message}`));
      };
    });
    this.#ready.catch(() => this.#drop());
    return this.#ready;
  }

  #drop(): void {
    this.#loaded = false;
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
  }

  /** Whether Z3 is loaded in the Worker (a next request starts at once). */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** Whether a request is running. */
  get busy(): boolean {
    return this.#reject !== null;
  }

  /**
   * Runs the proofs, one after the other.
   *
   * @param runs The runs.
   * @param callbacks Called as Z3 loads and each run starts and ends.
   * @returns The reports, in the order of the runs.
   */
  async prove(
    runs: AllSizesRun[],
    callbacks: AllSizesCallbacks = {},
  ): Promise<AllSizesReport[]> {
    if (this.#reject !== null) {
      throw new Error("Cannot start: the Z3 Worker is busy");
    }
    const reports: AllSizesReport[] = [];
    let reject: (error: Error) => void = () => {};
    const done = new Promise<AllSizesReport[]>((resolve, fail) => {
      reject = fail;
      this.#reject = fail;
      const request: AllSizesRequest = { kind: "prove-all-sizes", runs };
      this.#start().then((worker) => {
        if (this.#reject !== fail) return; // cancelled while starting
        worker.onmessage = (event: MessageEvent<AllSizesMessage>) => {
          const message = event.data;
          if (message.kind === "z3-loaded") {
            this.#loaded = true;
            callbacks.onLoaded?.(message.seconds);
          } else if (message.kind === "run-start") {
            callbacks.onRunStart?.(message.index);
          } else if (message.kind === "run-done") {
            reports[message.index] = message.report;
            callbacks.onRunDone?.(message.index, message.report);
          } else if (message.kind === "done") {
            this.#reject = null;
            resolve(reports);
          } else if (message.kind === "error") {
            this.#reject = null;
            this.#drop();
            fail(new Error(`Cannot prove: ${message.message}`));
          }
        };
        worker.onerror = (event) => {
          this.#reject = null;
          this.#drop();
          // Z3's threads report a crash as an error event (its message
          // "Uncaught [object ErrorEvent]"): say what happened and what to do.
          fail(
            new Error(
              `Z3 stopped with an error in the browser (${event.message}); press Prove again to reload it`,
            ),
          );
        };
        worker.postMessage(request);
      }, (error: Error) => {
        this.#reject = null;
        fail(error);
      });
    });
    try {
      return await done;
    } finally {
      if (this.#reject === reject) this.#reject = null;
    }
  }

  /** Stops the running request (its promise rejects with {@linkcode CancelledError}). */
  cancel(): void {
    this.#drop();
    const reject = this.#reject;
    this.#reject = null;
    reject?.(new CancelledError("Cancelled"));
  }
}
