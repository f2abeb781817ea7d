// Copyright 2025 the ringproof authors. MIT license.
/**
 * The types shared by the explorer, the bounded-buffer model and the proof
 * mode.
 *
 * @module
 */

/**
 * A finite transition system the explorer can visit exhaustively.
 *
 * `step` must be pure and `encode` canonical: two states with the same key
 * are the same state.
 *
 * @typeParam S The state type.
 * @typeParam A The action (step label) type.
 */
export interface Model<S, A> {
  /** The initial states. */
  initial(): Iterable<S>;
  /** The steps enabled in `state`. */
  actions(state: S): Iterable<A>;
  /** The state after taking `action` in `state`; must not mutate `state`. */
  step(state: S, action: A): S;
  /** A canonical key for the visited set. */
  encode(state: S): string | Uint8Array | Int32Array;
  /** Named state predicates that must hold in every reachable state. */
  invariants: Record<string, (state: S) => boolean>;
  /** Whether a state without enabled steps is a legitimate end (else: deadlock). */
  isEnd?(state: S): boolean;
  /** A readable label for an action, for traces. */
  describe?(action: A): string;
  /**
   * Named reachability facts: each must hold in at least one reachable state.
   * The explorer reports, for each, the shortest witness it found.
   */
  facts?: Record<string, (state: S) => boolean>;
  /** An optional fast path over packed states; see {@linkcode PackedModel}. */
  packed?: PackedModel<S, A>;
}

/**
 * The fast path of a {@linkcode Model}: states packed into a fixed number of
 * 32-bit words, successors written into a caller-owned buffer. When a model
 * offers it, {@linkcode explore} runs its hot loop on packed words only.
 *
 * @typeParam S The state type produced by {@linkcode PackedModel.decode}.
 * @typeParam A The action type produced by {@linkcode PackedModel.action}.
 */
export interface PackedModel<S, A> {
  /** Words per packed state. */
  readonly words: number;
  /** The most successors one state can have. */
  readonly maxSuccessors: number;
  /** Invariant names; bit `i` of {@linkcode PackedModel.violations} is `invariantNames[i]`. */
  readonly invariantNames: readonly string[];
  /** Fact names; bit `i` of {@linkcode PackedModel.facts} is `factNames[i]`. */
  readonly factNames: readonly string[];
  /** The initial states, concatenated. */
  initial(): Int32Array;
  /**
   * Writes the successors of the state at `state[offset]` to `out` (one after
   * another) and their action codes to `actions`; returns how many.
   */
  successors(
    state: Int32Array,
    offset: number,
    out: Int32Array,
    actions: Int32Array,
  ): number;
  /** A bit mask of the invariants the state violates (0 when none). */
  violations(state: Int32Array, offset: number): number;
  /** A bit mask of the facts the state witnesses. */
  facts(state: Int32Array, offset: number): number;
  /** Whether the state is a legitimate end state. */
  isEnd(state: Int32Array, offset: number): boolean;
  /**
   * Partial-order reduction: the action code of an enabled step that is safe
   * to take alone in this state, or -1. Safe means invisible (it changes no
   * invariant, fact or end-state test, in any state) and independent of
   * every step the other processes can take before it (it cannot disable
   * them or be disabled by them, and the two orders reach the same state).
   * Models without it are explored fully under `reduction: "por"`.
   */
  independentStep?(state: Int32Array, offset: number): number;
  /** Rewrites the state in place to its symmetry representative, if the model has symmetries. */
  canonicalize?(state: Int32Array, offset: number): void;
  /** The readable state. */
  decode(state: Int32Array, offset: number): S;
  /** The readable action for action code `code` taken from the packed state. */
  action(code: number, state: Int32Array, offset: number): A;
}

/** One step of a trace: the action taken (`null` for the initial state) and the state after it. */
export interface Step<S, A> {
  /** The action that led here; `null` on the first step (an initial state). */
  action: A | null;
  /** The state after the action. */
  state: S;
}

/** The outcome of an exploration. */
export type Verdict = "pass" | "violation" | "deadlock" | "incomplete";

/** A reachability fact and its witness. */
export interface FactResult<S, A> {
  /** The fact's name (a key of {@linkcode Model.facts}). */
  name: string;
  /** Whether a reachable state satisfies it. */
  witnessed: boolean;
  /** A shortest path (BFS) to a witnessing state, when witnessed. */
  witness?: Step<S, A>[];
}

/** What {@linkcode explore} reports. */
export interface Report<S, A> {
  /** `"pass"` when the whole state space was visited without a violation or deadlock. */
  verdict: Verdict;
  /** The name of the first violated invariant (or `"deadlock-free"`). */
  invariant?: string;
  /** Every invariant the counterexample's last state violates. */
  violated?: string[];
  /** Distinct states visited. */
  states: number;
  /** Transitions taken (successors generated, including revisits). */
  transitions: number;
  /**
   * The longest path from an initial state to a visited state, in steps: the
   * BFS levels, or under DFS the deepest path of the search.
   */
  depth: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** `states / seconds`. */
  statesPerSecond: number;
  /** Bytes allocated for the visited set (keys, parent pointers, hash table) per state. */
  bytesPerState: number;
  /** The traversal order used. */
  order: "bfs" | "dfs";
  /** Whether symmetry reduction was on. */
  symmetry: boolean;
  /**
   * `"por"` when partial-order reduction was on (the model offers
   * {@linkcode PackedModel.independentStep}), else `"none"`. Under `"por"`
   * counterexamples and witnesses are valid paths but not always shortest.
   */
  reduction: "none" | "por";
  /** On a violation or deadlock: a path from an initial state (shortest under BFS without reduction). */
  counterexample?: Step<S, A>[];
  /** One entry per fact of the model. */
  facts: FactResult<S, A>[];
}

/** A progress snapshot passed to {@linkcode ExploreOptions.onProgress}. */
export interface Progress {
  /** Distinct states so far. */
  states: number;
  /** Transitions so far. */
  transitions: number;
  /** States discovered but not yet expanded. */
  frontier: number;
  /** Current BFS level (under DFS: the path length of the state being expanded). */
  depth: number;
  /** Seconds since the start. */
  seconds: number;
  /** States per second so far. */
  statesPerSecond: number;
}

/** Options for {@linkcode explore}. */
export interface ExploreOptions {
  /** `"bfs"` (default; shortest counterexamples) or `"dfs"`. */
  order?: "bfs" | "dfs";
  /** Stop with verdict `"incomplete"` after this many distinct states. */
  maxStates?: number;
  /** Use the model's symmetry reduction when it has one (packed path only). Default `false`. */
  symmetry?: boolean;
  /**
   * `"por"`: partial-order reduction, when the model offers
   * {@linkcode PackedModel.independentStep} (packed path, not with
   * `symmetry`). Default `"none"`.
   */
  reduction?: "none" | "por";
  /** Invariants not to check, by name (e.g. to see what else a mutant breaks). */
  ignore?: readonly string[];
  /** Use the model's packed fast path when it has one. Default `true`. */
  packed?: boolean;
  /** Called about every {@linkcode ExploreOptions.progressSeconds} seconds. */
  onProgress?: (progress: Progress) => void;
  /** Seconds between progress calls. Default 0.5. */
  progressSeconds?: number;
}
