// Output of a failing execution: a per-thread table a student can follow,
// JSON that replays it, and a Mermaid sequence diagram.
import {
  K_BARRIER,
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
  type Step,
} from "./controller.ts";
import type { CodeFailure, CodeRunReport, RingLayout } from "./run.ts";
import { RMW_NAMES } from "./shim.ts";

/**
 * Names of the header words of a ring (byte offsets), for display only:
 * `in`, `out` and the slots come from inspectRing(); these name the rest.
 */
const HEADER_NAMES: Record<number, string> = {
  0: "magic",
  4: "version",
  8: "slots",
  12: "scheme",
  16: "stride",
  20: "descriptorBytes",
  24: "dataOffset",
  28: "byteLength",
  32: "closed",
  36: "producerAttached",
  40: "consumerAttached",
  44: "sides",
  68: "inSlot",
  72: "consumerWaiting",
  76: "consumerWaiters",
  132: "outSlot",
  136: "producerWaiting",
  140: "producerWaiters",
};

/** The byte offset of a header word named in {@linkcode HEADER_NAMES}. */
export function headerOffset(name: string): number | undefined {
  for (const [offset, word] of Object.entries(HEADER_NAMES)) {
    if (word === name) return Number(offset);
  }
  return undefined;
}

/** The configuration words, read once when a handle attaches. */
const CONFIG_WORDS = new Set([0, 4, 8, 12, 16, 20, 24, 28, 44]);

/** A word's name: `in`, `out`, `slot 1`, a header word, or its offset. */
export function wordName(addr: number, layout: RingLayout | null): string {
  if (layout === null) return `word @${addr}`;
  if (addr === layout.in) return "in";
  if (addr === layout.out) return "out";
  const end = layout.data + layout.slots * layout.stride;
  if (addr >= layout.data && addr < end) {
    const slot = Math.floor((addr - layout.data) / layout.stride);
    const within = (addr - layout.data) % layout.stride;
    return within === 0 ? `slot ${slot}` : `slot ${slot}+${within}`;
  }
  if (addr >= end) return `seq[${Math.floor((addr - end) / 4)}]`;
  return HEADER_NAMES[addr] ?? `word @${addr}`;
}

/** What a step did, in words: `store in = 1`, `wait consumerWaiting == 1: sleeps`. */
export function describeStep(step: Step, layout: RingLayout | null): string {
  const op = step.op;
  const word = wordName(op.addr, layout);
  if (op.kind === K_BARRIER) return "passes the scenario's barrier";
  if (step.action === "resume") return `wakes up from wait on ${word}`;
  if (step.action === "timeout") return `wait on ${word} times out`;
  const spin = step.folded > 0 ? ` (and ${step.folded} more: a spin)` : "";
  switch (op.kind) {
    case K_LOAD:
      return `load ${word} → ${step.before}${spin}`;
    case K_STORE:
      return `store ${word} = ${op.value}`;
    case K_RMW:
      return `${RMW_NAMES[op.value2]} ${word} ${op.value} → ${step.after}`;
    case K_CAS:
      return `compareExchange ${word} ${op.value} → ${op.value2}: ${
        step.before === op.value ? "swapped" : `failed (${step.before})`
      }`;
    case K_WAIT:
    case K_WAIT_ASYNC: {
      const name = op.kind === K_WAIT ? "wait" : "waitAsync";
      const timeout = Number.isFinite(op.timeout) ? `, ${op.timeout} ms` : "";
      return `${name} ${word} == ${op.value}${timeout}: ${step.result}`;
    }
    case K_NOTIFY:
      return `notify ${word}: woke ${step.result}`;
    default:
      return `op ${op.kind} ${word}`;
  }
}

interface Row {
  readonly step: string;
  readonly thread: number;
  readonly text: string;
  readonly loc: string;
  readonly change: string;
  /** The abstract state after the step, when it changed. */
  readonly abstract: string;
}

function rows(failure: CodeFailure): Row[] {
  const out: Row[] = [];
  const steps = failure.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    // A handle's attach reads the configuration words: one row.
    if (
      step.op.kind === K_LOAD && CONFIG_WORDS.has(step.op.addr) &&
      failure.layout !== null
    ) {
      let j = i;
      while (
        j + 1 < steps.length && steps[j + 1]!.thread === step.thread &&
        steps[j + 1]!.op.kind === K_LOAD &&
        CONFIG_WORDS.has(steps[j + 1]!.op.addr)
      ) j++;
      if (j > i) {
        out.push({
          step: `${i + 1}-${j + 1}`,
          thread: step.thread,
          text: `reads the header (${j - i + 1} loads)`,
          loc: step.op.loc,
          change: "",
          abstract: "",
        });
        i = j;
        continue;
      }
    }
    out.push({
      step: String(i + 1),
      thread: step.thread,
      text: describeStep(step, failure.layout),
      loc: step.op.loc,
      change: step.before === step.after
        ? ""
        : `${step.before} → ${step.after}`,
      abstract: failure.abstract?.get(i) ?? "",
    });
  }
  return out;
}

/** The failing execution as a table: one column per thread. */
export function formatFailure(failure: CodeFailure): string {
  const names = failure.names;
  const table = rows(failure);
  const cells = table.map((row) =>
    names.map((_, t) => t === row.thread ? `${row.text}  (${row.loc})` : "")
  );
  const widths = names.map((name, t) =>
    Math.max(name.length, ...cells.map((c) => c[t]!.length))
  );
  const stepWidth = Math.max(4, ...table.map((r) => r.step.length));
  const changeWidth = Math.max(4, ...table.map((r) => r.change.length));
  // The abstract state (refinement) after each step that changed it; the
  // failing step is the last row.
  const abstract = failure.abstract !== undefined;
  const line = (
    step: string,
    columns: string[],
    change: string,
    state: string,
  ) =>
    [
      step.padEnd(stepWidth),
      ...columns.map((c, t) => c.padEnd(widths[t]!)),
      abstract ? change.padEnd(changeWidth) : change,
      ...(abstract ? [state] : []),
    ].join("  ").trimEnd();
  const lines = [
    line("step", [...names], "word", "abstract state"),
    ...table.map((row, k) =>
      line(row.step, cells[k]!, row.change, row.abstract)
    ),
  ];
  const calls = failure.events.map((events, t) =>
    `${names[t]}: ${
      events.map((e) =>
        e.op === "push"
          ? `push(${e.item}) → ${e.ok}`
          : e.op === "pop"
          ? `pop() → ${e.item}`
          : e.op === "push-closed"
          ? `push(${e.item}) → ClosedError`
          : e.op === "drained"
          ? "pop() → ClosedError (closed and drained)"
          : e.op === "empty"
          ? "pop() → empty"
          : e.op
      ).join(", ") || "-"
    }`
  );
  return [
    `${failure.property}: ${failure.message}`,
    ...lines,
    "calls:",
    ...calls.map((c) => `  ${c}`),
  ].join("\n");
}

/** The replay file's schema name. */
export const REPLAY_SCHEMA = "ringproof.code/1";

/** The report as JSON; with a failure, enough to replay it (`--replay FILE`). */
export function reportToJsonObject(report: CodeRunReport): unknown {
  const f = report.failure;
  return {
    schema: REPLAY_SCHEMA,
    scenario: report.scenario,
    params: report.params,
    mode: report.mode,
    verdict: report.verdict,
    executions: report.executions,
    steps: report.steps,
    seconds: report.seconds,
    complete: report.complete,
    failure: f === undefined ? null : {
      property: f.property,
      message: f.message,
      schedule: f.schedule,
      quiet: f.quiet,
      ...(f.crash === undefined ? {} : { crash: f.crash }),
      steps: f.steps.map((s, i) => ({
        step: i + 1,
        thread: f.names[s.thread],
        operation: describeStep(s, f.layout),
        at: s.op.loc,
        before: s.before,
        after: s.after,
      })),
    },
  };
}

/** The failing execution as a Mermaid sequence diagram. */
export function failureToMermaid(failure: CodeFailure): string {
  const lines = ["sequenceDiagram", "  participant M as shared memory"];
  for (const name of failure.names) lines.push(`  participant ${name}`);
  for (const row of rows(failure)) {
    const name = failure.names[row.thread]!;
    const text = `${row.step}: ${row.text} (${row.loc})`.replace(/[;#]/g, " ");
    lines.push(`  ${name}->>M: ${text}`);
  }
  lines.push(
    `  Note over M: ${failure.property}: ${
      failure.message.replace(/[;#]/g, " ")
    }`,
  );
  return lines.join("\n");
}
