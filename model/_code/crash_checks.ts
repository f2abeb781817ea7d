// The checks of a crash execution (`crash.ts`): what a death may and may not
// cost. Every thread but the dead one finishes (a survivor that cannot move
// is a hang), nothing throws, and every item whose push returned is popped
// exactly once and in its producer's order, bar the one item a consumer that
// died inside pop() had taken.
import type { Execution } from "./controller.ts";
import { type CheckFailure, exceptionOf, popFailure } from "./checks.ts";
import { violationOf } from "./run.ts";
import type { CodeEvent, CodeScenario } from "./scenario_types.ts";
import { MAILBOX_EVENTS, mailboxOf } from "./crash_scenarios.ts";

/** A crash execution as it ended. */
export interface CrashEnd {
  readonly scenario: CodeScenario;
  readonly execution: Execution;
  /** The execution's parameters (its mailbox among them). */
  readonly params: Record<string, unknown>;
  /** The victim. */
  readonly v: number;
  /** Whether it was stopped (else it finished first). */
  readonly died: boolean;
}

/** The history check at the end of a crash execution (see the file comment). */
function crashHistoryCheck(end: CrashEnd): CheckFailure | null {
  const { scenario, execution, params, v, died } = end;
  const names = scenario.names;
  const thrown = exceptionOf(execution, names);
  if (thrown !== null) return thrown;
  const mb = mailboxOf(params, names.length);
  const logs: CodeEvent[][] = execution.results.map((r) => [
    ...(r?.events ?? []),
  ]);
  let allowedMissing = 0;
  let inflight: number | undefined;
  if (died) {
    // The victim's events come from the mailbox: its result never came.
    const own: CodeEvent[] = [];
    let open: number | undefined;
    let popping = false;
    for (const e of mb.events(v)) {
      if (e.kind === MAILBOX_EVENTS.pushing) open = e.item;
      if (e.kind === MAILBOX_EVENTS.pushed) {
        own.push({ op: "push", item: e.item, ok: true });
        open = undefined;
      }
      if (e.kind === MAILBOX_EVENTS.popping) popping = true;
      if (e.kind === MAILBOX_EVENTS.popped) {
        own.push({ op: "pop", item: e.item });
        popping = false;
      }
    }
    logs[v] = own;
    inflight = open;
    // A consumer that died inside pop() may have taken its item with it.
    if (popping) allowedMissing = 1;
  }
  const pushed = new Set<number>();
  const popped = new Map<number, string>();
  for (const [t, events] of logs.entries()) {
    const last = new Map<number, number>();
    for (const event of events) {
      if (event.op === "push" && event.ok) pushed.add(event.item);
      if (event.op !== "pop") continue;
      const failure = popFailure(event.item, names[t]!, { popped, last });
      if (failure !== null) return failure;
    }
  }
  for (const [item, by] of popped) {
    if (!pushed.has(item) && item !== inflight) {
      return {
        property: "no-unproduced",
        message: `${by} popped ${item}, which was never pushed`,
      };
    }
  }
  const missing = [...pushed].filter((item) => !popped.has(item));
  if (missing.length > allowedMissing) {
    return {
      property: "no-loss",
      message: `${
        missing.join(", ")
      } pushed (the push returned) but never popped, although every consumer concluded the ring closed and drained${
        died
          ? ` (${names[v]} stopped forever after ${
            allowedMissing === 1 ? "starting a pop" : "its last step"
          })`
          : ""
      }`,
    };
  }
  return null;
}

/** The deadlock message of a crash execution: who hangs, where. */
function hangMessage(
  scenario: CodeScenario,
  execution: Execution,
  blocked: readonly number[],
  v: number,
  died: boolean,
): string {
  const where = blocked.map((t) => {
    const step = execution.steps.findLast((s) => s.thread === t);
    return `${scenario.names[t]} at ${step?.op.loc ?? "?"}`;
  }).join(", ");
  return `${
    died ? `after ${scenario.names[v]} stopped forever, ` : ""
  }no thread can move and ${where} ${
    blocked.length === 1 ? "has" : "have"
  } not finished: a hang`;
}

/**
 * What went wrong in a crash execution, or null. What a thread threw
 * explains a hang better than the hang, so it comes first.
 */
export function crashFailure(end: CrashEnd): CheckFailure | null {
  const { scenario, execution, v, died } = end;
  const outcome = execution.outcome;
  if (outcome.kind === "violation") {
    return violationOf(outcome, execution, scenario.names);
  }
  const thrown = exceptionOf(execution, scenario.names);
  if (thrown !== null) return thrown;
  if (outcome.kind === "deadlock") {
    return {
      property: "hang",
      message: hangMessage(scenario, execution, outcome.blocked, v, died),
    };
  }
  return crashHistoryCheck(end);
}
