// What a scenario is: the ring it sets up (on the controller's thread) and the
// code each checked thread runs (in its own Worker), against the ring module
// handed to it (so a patched copy of the ring can be checked).

/** The ring module under test (the exports of the repository's `mod.ts`). */
// deno-lint-ignore no-explicit-any
export type RingModule = any;

/** What a thread logs for the history check. */
export type CodeEvent =
  /** A push call: `ok` true when it returned true (or resolved). */
  | { op: "push"; item: number; ok: boolean }
  /** A push that threw ClosedError. */
  | { op: "push-closed"; item: number }
  /** A push that threw TimeoutError. */
  | { op: "push-timeout"; item: number }
  /** A pop that returned an item. */
  | { op: "pop"; item: number }
  /** A pop that threw ClosedError: the consumer concluded closed and drained. */
  | { op: "drained" }
  /** A pop that threw TimeoutError, or found the ring empty. */
  | { op: "empty" }
  /** The ring was closed by this thread. */
  | { op: "close" };

/** What a thread's code receives. */
export interface ThreadContext {
  /** The ring module under test. */
  readonly ring: RingModule;
  /** The ring's buffer for this execution. */
  readonly sab: SharedArrayBuffer;
  /** This thread's index in the scenario. */
  readonly thread: number;
  /** The scenario's parameters (sizes, items). */
  readonly params: Record<string, unknown>;
  /** Logs an event for the history check. */
  log(event: CodeEvent): void;
  /**
   * Waits until every thread has reached its barrier or finished: attach
   * handles before it, so that the search does not interleave their setup
   * with the calls under test (no ring memory is touched).
   */
  barrier(): void;
}

/** A thread's code. */
export type ThreadBody = (context: ThreadContext) => void | Promise<void>;

/** A scenario: its ring and its threads. */
export interface CodeScenario {
  /** What it exercises. */
  readonly description: string;
  /** Which engine: the one-producer ring, the sequence ring, the unbounded buffer. */
  readonly engine: "ring" | "sequence" | "unbounded";
  /** Makes the ring (runs on the controller's thread with the real Atomics). */
  setup(ring: RingModule, params: Record<string, unknown>): SharedArrayBuffer;
  /** Each thread's code. */
  readonly threads: readonly ThreadBody[];
  /** Thread names for output (P0, C0, X …). */
  readonly names: readonly string[];
}
