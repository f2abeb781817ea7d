// One entry of checkCode(): its search options (the entry's over the
// options' defaults), the run (runOne, or runCrash for crash exploration)
// and the entry's report with its failure as printed.
import type { Controller } from "./controller.ts";
import { runOne } from "./run.ts";
import type { CodeFailure, CodeRunReport } from "./run.ts";
import { runCrash } from "./crash.ts";
import {
  describeStep,
  failureToMermaid,
  formatFailure,
  headerOffset,
  reportToJsonObject,
} from "./format.ts";
import type { RingModule } from "./scenario_types.ts";
import type {
  CheckCodeOptions,
  CodeCheckEntry,
  CodeEntryReport,
  CodeFailureReport,
  CodeSearch,
} from "./check_code_types.ts";

/** The deaths and cap of a crash entry: the options' over the entry's. */
function crashOptionsOf(
  options: CheckCodeOptions,
  entry: CodeCheckEntry,
): { deaths?: "one" | "two" | "attach" | "supervisor"; maxPoint?: number } {
  const deaths = options.deaths ?? entry.deaths;
  const maxPoint = options.maxPoint ?? entry.maxPoint;
  return {
    ...(deaths === undefined ? {} : { deaths }),
    ...(maxPoint === undefined ? {} : { maxPoint }),
  };
}

function failureReport(run: CodeRunReport, f: CodeFailure): CodeFailureReport {
  return {
    property: f.property,
    message: f.message,
    schedule: f.schedule,
    quiet: f.quiet,
    steps: f.steps.map((s) => ({
      thread: f.names[s.thread]!,
      operation: describeStep(s, f.layout),
      at: s.op.loc,
      before: s.before,
      after: s.after,
    })),
    table: formatFailure(f),
    mermaid: failureToMermaid(f),
    json: reportToJsonObject(run),
    ...(f.crash === undefined ? {} : { crash: f.crash }),
  };
}

/**
 * Runs one entry of {@linkcode checkCode}'s options on a started controller:
 * `mode` is the options' search (the entry's own search, if any, wins over
 * it unless the options name one).
 */
export function runEntry(
  controller: Controller,
  ring: RingModule,
  job: { options: CheckCodeOptions; entry: CodeCheckEntry; mode: CodeSearch },
): CodeEntryReport {
  const { options, entry, mode } = job;
  const crash = options.crash ?? false;
  const entryMode = options.search ?? entry.search ?? mode;
  const executions = options.executions ?? entry.executions;
  const bound = options.bound ?? entry.bound;
  const common = {
    scenario: entry.scenario,
    params: { ...entry.params },
    mode: entryMode,
    races: options.races ?? true,
    refinement: options.refinement ?? true,
    allowMixed: (entry.allowRaces ?? []).map((name) => {
      const offset = headerOffset(name);
      if (offset === undefined) {
        throw new RangeError(
          `Cannot check code: allowRaces names no header word: ${name}`,
        );
      }
      return offset;
    }),
    ...(bound === undefined ? {} : { bound }),
    ...(executions === undefined ? {} : { executions }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.depth === undefined ? {} : { depth: options.depth }),
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
    ...(options.seconds === undefined ? {} : { seconds: options.seconds }),
  };
  const crashRun = crash
    ? runCrash(controller, ring, {
      ...common,
      ...(entry.victims === undefined ? {} : { victims: entry.victims }),
      ...crashOptionsOf(options, entry),
      ...(options.crashPoint === undefined ? {} : {
        replay: {
          point: options.crashPoint,
          schedule: options.schedule!,
          quiet: options.quiet ?? [],
        },
      }),
    })
    : undefined;
  const run = crashRun ?? runOne(controller, ring, {
    ...common,
    ...(executions === undefined &&
        (entryMode === "random" || entryMode === "pct")
      ? { executions: 100 }
      : {}),
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  return {
    scenario: run.scenario,
    params: run.params,
    search: run.mode,
    ...(entry.known === undefined ? {} : { known: entry.known }),
    verdict: run.verdict,
    executions: run.executions,
    redundant: run.redundant,
    steps: run.steps,
    seconds: run.seconds,
    complete: run.complete,
    ...(run.failure === undefined
      ? {}
      : { failure: failureReport(run, run.failure) }),
    ...(crashRun === undefined ? {} : {
      crashPoints: crashRun.crashPoints,
      victims: crashRun.victims,
    }),
  };
}
