// Copyright 2025 the ringproof authors. MIT license.
/**
 * The model checker's command line: `deno task check -- [options]`.
 * Exits 0 when every property holds (and every reachability fact is
 * witnessed), 1 when one fails or the run is incomplete, 2 on bad arguments.
 * This is the only file of `model/` that uses `Deno`.
 *
 * @module
 */

import {
  boundedBuffer,
  type BufferModel,
  type BufferOptions,
  MUTANTS,
  SCHEMES,
  SYNCS,
} from "./bounded_buffer.ts";
import { explore } from "./explore.ts";
import { againstProduction } from "./_against_production.ts";
import {
  bufferProof,
  type ProofProblem,
  type ProofReport,
  prove,
} from "./proof.ts";
import { formatTrace, reportToJson, traceToMermaid } from "./trace.ts";
import { ALL_SIZES_USAGE, allSizesMain } from "./_symbolic/cli.ts";
import type { BufferAction, BufferState } from "./bounded_buffer.ts";
import type { ExploreOptions, Progress, Report } from "./types.ts";

/** Where {@linkcode main} writes. */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error (progress, errors). */
  err(text: string): void;
  /** Whether standard error is a terminal (progress then redraws one line). */
  errIsTerminal: boolean;
  /** Seconds a run must last before progress appears (default 1). */
  progressAfter?: number;
}

/** Bad command-line arguments: exit code 2. */
class UsageError extends Error {
  override name = "UsageError";
}

const USAGE = `Usage: deno task check -- [options]

Model (the textbook bounded buffer):
  --slots N          BUFFER_SIZE, 2 to 64 (default 4)
  --items N          items per producer, 1 to 31 (default 3)
  --scheme S         ${SCHEMES.join(" | ")} (default textbook)
  --producers N      1 to 8 (default 1)
  --consumers N      1 to 8 (default 1)
  --sync S           ${SYNCS.join(" | ")} (default none)
  --mutant NAME      ${MUTANTS.join(" | ")}
  --start N          counter scheme: the counters' initial value (default 0)
Exploration:
  --dfs              depth-first (default: breadth-first, shortest traces)
  --max-states N     stop after N states (verdict incomplete, exit 1)
  --symmetry         symmetry reduction over identical producers/consumers
  --por              partial-order reduction (traces valid, not always shortest)
  --ignore NAMES     comma-separated invariants not to check
  --against TARGET   what to check: model (default), or production: the
                     production rings in lockstep with the model. --sync none:
                     the one-producer ring (--slots, --items, --scheme,
                     --start pick a configuration; by default a grid: both
                     schemes, slots 2-4, 6 items, counters also from
                     2^32 - 3). --sync sequence: the many-producer ring
                     (--producers, --consumers, --slots, --items, --start;
                     by default 2x2, 1 item, slots 2-3, positions also from
                     2 below their wrap). No --sync and no configuration
                     flags: both grids
Proof:
  --proof            prove bound and no-unproduced with the inductive invariant
                     (1 producer, 1 consumer, sync none, no mutant; default
                     --slots 3 --items 2) and show bare safety is not inductive
${ALL_SIZES_USAGE}
Output:
  --json             the report as JSON (schema ringproof.check/1 or ringproof.proof/1)
  --mermaid          a mermaid sequence diagram of the counterexample (or witness)
  --help             this text

Exit status: 0 every property holds and every fact is witnessed; 1 a property
fails, a fact is not witnessed, or the run is incomplete; 2 bad arguments.
`;

const VALUE_FLAGS = [
  "slots",
  "items",
  "scheme",
  "producers",
  "consumers",
  "sync",
  "mutant",
  "start",
  "max-states",
  "ignore",
  "against",
] as const;
const SWITCHES = ["dfs", "symmetry", "por", "proof", "json", "mermaid", "help"];

type Parsed = {
  values: Map<string, string>;
  switches: Set<string>;
};

function parse(args: readonly string[]): Parsed {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") continue; // `deno task check -- …` passes it through
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new UsageError(`Unexpected argument ${arg}`);
    const [, name, inline] = match as unknown as [string, string, string?];
    if (SWITCHES.includes(name)) {
      if (inline !== undefined) {
        throw new UsageError(`Flag --${name} takes no value`);
      }
      switches.add(name);
    } else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`Flag --${name} needs a value`);
      }
      if (values.has(name)) {
        throw new UsageError(`Flag --${name} given twice`);
      }
      values.set(name, value);
    } else {
      throw new UsageError(`Unknown flag --${name} (see --help)`);
    }
  }
  return { values, switches };
}

function integer(parsed: Parsed, flag: string): number | undefined {
  const text = parsed.values.get(flag);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(
      `Flag --${flag} must be a non-negative integer, received ${text}`,
    );
  }
  return Number(text);
}

function bufferOptions(parsed: Parsed, proof: boolean): BufferOptions {
  const options: BufferOptions = {};
  const slots = integer(parsed, "slots") ?? (proof ? 3 : undefined);
  const items = integer(parsed, "items") ?? (proof ? 2 : undefined);
  const producers = integer(parsed, "producers");
  const consumers = integer(parsed, "consumers");
  const start = integer(parsed, "start");
  if (slots !== undefined) options.slots = slots;
  if (items !== undefined) options.items = items;
  if (producers !== undefined) options.producers = producers;
  if (consumers !== undefined) options.consumers = consumers;
  if (start !== undefined) options.start = start;
  const scheme = parsed.values.get("scheme");
  const sync = parsed.values.get("sync");
  const mutant = parsed.values.get("mutant");
  // The model validates names and ranges; its messages name the option.
  if (scheme !== undefined) {
    options.scheme = scheme as BufferOptions["scheme"] & string;
  }
  if (sync !== undefined) options.sync = sync as BufferOptions["sync"] & string;
  if (mutant !== undefined) {
    options.mutant = mutant as BufferOptions["mutant"] & string;
  }
  return options;
}

/** Rewrites a model error ("Cannot create model: slots must …") to name the flag. */
function asUsage(error: unknown): never {
  if (error instanceof RangeError || error instanceof TypeError) {
    const option = /^Cannot create model: (\w+) (.*)$/.exec(error.message);
    if (option !== null) {
      const rest = option[2]!.startsWith("must") ||
          option[2]!.startsWith("applies")
        ? option[2]!
        : `${option[1]} ${option[2]}`;
      throw new UsageError(`Bad value for --${option[1]}: ${rest}`);
    }
    const proof = /^Cannot build proof: (.*)$/.exec(error.message);
    throw new UsageError(
      proof === null ? error.message : `Flag --proof: ${proof[1]}`,
    );
  }
  throw error;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function describeConfig(model: BufferModel): string {
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
    `${c.items} items per producer`,
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
          report.verdict === "pass" ? "" : " (exploration stopped early)"
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

function runCheck(parsed: Parsed, io: CliIo): number {
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
  const report = explore(model, options);
  progress.done();
  const ok = report.verdict === "pass" &&
    report.facts.every((fact) => fact.witnessed);
  if (parsed.switches.has("json")) {
    io.out(JSON.stringify(reportToJson(report, model.config), null, 2) + "\n");
  } else if (parsed.switches.has("mermaid")) {
    const trace = report.counterexample ??
      report.facts.find((f) => f.witness)?.witness;
    const note = report.verdict === "pass"
      ? `witness: ${report.facts.find((f) => f.witness)?.name}`
      : `${report.verdict}: ${report.invariant}`;
    io.out(trace === undefined ? "" : traceToMermaid(trace, note) + "\n");
  } else {
    const checked = Object.keys(model.invariants).filter((n) =>
      !ignore.includes(n)
    );
    io.out(checkText(model, report, checked));
  }
  return ok ? 0 : 1;
}

function proofText(reports: ProofReport<BufferState, BufferAction>[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(
      `candidate: ${report.invariantName}: ${fmt(report.invariantStates)} of ${
        fmt(report.domainStates)
      } domain states satisfy it (${report.seconds.toFixed(2)} s)`,
    );
    for (const o of report.obligations) {
      const unit = o.name === "step"
        ? "transitions"
        : o.checked === 1
        ? "state"
        : "states";
      const head = `  ${o.statement.padEnd(18)} `;
      if (o.proved) {
        lines.push(`${head}proved (${fmt(o.checked)} ${unit} checked)`);
        continue;
      }
      const cex = o.counterexample!;
      if (o.name === "step") {
        lines.push(
          `${head}FAILS: counterexample to induction (${cex.action!.process} ${
            cex.action!.op
          } leaves Inv):`,
          indent(formatTrace([{ action: null, state: cex.state }, {
            action: cex.action!,
            state: cex.next!,
          }], { first: "a state satisfying Inv" })),
        );
      } else {
        lines.push(
          `${head}FAILS${cex.property ? ` (${cex.property})` : ""} in:`,
          indent(formatTrace([{ action: null, state: cex.state }], {
            first: "a state satisfying Inv",
          })),
        );
      }
    }
    lines.push(
      report.proved ? "  => proved for this bound" : "  => not proved",
      "",
    );
  }
  return lines.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((line) => `      ${line}`).join("\n");
}

function runProof(parsed: Parsed, io: CliIo): number {
  const options = bufferOptions(parsed, true);
  for (const flag of ["dfs", "symmetry", "por", "mermaid"]) {
    if (parsed.switches.has(flag)) {
      throw new UsageError(`Flag --${flag} does not apply to --proof`);
    }
  }
  for (const flag of ["max-states", "ignore"]) {
    if (parsed.values.has(flag)) {
      throw new UsageError(`Flag --${flag} does not apply to --proof`);
    }
  }
  let problems: ProofProblem<BufferState, BufferAction>[];
  try {
    problems = [
      bufferProof(options, { invariant: "inductive" }),
      bufferProof(options, { invariant: "safety" }),
    ];
  } catch (error) {
    asUsage(error);
  }
  const size = problems[0]!.domainSize ?? 0;
  if (size > 20_000_000) {
    throw new UsageError(
      `Flag --proof: the domain has ${
        fmt(size)
      } states; use smaller --slots/--items (e.g. --slots 3 --items 2)`,
    );
  }
  const reports = problems.map((problem) => prove(problem));
  const model = problems[0]!.model as BufferModel;
  if (parsed.switches.has("json")) {
    io.out(
      JSON.stringify(
        {
          schema: "ringproof.proof/1",
          config: { ...model.config, mutant: null },
          results: reports.map((r) => ({
            candidate: r.invariantName,
            proved: r.proved,
            domainStates: r.domainStates,
            invariantStates: r.invariantStates,
            seconds: r.seconds,
            obligations: r.obligations.map((o) => ({
              name: o.name,
              statement: o.statement,
              proved: o.proved,
              checked: o.checked,
              counterexample: o.counterexample ?? null,
            })),
          })),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    io.out(`proof: ${describeConfig(model)}\n` + proofText(reports));
  }
  return reports[0]!.proved ? 0 : 1;
}

/**
 * Runs the model checker's command line.
 *
 * @param args The arguments after `--`.
 * @param io Where to write.
 * @returns The exit status: 0, 1 or 2.
 *
 * @example Checking the textbook buffer
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./cli.ts";
 *
 * let out = "";
 * const io = { out: (t: string) => { out += t; }, err: () => {}, errIsTerminal: false };
 * assert.equal(main(["--slots", "3", "--items", "2"], io), 0);
 * assert.match(out, /verdict: PASS/);
 * ```
 */
export function main(args: readonly string[], io: CliIo): number {
  try {
    const parsed = parse(args);
    if (parsed.switches.has("help")) {
      io.out(USAGE);
      return 0;
    }
    const against = parsed.values.get("against") ?? "model";
    if (against === "production") {
      try {
        return againstProduction(parsed, { io });
      } catch (error) {
        asUsage(error);
      }
    }
    if (against !== "model") {
      throw new UsageError(
        `Bad value for --against: must be model or production, received ${against}`,
      );
    }
    return parsed.switches.has("proof")
      ? runProof(parsed, io)
      : runCheck(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ringproof check: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const write = (
    stream: { writeSync(p: Uint8Array): number },
    text: string,
  ) => {
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) {
      at += stream.writeSync(bytes.subarray(at));
    }
  };
  const io = {
    out: (text: string) => write(Deno.stdout, text),
    err: (text: string) => write(Deno.stderr, text),
    errIsTerminal: Deno.stderr.isTerminal(),
  };
  // --all-sizes runs the Z3 prover, which answers asynchronously.
  Deno.exit(
    Deno.args.includes("--all-sizes")
      ? await allSizesMain(Deno.args, io)
      : main(Deno.args, io),
  );
}
