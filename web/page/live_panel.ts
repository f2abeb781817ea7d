// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The live section: the production ring (`createRing`) between a producer
 * Worker and a consumer Worker, sampled ten times a second with
 * `inspectRing`: the ring drawn with its real `in` and `out`, a plot of the
 * fill level against the capacity, a plot of the throughput, and a slider
 * that slows the consumer down.
 *
 * @module
 */

import {
  closeRing,
  createRing,
  inspectRing,
  type RingSnapshot,
} from "../../mod.ts";
import { byId, count } from "./_dom.ts";
import { CONTROL, type RingJob, type RingMessage } from "./_protocol.ts";
import { drawPlot } from "./plot.ts";
import { drawRing } from "./ring_view.ts";
import { checkInteger } from "./limits.ts";
import { liveRingView, niceCeil } from "./live_view.ts";

const SAMPLE_MS = 100;
const WIDTH = 100;

interface Run {
  ring: SharedArrayBuffer;
  control: Int32Array;
  workers: Worker[];
  stopped: Promise<RingMessage[]>;
  timer: ReturnType<typeof setInterval>;
  fill: number[];
  rate: number[];
  lastConsumed: number;
  lastTime: number;
  maxFill: number;
}

function startWorker(
  job: RingJob,
): { worker: Worker; stopped: Promise<RingMessage> } {
  const worker = new Worker("/ring_worker.js", { type: "module" });
  const stopped = new Promise<RingMessage>((resolve) => {
    worker.onmessage = (event: MessageEvent<RingMessage>) => {
      if (event.data.kind === "ready") worker.postMessage(job);
      else resolve(event.data);
    };
    worker.onerror = (event) =>
      resolve({ kind: "stopped", role: job.role, error: event.message });
  });
  return { worker, stopped };
}

/**
 * Items published so far: the counter itself, or for the textbook's index
 * the count `produced` (read before the header) rounded up to `in` mod
 * `slots` — the producer cannot get a whole ring further meanwhile.
 */
function publishedCount(snapshot: RingSnapshot, produced: number): number {
  if (snapshot.scheme === "counter") return snapshot.in;
  const { slots } = snapshot;
  return produced + (((snapshot.in - produced) % slots) + slots) % slots;
}

function sample(run: Run): void {
  const before = Atomics.load(run.control, CONTROL.produced);
  const snapshot = inspectRing(run.ring);
  const now = performance.now();
  const produced = Atomics.load(run.control, CONTROL.produced);
  const consumed = Atomics.load(run.control, CONTROL.consumed);
  const rate = ((consumed - run.lastConsumed) * 1000) /
    Math.max(1, now - run.lastTime);
  run.lastConsumed = consumed;
  run.lastTime = now;
  run.maxFill = Math.max(
    run.maxFill,
    snapshot.size,
    Atomics.load(run.control, CONTROL.maxFill),
  );
  run.fill.push(snapshot.size);
  run.rate.push(rate);
  if (run.fill.length > WIDTH) run.fill.shift();
  if (run.rate.length > WIDTH) run.rate.shift();

  const data = new DataView(run.ring);
  const values = Array.from(
    { length: snapshot.slots },
    (_, i) => data.getInt32(snapshot.offsets.data + i * snapshot.stride, true),
  );
  const view = liveRingView(values, snapshot, publishedCount(snapshot, before));
  drawRing(byId("live-ring", SVGSVGElement), view);
  byId("live-caption", HTMLElement).textContent =
    `The production ring: ${view.inText}, ${view.outText}, ${snapshot.size} of ${snapshot.capacity} items.`;
  drawPlot(byId("fill-plot", SVGSVGElement), run.fill, {
    max: snapshot.slots,
    limit: { value: snapshot.capacity, label: `capacity ${snapshot.capacity}` },
    unit: "items",
    width: WIDTH,
  });
  // The scale follows the last 3 seconds, so it comes down when the
  // consumer is slowed; older, higher samples are clipped at the top.
  drawPlot(byId("rate-plot", SVGSVGElement), run.rate, {
    max: niceCeil(Math.max(...run.rate.slice(-30)) * 1.1),
    unit: "items/s",
    width: WIDTH,
  });
  const status = byId("live-status", HTMLElement);
  const beyond = run.maxFill > snapshot.capacity;
  status.dataset.fill = String(snapshot.size);
  status.dataset.maxFill = String(run.maxFill);
  status.dataset.capacity = String(snapshot.capacity);
  status.textContent =
    `Fill ${snapshot.size} of capacity ${snapshot.capacity}; most seen ${run.maxFill} — ${
      beyond ? "✗ BEYOND CAPACITY" : "✓ never beyond capacity"
    }. Produced ${count(produced)}, consumed ${count(consumed)}, ${
      count(rate)
    } items/s.`;
  status.classList.toggle("broken", beyond);
}

/** Sets up the live section. */
export function setupLivePanel(): void {
  const form = byId("live-config", HTMLFormElement);
  const start = byId("live-start", HTMLButtonElement);
  const stop = byId("live-stop", HTMLButtonElement);
  const delay = byId("delay", HTMLInputElement);
  const delayText = byId("delay-value", HTMLOutputElement);
  let run: Run | null = null;

  const setDelay = () => {
    delayText.value = `${delay.value} ms`;
    if (run !== null) {
      Atomics.store(
        run.control,
        CONTROL.consumerDelayUs,
        Number(delay.value) * 1000,
      );
    }
  };
  delay.addEventListener("input", setDelay);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (run !== null) return;
    if (typeof SharedArrayBuffer !== "function") {
      byId("live-status", HTMLElement).textContent =
        "✗ SharedArrayBuffer is unavailable: the page is not cross-origin isolated.";
      return;
    }
    const data = new FormData(form);
    let ring: SharedArrayBuffer;
    try {
      ring = createRing({
        slots: checkInteger("slots", data.get("slots"), {
          min: 2,
          max: 64,
          fromText: true,
        }),
        scheme: data.get("scheme") as "textbook" | "counter",
      });
    } catch (caught) {
      byId("live-status", HTMLElement).textContent = `✗ ${
        (caught as Error).message
      }`;
      return;
    }
    const controlBuffer = new SharedArrayBuffer(CONTROL.length * 4);
    const control = new Int32Array(controlBuffer);
    const started = (["consumer", "producer"] as const).map((role) =>
      startWorker({ role, ring, control: controlBuffer })
    );
    run = {
      ring,
      control,
      workers: started.map((w) => w.worker),
      stopped: Promise.all(started.map((w) => w.stopped)),
      timer: setInterval(() => run !== null && sample(run), SAMPLE_MS),
      fill: [],
      rate: [],
      lastConsumed: 0,
      lastTime: performance.now(),
      maxFill: 0,
    };
    setDelay();
    start.disabled = true;
    stop.disabled = false;
  });

  stop.addEventListener("click", async () => {
    const current = run;
    if (current === null) return;
    run = null;
    clearInterval(current.timer);
    Atomics.store(current.control, CONTROL.stop, 1);
    closeRing(current.ring);
    const timeout = new Promise<null>((resolve) =>
      setTimeout(() => resolve(null), 1000)
    );
    const messages = await Promise.race([current.stopped, timeout]);
    for (const worker of current.workers) worker.terminate();
    sample(current);
    const errors = (messages ?? []).flatMap((m) =>
      m.kind === "stopped" && m.error ? [`${m.role}: ${m.error}`] : []
    );
    const status = byId("live-status", HTMLElement);
    status.textContent = `Stopped. ${status.textContent}${
      errors.length > 0 ? ` Errors: ${errors.join("; ")}` : ""
    }`;
    start.disabled = false;
    stop.disabled = true;
  });
}
