/**
 * The textbook's chain of cooperating processes: a compiler produces assembly
 * code that an assembler consumes; the assembler produces object code that
 * the loader consumes. Three Workers joined by two bounded buffers (rings).
 *
 * One stage is made slow on purpose. Watch the fill levels: the ring in
 * front of the slow stage fills to capacity and its producer has to wait —
 * backpressure — and the wait travels upstream, so no stage ever runs more
 * than a ring's capacity ahead of the next.
 *
 * ```sh
 * deno task pipeline
 * deno run --allow-read examples/pipeline.ts --slow assembler --lines 200 --delay 5
 * ```
 *
 * Exits with status 1 when a check fails, 2 on a bad flag.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { integerFlag, mark, parseOrExit } from "./_flags.ts";
import {
  closeRing,
  createRing,
  inspectRing,
  type RingSnapshot,
} from "@ringproof/ring";
import {
  expectedChecksum,
  INSTRUCTION,
  OBJECT_WORD,
} from "./_pipeline_program.ts";
import type { Stage, StageJob, StageReport } from "./_pipeline_stage.ts";
import { type Job, startWorker, withWatchdog } from "./_worker.ts";

const STAGES: readonly Stage[] = ["compiler", "assembler", "loader"];

interface PipelineOptions {
  readonly slots: number;
  readonly lines: number;
  /** The stage that does slow work, or `"none"`. */
  readonly slow: Stage | "none";
  readonly delayMs: number;
  /** Milliseconds between two printed lines. */
  readonly everyMs: number;
}

const WHAT = "Cannot run pipeline";

const USAGE = `Usage: deno run --allow-read examples/pipeline.ts [options]
  --slots N      BUFFER_SIZE of both rings (default 8)
  --lines N      source lines to compile, one item each (default 300)
  --slow STAGE   compiler, assembler, loader or none (default loader)
  --delay MS     milliseconds of work per item in the slow stage (default 8)
  --every MS     milliseconds between two printed lines (default 250)`;

function parseOptions(args: string[]): PipelineOptions {
  const { values } = parseArgs({
    args,
    options: {
      slots: { type: "string" },
      lines: { type: "string" },
      slow: { type: "string" },
      delay: { type: "string" },
      every: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const slow = values.slow ?? "loader";
  if (slow !== "none" && !STAGES.includes(slow as Stage)) {
    throw new TypeError(
      `${WHAT}: --slow must be compiler, assembler, loader or none, received ${slow}`,
    );
  }
  return {
    slots: integerFlag(values.slots, {
      name: "slots",
      fallback: 8,
      min: 2,
      max: 2 ** 20,
      what: WHAT,
    }),
    lines: integerFlag(values.lines, {
      name: "lines",
      fallback: 300,
      min: 1,
      max: 2 ** 30,
      what: WHAT,
    }),
    slow: slow as Stage | "none",
    delayMs: integerFlag(values.delay, {
      name: "delay",
      fallback: 8,
      min: 0,
      max: 10_000,
      what: WHAT,
    }),
    everyMs: integerFlag(values.every, {
      name: "every",
      fallback: 250,
      min: 10,
      max: 60_000,
      what: WHAT,
    }),
  };
}

/** `[#####...] 5/7 full`: a ring's fill level as a bar. */
function bar(snapshot: RingSnapshot): string {
  const { size, capacity } = snapshot;
  const width = Math.min(capacity, 20);
  const filled = Math.round((size / capacity) * width);
  const label = `${size}/${capacity}${size === capacity ? " full" : ""}`;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${
    label.padEnd(10)
  }`;
}

/** Who is waiting right now, read from the rings' waiting flags. */
function waiters(ring1: RingSnapshot, ring2: RingSnapshot): string {
  const waits: string[] = [];
  if (ring1.producerWaiting) waits.push("compiler waits for room");
  if (ring1.consumerWaiting) waits.push("assembler waits for input");
  if (ring2.producerWaiting) waits.push("assembler waits for room");
  if (ring2.consumerWaiting) waits.push("loader waits for input");
  return waits.join(", ");
}

function explain(options: PipelineOptions): string {
  switch (options.slow) {
    case "loader":
      return `The loader was slow. Ring 2 filled up, so the assembler waited in push()
for room; while it waited it stopped draining ring 1, which filled up too, and
the compiler waited as well. The backpressure travelled all the way upstream.`;
    case "assembler":
      return `The assembler was slow. Ring 1, in front of it, filled up and the compiler
waited in push() for room; ring 2, behind it, stayed nearly empty and the
loader waited in pop() for input.`;
    case "compiler":
      return `The compiler was slow, so both rings stayed nearly empty: the stages behind
it waited in pop() for input. Nothing upstream to hold back.`;
    case "none":
      return `No stage was slowed down: the rings fill and drain as the three Workers
race each other.`;
  }
}

async function main(options: PipelineOptions): Promise<boolean> {
  const { slots, lines, slow, delayMs, everyMs } = options;
  const ring1 = createRing({ slots, item: INSTRUCTION });
  const ring2 = createRing({ slots, item: OBJECT_WORD });
  const capacity = inspectRing(ring1).capacity;
  console.log(
    `Pipeline: compiler --[ring 1]--> assembler --[ring 2]--> loader

  Each stage is a Worker; each ring is a bounded buffer of ${slots} slots holding
  at most ${capacity} items. ${
      slow === "none"
        ? "No stage is slowed down."
        : `The ${slow} does ${delayMs} ms of work per item: it is the slow stage.`
    }
  ${lines} source lines flow through; the fill of both rings is shown every ${everyMs} ms.
`,
  );
  const progress = new SharedArrayBuffer(4 * STAGES.length);
  const done = new Int32Array(progress);
  const module = new URL("./_pipeline_stage.ts", import.meta.url);
  const workers: Job<StageReport>[] = [];
  for (const stage of STAGES) {
    workers.push(await startWorker<StageReport>(module, stage));
  }
  const jobs: StageJob[] = STAGES.map((stage) => ({
    stage,
    lines,
    delayMs: stage === slow ? delayMs : 0,
    progress,
    ...(stage !== "compiler"
      ? { input: stage === "assembler" ? ring1 : ring2 }
      : {}),
    ...(stage !== "loader"
      ? { output: stage === "compiler" ? ring1 : ring2 }
      : {}),
  }));

  const start = performance.now();
  const maxFill = [0, 0];
  const sample = (print: boolean) => {
    const one = inspectRing(ring1);
    const two = inspectRing(ring2);
    maxFill[0] = Math.max(maxFill[0]!, one.size);
    maxFill[1] = Math.max(maxFill[1]!, two.size);
    if (!print) return;
    const seconds = ((performance.now() - start) / 1000).toFixed(2).padStart(6);
    const loaded = String(Atomics.load(done, 2)).padStart(String(lines).length);
    console.log(
      `${seconds}  ${bar(one)}  ${bar(two)}  ${loaded} loaded  ${
        waiters(one, two)
      }`,
    );
  };
  const header = `${"time s".padStart(6)}  ${
    "ring 1: compiler -> assembler".padEnd(Math.min(capacity, 20) + 13)
  }  ${"ring 2: assembler -> loader".padEnd(Math.min(capacity, 20) + 13)}`;
  console.log(header);
  // Sample often for the maximum fill; print every `everyMs`.
  let ticks = 0;
  const perPrint = Math.max(1, Math.round(everyMs / 10));
  const sampler = setInterval(() => sample(++ticks % perPrint === 0), 10);
  try {
    const reports = await withWatchdog(
      Promise.all(workers.map((worker, i) => worker.run(jobs[i]))),
      () => done.reduce((sum, n) => sum + n, 0),
    );
    clearInterval(sampler);
    sample(true);
    const loader = reports[2]!;
    const expected = expectedChecksum(lines);
    const allLoaded = loader.items === lines && loader.firstDisorder === null;
    const sameSum = loader.checksum === expected;
    const bounded = maxFill[0]! <= capacity && maxFill[1]! <= capacity;
    console.log(`
${explain(options)}

Results
  loaded    ${mark(allLoaded)}  ${loader.items} of ${lines} words, ${
      loader.firstDisorder ?? "every address in order"
    }
  memory    ${mark(sameSum)}  checksum ${loader.checksum}, expected ${expected}
  ring 1    ${mark(maxFill[0]! <= capacity)}  max fill ${
      maxFill[0]
    } of ${capacity}${maxFill[0] === capacity ? " (full)" : ""}
  ring 2    ${mark(maxFill[1]! <= capacity)}  max fill ${
      maxFill[1]
    } of ${capacity}${maxFill[1] === capacity ? " (full)" : ""}
`);
    const ok = allLoaded && sameSum && bounded;
    console.log(ok ? "PASS" : "FAIL");
    return ok;
  } catch (error) {
    // Wake every stage still waiting, so the Workers can stop.
    closeRing(ring1);
    closeRing(ring2);
    console.error(`FAIL: ${(error as Error).message}`);
    return false;
  } finally {
    clearInterval(sampler);
    for (const worker of workers) worker.worker.terminate();
  }
}

const options = parseOrExit(() => parseOptions(Deno.args), {
  what: WHAT,
  usage: USAGE,
});
// Exit explicitly: a Worker stuck in a wait would otherwise keep the process
// alive after a failure.
Deno.exit(await main(options) ? 0 : 1);
