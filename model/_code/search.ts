// The search over schedules, stateless: every execution starts from a fresh
// ring and replays a prefix of choices, then extends it.
//
// - "dpor": depth-first with dynamic partial-order reduction (Flanagan and
//   Godefroid's persistent sets, computed from races between dependent
//   steps, plus sleep sets). Two steps are dependent when they touch the
//   same word and their order matters: a write against anything but a
//   notify, a wait against a notify, a notify against a timeout. Sound for the properties checked on
//   every execution's end state and deadlocks; the data-race check covers
//   the plain accesses the reduction does not reorder.
// - "dfs": every interleaving, no reduction.
// - "preemption": every interleaving with at most `bound` preemptions
//   (switches away from a thread that could go on), as CHESS.
// - "random": `executions` schedules, uniformly at random from a seed.
// - "pct": `executions` schedules of probabilistic concurrency testing
//   (random priorities with `depth - 1` priority change points), from a seed.
import {
  K_LOAD,
  K_NOTIFY,
  K_WAIT,
  K_WAIT_ASYNC,
  type PendingOp,
  type Scheduler,
  type Step,
  type ThreadView,
} from "./controller.ts";

/** The search modes. */
export const SEARCH_MODES = [
  "dpor",
  "dfs",
  "preemption",
  "random",
  "pct",
] as const;
/** A search mode. */
export type SearchMode = typeof SEARCH_MODES[number];

/**
 * The class of a step's access to its word: R a load, W a write (store,
 * read-modify-write, compareExchange), E entering a wait (reads the word,
 * may go to sleep), N a notify, T a wait's timeout.
 */
type AccessClass = "R" | "W" | "E" | "N" | "T";

interface Access {
  readonly addr: number;
  readonly cls: AccessClass;
}

/** Which classes conflict on one word (the order of the two matters). */
const CONFLICTS: Record<AccessClass, readonly AccessClass[]> = {
  R: ["W"],
  W: ["R", "W", "E"],
  E: ["W", "N"],
  N: ["E", "T"],
  T: ["N"],
};

/** What a thread's next choice touches, for dependence; null: nothing. */
export function accessOf(
  action: string | null,
  op: PendingOp | null,
): Access | null {
  if (op === null || action === null || op.addr < 0) return null;
  if (action === "resume") return null;
  if (action === "timeout") return { addr: op.addr, cls: "T" };
  const cls: AccessClass = op.kind === K_LOAD
    ? "R"
    : op.kind === K_WAIT || op.kind === K_WAIT_ASYNC
    ? "E"
    : op.kind === K_NOTIFY
    ? "N"
    : "W";
  return { addr: op.addr, cls };
}

/** Whether the order of two accesses matters. */
export function dependent(a: Access | null, b: Access | null): boolean {
  return a !== null && b !== null && a.addr === b.addr &&
    CONFLICTS[a.cls].includes(b.cls);
}

function stepAccess(step: Step): Access | null {
  return accessOf(step.action, step.op);
}

interface Node {
  enabled: number[];
  access: (Access | null)[];
  chosen: number;
  backtrack: Set<number>;
  done: Set<number>;
  sleep: Set<number>;
  /** Preemptions before this choice, and the thread that ran last. */
  base: number;
  previous: number;
}

function preemptionsAfter(node: Node): number {
  const p = node.previous;
  return node.base +
    (p >= 0 && node.chosen !== p && node.enabled.includes(p) ? 1 : 0);
}

/** A seeded generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of a search. */
export interface SearchOptions {
  readonly mode: SearchMode;
  /** Preemption bound (mode "preemption"). */
  readonly bound?: number;
  /** Executions to run (modes "random" and "pct"), or the cap of the others. */
  readonly executions?: number;
  readonly seed?: number;
  /** PCT's bug depth. */
  readonly depth?: number;
}

/**
 * The schedule generator of a search: `next()` gives the scheduler of the
 * next execution (or null when the search is over), `finish()` is told how
 * the execution went.
 */
export class Search {
  readonly options: SearchOptions;
  #stack: Node[] = [];
  /** Nodes of the current execution to replay before extending. */
  #replay = 0;
  #started = false;
  #count = 0;
  #rand: () => number;
  #lengthGuess = 50;
  /** Whether every schedule (within the bounds) was run. */
  complete = false;

  constructor(options: SearchOptions) {
    this.options = options;
    this.#rand = random(options.seed ?? 1);
  }

  /** The scheduler of the next execution, or null when the search is over. */
  next(): Scheduler | null {
    const { mode } = this.options;
    const cap = this.options.executions ?? Infinity;
    if (this.#count >= cap) return null;
    if (mode === "random" || mode === "pct") {
      this.#count++;
      return mode === "random" ? this.#randomScheduler() : this.#pctScheduler();
    }
    if (this.#started && !this.#backtrack()) {
      this.complete = true;
      return null;
    }
    this.#started = true;
    this.#count++;
    return this.#dfsScheduler();
  }

  /** Records the length of an execution (PCT sizes its change points on it). */
  finish(steps: number): void {
    this.#lengthGuess = Math.max(this.#lengthGuess, steps);
  }

  #randomScheduler(): Scheduler {
    const rand = this.#rand;
    return {
      choose(views) {
        const enabled = views.flatMap((v, t) => v.action === null ? [] : [t]);
        return enabled[Math.floor(rand() * enabled.length)]!;
      },
    };
  }

  #pctScheduler(): Scheduler {
    const rand = this.#rand;
    const depth = this.options.depth ?? 3;
    const priorities: number[] = [];
    const changes = Array.from(
      { length: depth - 1 },
      () => Math.floor(rand() * this.#lengthGuess),
    );
    return {
      choose(views, steps) {
        while (priorities.length < views.length) {
          priorities.push(depth + rand());
        }
        let best = -1;
        for (let t = 0; t < views.length; t++) {
          if (views[t]!.action === null) continue;
          if (best < 0 || priorities[t]! > priorities[best]!) best = t;
        }
        const change = changes.indexOf(steps.length);
        if (change >= 0) priorities[best] = change + rand() * 0.5;
        return best;
      },
    };
  }

  /** Moves to the next unexplored choice; false when none is left. */
  #backtrack(): boolean {
    while (this.#stack.length > 0) {
      const node = this.#stack[this.#stack.length - 1]!;
      for (const p of node.backtrack) {
        if (node.done.has(p) || node.sleep.has(p)) continue;
        if (!node.enabled.includes(p)) continue;
        node.done.add(p);
        node.chosen = p;
        this.#replay = this.#stack.length;
        return true;
      }
      this.#stack.pop();
    }
    return false;
  }

  #dfsScheduler(): Scheduler {
    const stack = this.#stack;
    const replay = this.#replay;
    const { mode } = this.options;
    const bound = this.options.bound ?? 2;
    const clocks: number[][] = [];
    const last: number[] = [];
    return {
      choose(views: readonly ThreadView[], steps: readonly Step[]): number {
        const k = steps.length;
        const n = views.length;
        // Happens-before clocks of the steps taken so far.
        for (let j = clocks.length; j < k; j++) {
          const step = steps[j]!;
          const clock = new Array<number>(n).fill(0);
          const join = (c: readonly number[] | undefined) => {
            if (c) {
              for (let u = 0; u < n; u++) {
                clock[u] = Math.max(clock[u]!, c[u]!);
              }
            }
          };
          const prev = last[step.thread];
          if (prev !== undefined) join(clocks[prev]);
          if (step.cause !== undefined) join(clocks[step.cause]);
          const a = stepAccess(step);
          if (a !== null) {
            for (let i = 0; i < j; i++) {
              if (dependent(a, stepAccess(steps[i]!))) join(clocks[i]);
            }
          }
          clock[step.thread] = j + 1;
          clocks.push(clock);
          last[step.thread] = j;
        }
        if (k < replay) {
          const node = stack[k]!;
          if (!views.some((v, t) => t === node.chosen && v.action !== null)) {
            throw new Error(
              `Cannot check code: replay diverged at step ${k} (thread ${node.chosen} cannot move): the code is not deterministic`,
            );
          }
          return node.chosen;
        }
        const enabled = views.flatMap((v, t) => v.action === null ? [] : [t]);
        const access = views.map((v) => accessOf(v.action, v.op));
        const parent = stack[k - 1];
        // Sleep set inherited from the parent's choice.
        const sleep = new Set<number>();
        if (mode === "dpor" && parent !== undefined) {
          const pa = parent.access[parent.chosen]!;
          for (const q of [...parent.sleep, ...parent.done]) {
            if (q === parent.chosen) continue;
            if (!dependent(parent.access[q] ?? null, pa)) sleep.add(q);
          }
        }
        if (mode === "dpor") {
          // Races: the last step dependent with p's next one and not
          // ordered before p must be tried in the other order.
          for (let p = 0; p < n; p++) {
            const next = accessOf(views[p]!.action ?? "op", views[p]!.op);
            if (next === null) continue;
            const lp = last[p];
            for (let i = k - 1; i >= 0; i--) {
              const step = steps[i]!;
              if (step.thread === p) continue;
              if (!dependent(stepAccess(step), next)) continue;
              if (lp !== undefined && clocks[lp]![step.thread]! > i) continue;
              const pre = stack[i]!;
              if (pre.enabled.includes(p)) pre.backtrack.add(p);
              else for (const q of pre.enabled) pre.backtrack.add(q);
              break;
            }
          }
        }
        const previous = k > 0 ? steps[k - 1]!.thread : -1;
        const base = parent === undefined ? 0 : preemptionsAfter(parent);
        const awake = enabled.filter((t) => !sleep.has(t));
        if (awake.length === 0) return -1;
        // Keep running the same thread when it can: fewest switches first.
        let choice = awake.includes(previous) ? previous : awake[0]!;
        const switches = (t: number) =>
          previous >= 0 && t !== previous && enabled.includes(previous) ? 1 : 0;
        if (mode === "preemption") {
          const allowed = awake.filter((t) => base + switches(t) <= bound);
          choice = allowed.includes(previous) ? previous : allowed[0]!;
        }
        const node: Node = {
          enabled,
          access,
          chosen: choice,
          backtrack: new Set(
            mode === "dpor"
              ? [choice]
              : mode === "preemption"
              ? awake.filter((t) => base + switches(t) <= bound)
              : awake,
          ),
          done: new Set([choice]),
          sleep,
          base,
          previous,
        };
        stack.push(node);
        return choice;
      },
    };
  }
}
