// Copyright 2025 the ringproof authors. MIT license.
/**
 * The explorer's verdict in words, and which path the page shows with it.
 * A pass says what was witnessed and what was not: the fact `bound-tight`
 * (the buffer holds its capacity) with its path, or the most items the
 * buffer ever held and — for a full test that fires early — the path to a
 * producer that waits with room left. Pure, so it is tested without a
 * browser.
 *
 * @module
 */

import type {
  BufferAction,
  BufferState,
  Report,
  Step,
} from "../../model/mod.ts";
import { count } from "./_dom.ts";
import type { FillReport } from "./fill.ts";

/** What the page says and shows after a run. */
export interface Verdict {
  /** The verdict in words. */
  readonly text: string;
  /** The path to show from step 0 (`undefined`: just the initial state). */
  readonly path?: Step<BufferState, BufferAction>[];
  /** What the path is: `counterexample`, `witness`, `fullest`, `blocked` or `none`. */
  readonly shows: "counterexample" | "witness" | "fullest" | "blocked" | "none";
}

/**
 * Words and a path for a report.
 *
 * @param report The explorer's report.
 * @param model The model's capacity and its items in all.
 * @param fill On a pass without the `bound-tight` witness: the fill levels.
 * @returns The verdict.
 */
export function verdictOf(
  report: Report<BufferState, BufferAction>,
  model: { capacity: number; totalItems: number },
  fill?: FillReport,
): Verdict {
  const figures = `${count(report.states)} states, ${
    count(report.transitions)
  } transitions, depth ${report.depth}, ${report.seconds.toFixed(2)} s`;
  const steps = (report.counterexample?.length ?? 1) - 1;
  switch (report.verdict) {
    case "incomplete":
      return {
        text:
          `… INCOMPLETE: stopped at the cap of ${figures}; nothing is established. Raise "stop after" or choose a smaller model.`,
        shows: "none",
      };
    case "deadlock":
      return {
        text:
          `✗ DEADLOCK after ${steps} steps (${figures}): no process can move, yet not every item was produced and consumed. Step through it below.`,
        path: report.counterexample!,
        shows: "counterexample",
      };
    case "violation":
      return {
        text: `✗ VIOLATION of ${report.invariant}: a ${
          report.order === "bfs" ? "shortest " : ""
        }counterexample of ${steps} steps (${figures}). Step through it below.`,
        path: report.counterexample!,
        shows: "counterexample",
      };
  }
  const pass = `✓ PASS: every invariant holds in all ${figures}.`;
  const { capacity, totalItems } = model;
  if (!Number.isFinite(capacity)) {
    return {
      text:
        `${pass} Nothing to witness about a capacity: the unbounded scheme has none. The path is back at the initial state.`,
      shows: "none",
    };
  }
  const tight = report.facts.find((f) => f.name === "bound-tight");
  if (tight?.witnessed) {
    return {
      text:
        `${pass} Witnessed: the buffer holds its capacity of ${capacity} items (bound-tight) — the path below is a shortest one there (${
          tight.witness!.length - 1
        } steps).`,
      path: tight.witness!,
      shows: "witness",
    };
  }
  const most = fill === undefined
    ? ""
    : ` It holds at most ${fill.most} item${fill.most === 1 ? "" : "s"}${
      fill.complete ? "" : " (in the states visited up to the cap)"
    }.`;
  const few = totalItems < capacity
    ? ` Only ${totalItems} item${
      totalItems === 1 ? " is" : "s are"
    } produced in all: set items ≥ slots to let it fill.`
    : "";
  const base =
    `${pass} Not witnessed: the buffer never holds its capacity of ${capacity} items (bound-tight).${most}${few}`;
  if (fill?.blockedBelow !== undefined) {
    return {
      text:
        `${base} A producer waits although the buffer has room: its full test fires early. The path below ends there (${
          fill.blockedBelow.length - 1
        } steps).`,
      path: fill.blockedBelow,
      shows: "blocked",
    };
  }
  if (fill !== undefined && fill.most > 0) {
    return {
      text: `${base} The path below is a shortest one to ${fill.most} item${
        fill.most === 1 ? "" : "s"
      }.`,
      path: fill.mostPath,
      shows: "fullest",
    };
  }
  return {
    text: `${base} The path is back at the initial state.`,
    shows: "none",
  };
}
