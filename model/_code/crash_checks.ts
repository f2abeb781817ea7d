// The checks of a crash execution (`crash.ts`): what a death may and may not
// cost. Every thread but the dead one finishes (a survivor that cannot move
// is a hang), nothing throws, and every item whose push returned is popped
// exactly once and in its producer's order, bar the one item each consumer
// that died inside pop() had taken.
import type { Execution } from "./controller.ts";
import {
  type CheckFailure,
  exceptionOf,
  popFailure,
  unproducedFailure,
} from "./checks.ts";
import { violationOf } from "./run.ts";
import type { CodeEvent, CodeScenario } from "./scenario_types.ts";
import {
  MAILBOX_EVENTS,
  type MailboxEvent,
  mailboxOf,
} from "./crash_mailbox.ts";

/** A crash execution as it ended. */
export interface CrashEnd {
  readonly scenario: CodeScenario;
  readonly execution: Execution;
  /** The execution's parameters (its mailbox among them). */
  readonly params: Record<string, unknown>;
  /** The threads that were stopped (the others finished or hang). */
  readonly dead: readonly number[];
}

/**
 * A dead thread's events, from the mailbox (its result never came): what
 * its calls had returned, the item of a push it had begun, and whether it
 * died inside a pop.
 */
function deadEvents(events: readonly MailboxEvent[]) {
  const own: CodeEvent[] = [];
  let open: number | undefined;
  let popping = false;
  for (const e of events) {
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
  return { own, open, popping };
}

/** The history check at the end of a crash execution (see the file comment). */
function crashHistoryCheck(end: CrashEnd): CheckFailure | null {
  const { scenario, execution, params, dead } = end;
  const names = scenario.names;
  const thrown = exceptionOf(execution, names);
  if (thrown !== null) return thrown;
  const mb = mailboxOf(params, names.length);
  const logs: CodeEvent[][] = execution.results.map((r) => [
    ...(r?.events ?? []),
  ]);
  let allowedMissing = 0;
  const inflight = new Set<number>();
  for (const v of dead) {
    const { own, open, popping } = deadEvents(mb.events(v));
    logs[v] = own;
    if (open !== undefined) inflight.add(open);
    // A consumer that died inside pop() may have taken its item with it.
    if (popping) allowedMissing++;
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
  const unproduced = unproducedFailure(
    popped,
    (item) => pushed.has(item) || inflight.has(item),
  );
  if (unproduced !== null) return unproduced;
  const missing = [...pushed].filter((item) => !popped.has(item));
  if (missing.length > allowedMissing) {
    return {
      property: "no-loss",
      message: `${
        missing.join(", ")
      } pushed (the push returned) but never popped, although every consumer concluded the ring closed and drained${
        dead.length > 0
          ? ` (${dead.map((v) => names[v]).join(" and ")} stopped forever${
            allowedMissing > 0 ? `, ${allowedMissing} inside a pop` : ""
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
  dead: readonly number[],
): string {
  const where = blocked.map((t) => {
    const step = execution.steps.findLast((s) => s.thread === t);
    return `${scenario.names[t]} at ${step?.op.loc ?? "?"}`;
  }).join(", ");
  return `${
    dead.length > 0
      ? `after ${
        dead.map((v) => scenario.names[v]).join(" and ")
      } stopped forever, `
      : ""
  }no thread can move and ${where} ${
    blocked.length === 1 ? "has" : "have"
  } not finished: a hang`;
}

/**
 * What went wrong in a crash execution, or null. What a thread threw
 * explains a hang better than the hang, so it comes first.
 */
export function crashFailure(end: CrashEnd): CheckFailure | null {
  const { scenario, execution, dead } = end;
  const outcome = execution.outcome;
  if (outcome.kind === "violation") {
    return violationOf(outcome, execution, scenario.names);
  }
  const thrown = exceptionOf(execution, scenario.names);
  if (thrown !== null) return thrown;
  if (outcome.kind === "deadlock") {
    return {
      property: "hang",
      message: hangMessage(scenario, execution, outcome.blocked, dead),
    };
  }
  return crashHistoryCheck(end);
}
