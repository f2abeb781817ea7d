// Copyright 2025 the ringproof authors. MIT license.
// The one lockstep driver: walks the model's state graph breadth-first
// (coverage "states") or every maximal path through it depth-first (coverage
// "paths"), and at each node brings a ring under test into the node's state,
// takes one step on both sides and lets the ring kind's adapter compare them.
// What a node, a step and a ring are is the adapter's business (a replayed
// fresh ring for the one-producer rings, a saved and restored
// SharedArrayBuffer for the sequence ring); the search, the step budget, the
// determinism check (a ring brought back into a node's state must show that
// state again) and the path bookkeeping are the driver's.

/** A disagreement: the path to the node where it showed, and the step (none: the node itself). */
export interface Found<S> {
  readonly path: readonly S[];
  readonly step: S | null;
  readonly property: string;
  readonly message: string;
}

/** A step taken on both sides: a disagreement, blocked on both (`next: null`), or the next node. */
export type Taken<N> =
  | {
    readonly failure: { readonly property: string; readonly message: string };
  }
  | { readonly next: N | null };

/** One ring kind's side of the lockstep check. `N`: a node, `S`: a step, `H`: a ring ready for a step. */
export interface LockstepAdapter<N, S, H> {
  /** A fresh ring compared with the model's initial state: the root node, or why they differ. */
  root(): N | { readonly property: string; readonly message: string };
  /** The steps offered at `node`. */
  steps(node: N): readonly S[];
  /**
   * A ring in `node`'s state, reached by `path`. `reuse`: the step is the
   * last one tried from `node` in a depth-first walk, so the ring that
   * arrived at `node` may be used as it is. A string: the ring, brought back
   * into the node's state, shows another state (it is not deterministic).
   */
  enter(node: N, path: readonly S[], reuse: boolean): H | string;
  /** Takes `step` on the model and on `ring` and compares the two. */
  take(node: N, ring: H, step: S): Taken<N>;
  /** The model state's key (the visited set of coverage "states"). */
  key(node: N): string;
  /** Called once for each node the search keeps (e.g. to save the ring's state). */
  keep?(node: N): void;
}

/** How far the search goes and how. */
export interface SearchOptions {
  readonly coverage: "states" | "paths";
  readonly maxSteps: number;
}

/** What the search found: a disagreement, the step budget spent, or nothing; and the paths walked. */
export interface SearchResult<S> {
  readonly found: Found<S> | "incomplete" | null;
  /** Coverage "paths": maximal interleavings walked. */
  readonly paths: number;
}

function isNode<N>(
  root: N | { readonly property: string; readonly message: string },
): root is N {
  return !(typeof root === "object" && root !== null && "property" in root &&
    "message" in root);
}

/** Runs the lockstep search of `adapter`. */
export function lockstep<N, S, H>(
  adapter: LockstepAdapter<N, S, H>,
  options: SearchOptions,
): SearchResult<S> {
  const root = adapter.root();
  if (!isNode(root)) {
    return { found: { path: [], step: null, ...root }, paths: 0 };
  }
  adapter.keep?.(root);
  return options.coverage === "states"
    ? { found: breadthFirst(adapter, root, options.maxSteps), paths: 0 }
    : depthFirst(adapter, root, options.maxSteps);
}

const NOT_DETERMINISTIC = "replay";

function breadthFirst<N, S, H>(
  adapter: LockstepAdapter<N, S, H>,
  root: N,
  maxSteps: number,
): Found<S> | "incomplete" | null {
  const queue = [{ node: root, path: [] as S[] }];
  // A state is enqueued once, with the first (shortest) path that reaches it.
  const enqueued = new Set([adapter.key(root)]);
  let taken = 0;
  for (let head = 0; head < queue.length; head++) {
    const { node, path } = queue[head]!;
    for (const step of adapter.steps(node)) {
      if (taken >= maxSteps) return "incomplete";
      const ring = adapter.enter(node, path, false);
      if (typeof ring === "string") {
        return { path, step: null, property: NOT_DETERMINISTIC, message: ring };
      }
      const result = adapter.take(node, ring, step);
      taken++;
      if ("failure" in result) return { path, step, ...result.failure };
      if (result.next === null) continue;
      const key = adapter.key(result.next);
      if (enqueued.has(key)) continue;
      enqueued.add(key);
      adapter.keep?.(result.next);
      queue.push({ node: result.next, path: [...path, step] });
    }
  }
  return null;
}

function depthFirst<N, S, H>(
  adapter: LockstepAdapter<N, S, H>,
  root: N,
  maxSteps: number,
): SearchResult<S> {
  let taken = 0;
  let paths = 0;
  const path: S[] = [];
  const visit = (node: N): Found<S> | "incomplete" | null => {
    const steps = adapter.steps(node);
    let moved = false;
    for (const [i, step] of steps.entries()) {
      if (taken >= maxSteps) return "incomplete";
      const ring = adapter.enter(node, path, i === steps.length - 1);
      if (typeof ring === "string") {
        return {
          path: [...path],
          step: null,
          property: NOT_DETERMINISTIC,
          message: ring,
        };
      }
      const result = adapter.take(node, ring, step);
      taken++;
      if ("failure" in result) {
        return { path: [...path], step, ...result.failure };
      }
      if (result.next === null) continue;
      moved = true;
      adapter.keep?.(result.next);
      path.push(step);
      const found = visit(result.next);
      path.pop();
      if (found !== null) return found;
    }
    if (!moved) paths++;
    return null;
  };
  const found = visit(root);
  return { found, paths };
}

/** The report's verdict for what the search found. */
export function verdictOf(
  found: Found<unknown> | "incomplete" | null,
): "pass" | "fail" | "incomplete" {
  return found === null
    ? "pass"
    : found === "incomplete"
    ? "incomplete"
    : "fail";
}
