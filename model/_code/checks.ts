// The checks of every execution: after each step, the invariants on the
// ring's shared state read through inspectRing() (the abstraction function
// the lockstep check uses); at the end, the history of the threads' calls.
import {
  type Execution,
  K_RMW,
  K_STORE,
  type Step,
  type StepCheck,
} from "./controller.ts";
import type { CodeEvent, CodeScenario, RingModule } from "./scenario_types.ts";
import { itemsOf, prefillOf } from "./scenario_items.ts";
import { RMW_NAMES } from "./shim.ts";

/** The code of `Atomics.add` in a read-modify-write step. */
const RMW_ADD = RMW_NAMES.indexOf("add");

/** A failed check. */
export interface CheckFailure {
  readonly property: string;
  readonly message: string;
}

/** Every item any producer of the scenario may push. */
function validItems(
  scenario: CodeScenario,
  params: Record<string, unknown>,
): Set<number> {
  const valid = new Set<number>();
  for (let p = 0; p < scenario.threads.length; p++) {
    for (const item of itemsOf(p, params)) valid.add(item);
  }
  for (const item of prefillOf(params)) valid.add(item);
  return valid;
}

/** The items between `out` and `in`, oldest first (rings only). */
export function ringWindow(
  ring: RingModule,
  sab: SharedArrayBuffer,
  start: number,
): number[] {
  const s = ring.inspectRing(sab);
  const data = new Int32Array(sab, s.offsets.data, s.slots);
  // Counter scheme: slots start at 0 whatever the counters' start (the
  // counters wrap at 2^30, below their words' flag bits).
  const first = s.scheme === "textbook"
    ? s.out
    : s.scheme === "counter"
    ? ((s.out - start) & (2 ** 30 - 1)) % s.slots
    : ((s.out % s.slots) + s.slots) % s.slots;
  const items: number[] = [];
  for (let k = 0; k < Math.min(s.size, s.slots); k++) {
    items.push(Atomics.load(data, (first + k) % s.slots));
  }
  return items;
}

/** The per-step check of a scenario: bound and no-unproduced on the ring. */
export function stepCheck(
  ring: RingModule,
  scenario: CodeScenario,
  params: Record<string, unknown>,
): StepCheck | undefined {
  if (scenario.engine === "unbounded") return undefined;
  const valid = validItems(scenario, params);
  return (sab: SharedArrayBuffer, _steps: readonly Step[]) => {
    const s = ring.inspectRing(sab);
    if (s.size > s.capacity) {
      return {
        property: "bound",
        message:
          `the ring holds ${s.size} items, more than its capacity ${s.capacity} (in ${s.in}, out ${s.out})`,
      };
    }
    if (scenario.engine === "sequence") return null;
    const window = ringWindow(ring, sab, Number(params.start ?? 0));
    const last = new Map<number, number>();
    for (const [k, item] of window.entries()) {
      if (!valid.has(item)) {
        return {
          property: "no-unproduced",
          message: `slot ${
            (s.out + k) % s.slots
          } between out and in holds ${item}, which no producer wrote`,
        };
      }
      const p = Math.floor((item - 1) / 10);
      if ((last.get(p) ?? -Infinity) >= item) {
        return {
          property: "fifo",
          message: `the ring holds ${last.get(p)} before ${item}`,
        };
      }
      last.set(p, item);
    }
    return null;
  };
}

/**
 * The first popped item that `produced` does not admit (`no-unproduced`),
 * or `null`. Shared by the history check and the crash check.
 */
export function unproducedFailure(
  popped: ReadonlyMap<number, string>,
  produced: (item: number) => boolean,
): CheckFailure | null {
  for (const [item, by] of popped) {
    if (!produced(item)) {
      return {
        property: "no-unproduced",
        message: `${by} popped ${item}, which was never pushed`,
      };
    }
  }
  return null;
}

/**
 * Records one pop of `item` by the thread `by` and checks it: no item popped
 * twice (across threads), and per producer (item = 10 × producer + k) in
 * order within this thread (`last`). Shared by the history check and the
 * crash check.
 */
export function popFailure(
  item: number,
  by: string,
  seen: {
    readonly popped: Map<number, string>;
    readonly last: Map<number, number>;
  },
): CheckFailure | null {
  const { popped, last } = seen;
  if (popped.has(item)) {
    return {
      property: "no-duplicate",
      message: `${item} was popped twice (by ${popped.get(item)} and ${by})`,
    };
  }
  popped.set(item, by);
  const p = Math.floor((item - 1) / 10);
  if ((last.get(p) ?? -Infinity) > item) {
    return {
      property: "fifo",
      message: `${by} popped ${item} after ${last.get(p)}`,
    };
  }
  last.set(p, item);
  return null;
}

/** The first exception a thread of `execution` threw, as a failure. */
export function exceptionOf(
  execution: Execution,
  names: readonly string[],
): CheckFailure | null {
  const t = execution.results.findIndex((r) => r?.error !== undefined);
  if (t < 0) return null;
  const error = execution.results[t]!.error!;
  return {
    property: "exception",
    message: `${names[t]} threw ${error.name}: ${error.message}`,
  };
}

/** The history check at the end of an execution. */
export function historyCheck(
  ring: RingModule,
  scenario: CodeScenario,
  execution: Execution,
  params: Record<string, unknown>,
): CheckFailure | null {
  const names = scenario.names;
  const thrown = exceptionOf(execution, names);
  if (thrown !== null) return thrown;
  const pushed = new Set<number>(prefillOf(params));
  const refused = new Set<number>();
  const pusher = new Map<number, number>();
  const popped = new Map<number, string>();
  let drainedBy: string | null = null;
  for (const [t, result] of execution.results.entries()) {
    const last = new Map<number, number>();
    for (const event of (result?.events ?? []) as CodeEvent[]) {
      if (event.op === "push" && event.ok) {
        pushed.add(event.item);
        pusher.set(event.item, t);
      }
      if (event.op === "push-closed") refused.add(event.item);
      if (event.op === "drained") drainedBy = names[t]!;
      if (event.op !== "pop") continue;
      const failure = popFailure(event.item, names[t]!, { popped, last });
      if (failure !== null) return failure;
    }
  }
  // A push that throws ClosedError because a close raced it may still have
  // been delivered (the README's close guarantee): popping it is allowed, as
  // is not popping it.
  const unproduced = unproducedFailure(
    popped,
    (item) => pushed.has(item) || refused.has(item),
  );
  if (unproduced !== null) return unproduced;
  const left = scenario.engine === "unbounded"
    ? []
    : ringWindow(ring, execution.ring, Number(params.start ?? 0));
  for (const item of pushed) {
    if (popped.has(item)) continue;
    if (!left.includes(item)) {
      return {
        property: "no-loss",
        message:
          `${item} was pushed (the push returned) but is neither popped nor in the ring`,
      };
    }
    if (drainedBy !== null) {
      // Name where the push published: the pusher's last atomic store, or
      // `add` to `in` (a one-producer ring publishes with one).
      const t = pusher.get(item);
      const inAddr = scenario.engine === "unbounded"
        ? -1
        : ring.inspectRing(execution.ring).offsets.in;
      const store = execution.steps.findLast((step) =>
        step.thread === t && step.action === "op" &&
        (step.op.kind === K_STORE ||
          (step.op.kind === K_RMW && step.op.value2 === RMW_ADD &&
            step.op.addr === inAddr))
      );
      const where = store === undefined
        ? ""
        : `, publishing at ${store.op.loc}`;
      return {
        property: "no-loss",
        message:
          `${item} was pushed (the push returned true${where}) but ${drainedBy} had concluded the ring closed and drained: nobody will pop it`,
      };
    }
  }
  return null;
}
