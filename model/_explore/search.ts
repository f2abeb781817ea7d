// Copyright 2025 the ringproof authors. MIT license.
// The bookkeeping both explorer paths share: traversal order (a BFS queue is
// implicit in the visited set's discovery order; DFS keeps an index stack),
// levels and depth, fact witnesses, the state limit, progress, the outcome.

import type {
  ExploreOptions,
  FactResult,
  Report,
  Step,
  Verdict,
} from "../types.ts";
import { MAX_STATES } from "./visited.ts";
import { shown } from "../_describe.ts";

/** How often (in expanded states) the clock is read. */
const CLOCK_EVERY = 4096;

export class Search {
  readonly order: "bfs" | "dfs";
  readonly maxStates: number;
  transitions = 0;
  depth = 0;
  verdict: Verdict = "pass";
  /** The state the counterexample ends in, or -1. */
  target = -1;
  violated: string[] = [];
  /** Per fact: index of the first witnessing state, or -1. */
  readonly witnesses: number[];
  readonly #started = performance.now();
  #lastTick = this.#started;
  #expanded = 0;
  readonly #options: ExploreOptions;
  /**
   * Under DFS: pairs of a discovered state's index and the length of its
   * path from a root; `#top` pairs in use.
   */
  #stack = new Int32Array(2048);
  #top = 0;
  /** Under DFS: the path length of the state being expanded, and of the one just discovered. */
  #expanding = 0;
  #discovered = 0;
  #head = 0;
  #levelEnd = -1;
  #level = 0;

  constructor(options: ExploreOptions, facts: number) {
    const order = options.order ?? "bfs";
    if (order !== "bfs" && order !== "dfs") {
      throw new TypeError(
        `Cannot explore: order must be "bfs" or "dfs", received ${
          shown(order)
        }`,
      );
    }
    const max = options.maxStates ?? MAX_STATES;
    if (typeof max !== "number") {
      throw new TypeError(
        `Cannot explore: maxStates must be a positive integer, received ${typeof max} ${
          shown(max)
        }`,
      );
    }
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(
        `Cannot explore: maxStates must be a positive integer, received ${max}`,
      );
    }
    this.order = order;
    this.maxStates = Math.min(max, MAX_STATES);
    this.witnesses = Array.from({ length: facts }, () => -1);
    const reduction = options.reduction ?? "none";
    if (reduction !== "none" && reduction !== "por") {
      throw new TypeError(
        `Cannot explore: reduction must be "none" or "por", received ${
          shown(reduction)
        }`,
      );
    }
    if (reduction === "por" && (options.symmetry ?? false)) {
      throw new RangeError(
        `Cannot explore: reduction "por" does not combine with symmetry, received symmetry: true`,
      );
    }
    this.#options = options;
  }

  /**
   * Records the depth of a newly discovered state (call first): the length
   * of its path from a root, the trace that would be reported for it.
   */
  discovered(isRoot: boolean): void {
    if (this.order === "bfs") {
      if (!isRoot) this.depth = this.#level + 1;
      return;
    }
    // The DFS stack holds discovered states, not a path: its height is not a
    // depth (a state with ten successors pushes ten).
    this.#discovered = isRoot ? 0 : this.#expanding + 1;
    if (this.#discovered > this.depth) this.depth = this.#discovered;
  }

  /**
   * Queues a newly discovered state that passed its checks; returns false
   * when exploration must stop (the state limit).
   */
  admit(index: number, count: number): boolean {
    if (this.order === "dfs") {
      if (2 * this.#top === this.#stack.length) {
        const bigger = new Int32Array(this.#stack.length * 2);
        bigger.set(this.#stack);
        this.#stack = bigger;
      }
      this.#stack[2 * this.#top] = index;
      this.#stack[2 * this.#top++ + 1] = this.#discovered;
    }
    if (count >= this.maxStates) {
      this.verdict = "incomplete";
      return false;
    }
    return true;
  }

  /** Marks a state that violates invariants (or deadlocks): the end of the search. */
  fail(
    verdict: "violation" | "deadlock",
    index: number,
    names: string[],
  ): false {
    this.verdict = verdict;
    this.target = index;
    this.violated = names;
    return false;
  }

  /** The next state to expand, or -1 when none is left; `count` is the states discovered. */
  next(count: number): number {
    if (this.order === "dfs") {
      if (this.#top === 0) return -1;
      const at = 2 * --this.#top;
      this.#expanding = this.#stack[at + 1]!;
      return this.#stack[at]!;
    }
    if (this.#levelEnd < 0) this.#levelEnd = count; // the roots are level 0
    if (this.#head >= count) return -1;
    if (this.#head === this.#levelEnd) {
      this.#level++;
      this.#levelEnd = count;
    }
    return this.#head++;
  }

  /**
   * States with a smaller index were discovered at the current BFS level or
   * before (under DFS: every state, so any revisit counts).
   */
  horizon(): number {
    return this.order === "bfs" ? this.#levelEnd : MAX_STATES + 1;
  }

  /** Counts one expansion and reports progress now and then. */
  expanded(count: number): void {
    const onProgress = this.#options.onProgress;
    if (++this.#expanded % CLOCK_EVERY !== 0 || onProgress === undefined) {
      return;
    }
    const now = performance.now();
    if (now - this.#lastTick < (this.#options.progressSeconds ?? 0.5) * 1000) {
      return;
    }
    this.#lastTick = now;
    const seconds = (now - this.#started) / 1000;
    onProgress({
      states: count,
      transitions: this.transitions,
      frontier: this.order === "dfs" ? this.#top : count - this.#head,
      depth: this.order === "dfs" ? this.#expanding : this.#level,
      seconds,
      statesPerSecond: seconds > 0 ? count / seconds : 0,
    });
  }

  report<S, A>(
    states: number,
    reductions: { symmetry: boolean; reduction: "none" | "por" },
    bytesPerState: number,
    factNames: readonly string[],
    trace: (index: number) => Step<S, A>[],
  ): Report<S, A> {
    const seconds = (performance.now() - this.#started) / 1000;
    const result: Report<S, A> = {
      verdict: this.verdict,
      states,
      transitions: this.transitions,
      depth: this.depth,
      seconds,
      statesPerSecond: seconds > 0 ? states / seconds : states,
      bytesPerState,
      order: this.order,
      symmetry: reductions.symmetry,
      reduction: reductions.reduction,
      facts: factNames.map((name, i): FactResult<S, A> => {
        const at = this.witnesses[i]!;
        return at < 0
          ? { name, witnessed: false }
          : { name, witnessed: true, witness: trace(at) };
      }),
    };
    if (this.verdict === "violation" || this.verdict === "deadlock") {
      result.invariant = this.violated[0]!;
      result.violated = this.violated;
      result.counterexample = trace(this.target);
    }
    return result;
  }
}

/** The invariants to check: all but `options.ignore`, which must name real ones. */
export function checkedNames(
  names: readonly string[],
  options: ExploreOptions,
): Set<string> {
  const ignore = options.ignore ?? [];
  // A string would be taken letter by letter.
  if (!Array.isArray(ignore)) {
    throw new TypeError(
      `Cannot explore: ignore must be an array of invariant names, received ${typeof ignore} ${
        shown(ignore)
      }`,
    );
  }
  for (const name of ignore) {
    if (!names.includes(name)) {
      throw new RangeError(
        `Cannot explore: no invariant named ${name} to ignore (the model has ${
          names.join(", ")
        })`,
      );
    }
  }
  return new Set(names.filter((name) => !ignore.includes(name)));
}
