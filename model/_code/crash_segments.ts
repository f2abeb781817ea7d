// The crash exploration's segment check (issue 12): once the supervisor's
// recovery and the replacement have finished, every segment of an unbounded
// buffer is in the chain from the head segment to the tail segment or on the
// free list, exactly once. A segment on neither leaked (a dead handle held
// it and recovery did not give it back); one on both, or twice on one, was
// given back while in use or twice (a double free, which corrupts the stream
// once the producer takes it). Reads the buffer through the checked ring
// module's `inspectUnbounded` (for the offsets) and its words directly, so
// a loop in a walk is caught too.
import type { CodeScenario, RingModule } from "./scenario_types.ts";
import type { Step } from "./step_types.ts";

/** A violated property and what happened. */
export interface SegmentsFailure {
  readonly property: string;
  readonly message: string;
}

/**
 * Checks that every segment of the scenario's unbounded buffer is accounted
 * for exactly once (the file comment) at the end of `execution`, in which
 * the threads `dead` stopped; `null` when it holds or the scenario has no
 * unbounded buffer. A failure names where each dead thread stopped.
 */
export function crashSegmentsCheck(
  ring: RingModule,
  scenario: CodeScenario,
  execution: {
    readonly ring: SharedArrayBuffer;
    readonly steps: readonly Step[];
  },
  dead: readonly number[],
): SegmentsFailure | null {
  if (scenario.engine !== "unbounded") return null;
  const bad = account(ring, execution.ring);
  if (bad === null) return null;
  // Where each dead thread stopped: the leak is usually its last step's.
  const lasts = dead.map((v) =>
    `${scenario.names[v]}'s last step: ${
      execution.steps.findLast((step) => step.thread === v)?.op.loc ?? "none"
    }`
  );
  return {
    property: bad.property,
    message: `${bad.message} (${lasts.join("; ")})`,
  };
}

function account(
  ring: RingModule,
  sab: SharedArrayBuffer,
): SegmentsFailure | null {
  const s = ring.inspectUnbounded(sab);
  const words = new Int32Array(sab, 0, Math.floor(sab.byteLength / 4));
  const linkOf = (index: number) =>
    words[(s.offsets.data + index * s.segmentBytes) / 4]!;
  const owner = new Map<number, string>();
  const walk = (name: string, link: number): SegmentsFailure | null => {
    const seen: number[] = [];
    for (; link !== 0; link = linkOf(link - 1)) {
      const index = link - 1;
      if (index < 0 || index >= s.segments) {
        return fail(`the ${name} reaches ${index}, not a segment`);
      }
      const where = owner.get(index);
      if (where !== undefined) {
        return fail(
          `segment ${index} is ${
            where === name ? "twice" : "both"
          } in the ${where}${where === name ? "" : ` and in the ${name}`} (${
            [...seen, index].join(" → ")
          })`,
        );
      }
      owner.set(index, name);
      seen.push(index);
    }
    if (name === "chain" && seen.at(-1) !== s.tail) {
      return fail(
        `the chain ${
          seen.join(" → ")
        } ends elsewhere than at the tail ${s.tail}`,
      );
    }
    return null;
  };
  const bad = walk("chain", s.head + 1) ??
    walk("free list", words[s.offsets.free / 4]!);
  if (bad !== null) return bad;
  const missing = Array.from({ length: s.segments }, (_, i) => i)
    .filter((i) => !owner.has(i));
  if (missing.length === 0) return null;
  return fail(
    `segment${missing.length === 1 ? "" : "s"} ${
      missing.join(", ")
    } of ${s.segments} ${
      missing.length === 1 ? "is" : "are"
    } in neither the chain nor the free list: leaked`,
  );
}

function fail(message: string): SegmentsFailure {
  return { property: "segments", message };
}
