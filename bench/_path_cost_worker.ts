// A Worker running one contender of bench/path_cost.ts (a fresh isolate
// each, so every call site sees one contender's calls, as in a program that
// uses one of them). The Worker is named after its contender; it posts
// "ready", then answers each request with [nanoseconds per item, checksum].
/// <reference lib="deno.worker" />
import { CONTENDERS, ITEMS, type PathRequest } from "./_path_cost.ts";

const runs = new Map<number, (burst: number) => number>();
self.onmessage = (event: MessageEvent<PathRequest>) => {
  const { slots, scheme, burst } = event.data;
  const contender = CONTENDERS[self.name];
  if (contender === undefined) throw new Error(`no contender ${self.name}`);
  // One loop per burst size, built once: later rounds time warm code.
  let run = runs.get(burst);
  if (run === undefined) runs.set(burst, run = contender(slots, scheme));
  const start = performance.now();
  const sum = run(burst);
  self.postMessage([(performance.now() - start) * 1e6 / ITEMS, sum]);
};
self.postMessage("ready");
