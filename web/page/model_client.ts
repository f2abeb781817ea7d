// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The page's side of the model Worker: one request at a time, progress
 * callbacks, and cancelling (the Worker is terminated and a fresh one
 * started on the next request).
 *
 * @module
 */

import type {
  BufferAction,
  BufferOptions,
  BufferState,
  Progress,
  ProofReport,
  Report,
} from "../../model/mod.ts";
import type { ModelMessage, ModelRequest } from "./_protocol.ts";
import type { FillReport } from "./fill.ts";

/** Raised by a request that was cancelled. */
export class CancelledError extends Error {
  override name = "CancelledError";
}

/**
 * Shows on a panel's status line how its request ended early: "Cancelled."
 * (state `stopped`) when it was cancelled, else `error` (state `error`).
 */
export function showFailure(
  status: HTMLElement,
  caught: unknown,
  error: string,
): void {
  const cancelled = caught instanceof CancelledError;
  status.dataset.state = cancelled ? "stopped" : "error";
  status.textContent = cancelled ? "Cancelled." : error;
}

/** Runs the explorer and the proof in a Worker. */
export class ModelClient {
  #worker: Worker | null = null;
  #ready: Promise<Worker> | null = null;
  #reject: ((error: Error) => void) | null = null;

  #start(): Promise<Worker> {
    if (this.#ready !== null) return this.#ready;
    const worker = new Worker("/model_worker.js", { type: "module" });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<ModelMessage>) => {
        if (event.data.kind === "ready") resolve(worker);
      };
      worker.onerror = (event) => {
        reject(new Error(`The model Worker failed to start: ${event.message}`));
      };
    });
    return this.#ready;
  }

  async #request(
    request: ModelRequest,
    onProgress: (progress: Progress) => void,
    onProofProgress: (done: number, total: number) => void = () => {},
  ): Promise<ModelMessage> {
    if (this.#reject !== null) {
      throw new Error("Cannot start: the model Worker is busy");
    }
    const worker = await this.#start();
    return await new Promise<ModelMessage>((resolve, reject) => {
      this.#reject = reject;
      worker.onmessage = (event: MessageEvent<ModelMessage>) => {
        const message = event.data;
        if (message.kind === "progress") {
          onProgress(message.progress);
        } else if (message.kind === "proof-progress") {
          onProofProgress(message.done, message.total);
        } else if (message.kind === "error") {
          this.#reject = null;
          reject(new Error(message.message));
        } else if (message.kind !== "ready") {
          this.#reject = null;
          resolve(message);
        }
      };
      worker.onerror = (event) => {
        this.#reject = null;
        reject(new Error(`The model Worker failed: ${event.message}`));
      };
      worker.postMessage(request);
    });
  }

  /** Whether a request is running. */
  get busy(): boolean {
    return this.#reject !== null;
  }

  /**
   * Explores the model.
   *
   * @param options The model's parameters.
   * @param run The order, the state limit and a progress callback.
   * @returns The explorer's report, and on a pass that never filled the
   * buffer, the fill levels reached.
   */
  async explore(
    options: BufferOptions,
    run: {
      order: "bfs" | "dfs";
      maxStates: number;
      onProgress: (progress: Progress) => void;
    },
  ): Promise<
    { report: Report<BufferState, BufferAction>; fill?: FillReport }
  > {
    const message = await this.#request(
      { kind: "explore", options, order: run.order, maxStates: run.maxStates },
      run.onProgress,
    );
    if (message.kind !== "report") throw new Error("Unexpected reply");
    return message.fill === undefined
      ? { report: message.report }
      : { report: message.report, fill: message.fill };
  }

  /**
   * Checks the proof obligations of the inductive invariant and of the bare
   * safety property.
   *
   * @param options The model's parameters.
   * @param onProgress Called with the domain states checked so far and in all.
   * @returns The two proof reports.
   */
  async prove(
    options: BufferOptions,
    onProgress: (done: number, total: number) => void = () => {},
  ): Promise<ProofReport<BufferState, BufferAction>[]> {
    const message = await this.#request(
      { kind: "prove", options },
      () => {},
      onProgress,
    );
    if (message.kind !== "proof") throw new Error("Unexpected reply");
    return message.reports;
  }

  /** Stops the running request (its promise rejects with {@linkcode CancelledError}). */
  cancel(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
    const reject = this.#reject;
    this.#reject = null;
    reject?.(new CancelledError("Cancelled"));
  }
}
