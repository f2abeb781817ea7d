// Copyright 2025 the ringproof authors. MIT license.
// The single-thread peer in a Worker: `explore()` on the bench model, run in
// the same kind of thread as the parallel search's Workers, so the thread's
// own cost (heap, GC, JIT) is compared fairly. Posts "ready", then answers
// each message with one search's seconds (explore()'s own clock) and its
// thread's CPU seconds.
import process from "node:process";
import { boundedBuffer, explore } from "../model/mod.ts";
import { BENCH_MODEL } from "./_explorer_model.ts";

const scope = self as unknown as {
  onmessage: (() => void) | null;
  postMessage(message: unknown): void;
};
const model = boundedBuffer(BENCH_MODEL);

function threadCpu(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1e6;
}

scope.onmessage = () => {
  const cpu = threadCpu();
  const report = explore(model);
  scope.postMessage({
    verdict: report.verdict,
    states: report.states,
    seconds: report.seconds,
    cpuSeconds: threadCpu() - cpu,
  });
};
scope.postMessage("ready");
