// Copyright 2025 the ringproof authors. MIT license.
// `deno task check` against the model: explore it, print the verdict, the
// figures, the facts' witnesses and the counterexample (or JSON, or Mermaid).

import { boundedBuffer, type BufferModel } from "../bounded_buffer.ts";
import type { BufferAction, BufferState } from "../bounded_buffer.ts";
import { explore } from "../explore.ts";
import {
  bufferSource,
  exploreParallel,
  MAX_WORKERS,
} from "../explore_parallel.ts";
import { formatTrace, reportToJson, traceToMermaid } from "../trace.ts";
import type { ExploreOptions, Progress, Report } from "../types.ts";
import type { CliIo } from "./io.ts";
import {
  asUsage,
  bufferOptions,
  integer,
  type Parsed,
  UsageError,
} from "./args.ts";

export function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function describeConfig(model: BufferModel): string {
  const c = model.config;
  const capacity = Number.isFinite(model.capacity)
    ? ` (capacity ${model.capacity})`
    : "";
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    `scheme ${c.scheme}${
      c.scheme === "counter" && c.start !== 0 ? ` from ${c.start}` : ""
    }`,
    c.scheme === "unbounded" ? null : `slots ${c.slots}${capacity}`,
    `${plural(c.items, "item")} per producer`,
    plural(c.producers, "producer"),
    plural(c.consumers, "consumer"),
    `sync ${c.sync}`,
    c.mutant === undefined ? "no mutant" : `mutant ${c.mutant}`,
  ].filter((x) => x !== null).join(", ");
}

function progressPrinter(io: CliIo): {
  onProgress: (p: Progress) => void;
  done: () => void;
} {
  const after = io.progressAfter ?? 1;
  let shown = false;
  let last = -Infinity;
  return {
    onProgress(p) {
      // A terminal redraws one line; a log gets a line every 2 seconds.
      if (p.seconds < after) return;
      if (!io.errIsTerminal && p.seconds - last < 2) return;
      last = p.seconds;
      const line = `states ${fmt(p.states)}  ${
        fmt(p.statesPerSecond)
      } states/s  frontier ${fmt(p.frontier)}  depth ${p.depth}`;
      io.err(io.errIsTerminal ? `\r\x1b[K${line}` : `${line}\n`);
      shown = true;
    },
    done() {
      if (shown && io.errIsTerminal) io.err("\r\x1b[K");
    },
  };
}

/**
 * Why `bound-tight` cannot be witnessed when fewer items are produced in all
 * than the capacity (a correct buffer then exits 1 too), and how to fix it.
 */
function tooFew(model: BufferModel, fact: string): string {
  const { producers, items } = model.config;
  const total = producers * items;
  if (fact !== "bound-tight" || total >= model.capacity) return "";
  return `: only ${total} item${
    total === 1 ? " is" : "s are"
  } produced in all; --items ${
    Math.ceil(model.capacity / producers)
  } or more lets it fill`;
}

function checkText(
  model: BufferModel,
  report: Report<BufferState, BufferAction>,
  checked: string[],
): string {
  const lines = [`model: ${describeConfig(model)}`];
  switch (report.verdict) {
    case "pass":
      lines.push(
        `verdict: PASS: ${
          [...checked, "deadlock-free"].join(", ")
        } hold in all ${fmt(report.states)} reachable states`,
      );
      break;
    case "incomplete":
      lines.push(
        `verdict: INCOMPLETE: stopped after ${
          fmt(report.states)
        } states; nothing is established`,
      );
      break;
    case "deadlock":
      lines.push(
        "verdict: DEADLOCK: a state with no enabled step that is not an end state",
      );
      break;
    default:
      lines.push(
        `verdict: VIOLATION of ${report.invariant}${
          report.violated!.length > 1
            ? ` (the last state violates ${report.violated!.join(", ")})`
            : ""
        }`,
      );
  }
  lines.push(
    `figures: ${fmt(report.states)} states, ${
      fmt(report.transitions)
    } transitions, depth ${report.depth}, ${report.seconds.toFixed(3)} s, ${
      fmt(report.statesPerSecond)
    } states/s, ${
      report.bytesPerState.toFixed(1)
    } bytes/state, ${report.order}${
      report.symmetry ? ", symmetry reduction" : ""
    }${report.reduction === "por" ? ", partial-order reduction" : ""}`,
  );
  for (const fact of report.facts) {
    const what = fact.name === "bound-tight"
      ? ` (the buffer holds ${model.capacity} items)`
      : "";
    if (fact.witnessed) {
      lines.push(
        `fact ${fact.name}${what}: witnessed in ${
          fact.witness!.length - 1
        } steps`,
      );
      if (report.verdict === "pass") lines.push(formatTrace(fact.witness!), "");
    } else {
      lines.push(
        `fact ${fact.name}${what}: NOT witnessed${
          report.verdict === "pass"
            ? tooFew(model, fact.name)
            : " (exploration stopped early)"
        }`,
      );
    }
  }
  if (report.counterexample !== undefined) {
    lines.push(
      `counterexample: ${report.counterexample.length - 1} steps${
        report.order === "bfs" && report.reduction === "none"
          ? " (shortest)"
          : ""
      }`,
      formatTrace(report.counterexample),
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Builds the symmetry reduction's relabellings now, on the initial state, so
 * a model with too many of them is bad usage here rather than an uncaught
 * error in the middle of the search (or in a Worker).
 */
function symmetryApplies(model: BufferModel): void {
  const canonicalize = model.packed.canonicalize;
  if (canonicalize === undefined) return;
  try {
    canonicalize(model.packed.initial().slice(0, model.packed.words), 0);
  } catch (error) {
    const reason = error instanceof RangeError &&
      /^Cannot use symmetry reduction: (.*)$/.exec(error.message);
    if (!reason) throw error;
    throw new UsageError(`Flag --symmetry: ${reason[1]}`);
  }
}

export function runCheck(
  parsed: Parsed,
  io: CliIo,
): number | Promise<number> {
  let model: BufferModel;
  try {
    model = boundedBuffer(bufferOptions(parsed, false));
  } catch (error) {
    asUsage(error);
  }
  const ignore = parsed.values.get("ignore")?.split(",").filter((x) => x) ?? [];
  for (const name of ignore) {
    if (!(name in model.invariants)) {
      throw new UsageError(
        `Bad value for --ignore: no invariant named ${name} (the model has ${
          Object.keys(model.invariants).join(", ")
        })`,
      );
    }
  }
  if (parsed.switches.has("por") && parsed.switches.has("symmetry")) {
    throw new UsageError("Flag --por does not combine with --symmetry");
  }
  if (model.config.scheme === "unbounded" && parsed.values.has("slots")) {
    throw new UsageError(
      "Flag --slots does not apply to --scheme unbounded (it has no BUFFER_SIZE: one cell per item)",
    );
  }
  if (parsed.switches.has("symmetry")) symmetryApplies(model);
  if (parsed.switches.has("json") && parsed.switches.has("mermaid")) {
    throw new UsageError("Flag --json does not combine with --mermaid");
  }
  const progress = progressPrinter(io);
  const options: ExploreOptions = {
    order: parsed.switches.has("dfs") ? "dfs" : "bfs",
    symmetry: parsed.switches.has("symmetry"),
    reduction: parsed.switches.has("por") ? "por" : "none",
    ignore,
    onProgress: progress.onProgress,
    progressSeconds: Math.min(0.25, io.progressAfter ?? 1),
  };
  const maxStates = integer(parsed, "max-states");
  if (maxStates !== undefined) {
    if (maxStates < 1) {
      throw new UsageError("Flag --max-states must be at least 1, received 0");
    }
    options.maxStates = maxStates;
  }
  const workers = integer(parsed, "workers");
  if (workers !== undefined) {
    if (
      workers < 1 || workers > MAX_WORKERS || options.order === "dfs" ||
      options.reduction === "por"
    ) {
      throw new UsageError(
        `Flag --workers needs N from 1 to ${MAX_WORKERS}, without --dfs or --por, received ${workers}${
          options.order === "dfs" ? " with --dfs" : ""
        }${options.reduction === "por" ? " with --por" : ""}`,
      );
    }
    return exploreParallel<BufferState, BufferAction>(
      bufferSource(bufferOptions(parsed, false)),
      { ...options, workers },
    ).then((report) => {
      progress.done();
      return printCheck(parsed, io, { model, report, ignore });
    });
  }
  const report = explore(model, options);
  progress.done();
  return printCheck(parsed, io, { model, report, ignore });
}

/** Prints a check's report as asked (text, JSON or Mermaid): the exit code. */
function printCheck(
  parsed: Parsed,
  io: CliIo,
  { model, report, ignore }: {
    model: BufferModel;
    report: Report<BufferState, BufferAction>;
    ignore: readonly string[];
  },
): number {
  const ok = report.verdict === "pass" &&
    report.facts.every((fact) => fact.witnessed);
  if (parsed.switches.has("json")) {
    io.out(JSON.stringify(reportToJson(report, model.config), null, 2) + "\n");
  } else if (parsed.switches.has("mermaid")) {
    // The counterexample, else a fact's witness (a pass, or a run stopped
    // early after one was found).
    const witnessed = report.facts.find((f) => f.witness);
    const trace = report.counterexample ?? witnessed?.witness;
    if (trace === undefined) {
      io.err(
        `ringproof check: nothing to draw: verdict ${report.verdict}, no counterexample and no witness\n`,
      );
    } else {
      const note = report.counterexample !== undefined
        ? `${report.verdict}: ${report.invariant}`
        : `witness: ${witnessed!.name}`;
      io.out(traceToMermaid(trace, note) + "\n");
    }
  } else {
    const checked = Object.keys(model.invariants).filter((n) =>
      !ignore.includes(n)
    );
    io.out(checkText(model, report, checked));
  }
  return ok ? 0 : 1;
}
