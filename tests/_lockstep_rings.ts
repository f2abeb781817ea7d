// Every ring kind the lockstep driver checks, behind one face, so a suite
// can run the same behaviour over all of them: the one-producer rings
// (checkRing with schemes textbook, counter, unbounded) and the sequence
// ring (checkSequenceRing). Also the model's maximal paths, counted
// independently of the driver.
import {
  boundedBuffer,
  type BufferOptions,
  type BufferState,
  checkRing,
  checkSequenceRing,
} from "../model/mod.ts";
import {
  drifting,
  forgetful,
  plainRing,
  plainSequenceRing,
} from "./_broken_rings.ts";

/** What a suite reads from either check's report. */
export interface LockstepOutcome {
  readonly verdict: "pass" | "fail" | "incomplete";
  readonly paths?: number;
  readonly property?: string;
  readonly table?: string;
  /** What the ring alone breaks after a disagreement. */
  readonly consequence?: string | null | undefined;
}

/** One ring kind: its model and its check. */
export interface RingKind {
  readonly name: string;
  /** The model the check compares with (for counting its paths). */
  readonly model: BufferOptions;
  /**
   * Runs the lockstep check; `broken`: a ring that is not deterministic;
   * `buggy`: a ring whose full test is wrong (none for "unbounded", which
   * has no full test).
   */
  check(options: {
    coverage: "states" | "paths";
    broken?: boolean;
    buggy?: boolean;
  }): LockstepOutcome;
  /** Whether the kind has a ring with a wrong full test. */
  readonly buggy: boolean;
}

/** What a suite reads from a report of either check. */
function outcomeOf(report: {
  readonly verdict: LockstepOutcome["verdict"];
  readonly paths?: number | undefined;
  readonly failure?: {
    readonly property: string;
    readonly table: string;
    readonly consequence?:
      | { readonly property: string | null }
      | null
      | undefined;
  } | undefined;
}): LockstepOutcome {
  return {
    verdict: report.verdict,
    ...(report.paths === undefined ? {} : { paths: report.paths }),
    ...(report.failure === undefined ? {} : {
      property: report.failure.property,
      table: report.failure.table,
      consequence: report.failure.consequence?.property,
    }),
  };
}

function oneProducer(scheme: "textbook" | "counter" | "unbounded"): RingKind {
  const model = { slots: 2, items: 2, scheme } as const;
  return {
    name: `checkRing() scheme ${scheme}`,
    model,
    buggy: scheme !== "unbounded",
    check({ coverage, broken, buggy }) {
      const report = checkRing({
        ...model,
        // Enough items to overfill the ring when the full test is wrong.
        ...(buggy ? { items: 4 } : {}),
        coverage,
        granularity: "fine",
        ...(broken ? { ring: drifting(), consequences: false } : {}),
        ...(buggy ? { ring: plainRing("wrong-full-test") } : {}),
      });
      return outcomeOf(report);
    },
  };
}

const SEQUENCE_MODEL = {
  sync: "sequence",
  slots: 2,
  items: 1,
  producers: 1,
  consumers: 2,
} as const;

/** Every ring kind of the lockstep driver. */
export const RING_KINDS: readonly RingKind[] = [
  oneProducer("textbook"),
  oneProducer("counter"),
  oneProducer("unbounded"),
  {
    name: "checkSequenceRing()",
    model: SEQUENCE_MODEL,
    buggy: true,
    check({ coverage, broken, buggy }) {
      const { sync: _, ...config } = SEQUENCE_MODEL;
      const report = checkSequenceRing({
        ...config,
        // Two producers with two items each lap the one consumer.
        ...(buggy ? { producers: 2, consumers: 1, items: 2 } : {}),
        coverage,
        granularity: "fine",
        ...(broken ? { ring: forgetful(), consequences: false } : {}),
        ...(buggy ? { ring: plainSequenceRing("ignore-lap") } : {}),
      });
      return outcomeOf(report);
    },
  },
];

/** Maximal paths of the model's state graph, counted independently of the driver. */
export function countPaths(options: BufferOptions): number {
  const model = boundedBuffer(options);
  const memo = new Map<string, number>();
  const count = (state: BufferState): number => {
    const key = model.encode(state).toString();
    const known = memo.get(key);
    if (known !== undefined) return known;
    const actions = [...model.actions(state)];
    let n = actions.length === 0 ? 1 : 0;
    for (const action of actions) n += count(model.step(state, action));
    memo.set(key, n);
    return n;
  };
  return count([...model.initial()][0]!);
}
