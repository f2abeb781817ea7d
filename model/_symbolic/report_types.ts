// Copyright 2025 the ringproof authors. MIT license.
// The result types of proveAllSizes() (re-exported by model/prove_all_sizes.ts).

import type { BufferAction, BufferState, Mutant } from "../bounded_buffer.ts";
import type { BufferTrace, TraceStepJson } from "../trace.ts";
import type { Report } from "../types.ts";

/** Options of {@linkcode proveAllSizes}. */
export interface AllSizesOptions {
  /** `"textbook"` (default) or `"counter"` (free-running 32-bit counters). */
  scheme?: "textbook" | "counter";
  /** A deliberate bug to give a verdict on, or none. */
  mutant?: Mutant;
  /** `"inductive"` (default): the SPSC invariant; `"safety"`: the bare safety property. */
  candidate?: "inductive" | "safety";
  /** Milliseconds the solver may spend on one query. Default 30000. */
  timeout?: number;
  /**
   * Whether a failed obligation's size is handed to the explorer, which
   * confirms (a reachable violation) or refutes it. Default `true`.
   */
  confirm?: boolean;
}

/** The concrete parameters of a counterexample. */
export interface AllSizesSize {
  /** BUFFER_SIZE. */
  slots: number;
  /** Items the producer makes. */
  items: number;
  /** The counters' start (0 for the textbook scheme). */
  start: number;
}

/** One obligation and what the solver said. */
export interface AllSizesObligation {
  /** `"lemma"`, `"init"`, `"step"` or `"safety"`. */
  kind: "lemma" | "init" | "step" | "safety";
  /** E.g. `init`, `P0 write`, `bound`, `lemma mod-succ`. */
  name: string;
  /** The obligation in symbols, e.g. `Inv ∧ P0 write ⇒ Inv′`. */
  statement: string;
  /**
   * `proved`; `failed` (with a counterexample); `unknown` (the solver gave
   * up); `definition` (a word lemma that is the SMT-LIB definition of
   * bit-vector arithmetic, assumed).
   */
  status: "proved" | "failed" | "unknown" | "definition";
  /** Solver seconds. */
  seconds: number;
  /** The conjuncts (or property) the counterexample breaks. */
  broken: string[];
  /** The counterexample as a trace: the state, then the step out of it (if any). */
  counterexample: BufferTrace | null;
  /** The counterexample's parameters. */
  size: AllSizesSize | null;
}

/** The explorer's run at a counterexample's size. */
export interface AllSizesConfirmation extends AllSizesSize {
  /** The explorer's verdict there. */
  verdict: Report<BufferState, BufferAction>["verdict"];
  /** The property it found violated, if any. */
  invariant: string | null;
  /** Its (shortest) counterexample, if any. */
  counterexample: BufferTrace | null;
}

/** What {@linkcode proveAllSizes} reports. */
export interface AllSizesReport {
  /** The scheme. */
  scheme: "textbook" | "counter";
  /** The mutant, or `null`. */
  mutant: Mutant | null;
  /** The candidate invariant. */
  candidate: "inductive" | "safety";
  /**
   * `proved`: every obligation holds for every size; `violated`: an
   * obligation failed and the explorer found a reachable violation at the
   * counterexample's size; `not-proved`: otherwise.
   */
  verdict: "proved" | "violated" | "not-proved";
  /** A condition under which every obligation is proved (modulo-index: `BUFFER_SIZE divides 2^32`). */
  provedWhen: string | null;
  /** Every obligation, lemmas first. */
  obligations: AllSizesObligation[];
  /** The explorer at the first counterexample's size, or `null`. */
  confirmation: AllSizesConfirmation | null;
  /** Wall-clock seconds, Z3's loading included. */
  seconds: number;
}

/** An {@linkcode AllSizesReport} in its JSON form (schema `ringproof.proof-all-sizes/1`). */
export interface AllSizesJson {
  /** Always `"ringproof.proof-all-sizes/1"`. */
  schema: "ringproof.proof-all-sizes/1";
  /** Scheme, mutant, candidate. */
  config: { scheme: string; mutant: string | null; candidate: string };
  /** As in {@linkcode AllSizesReport.verdict}. */
  verdict: AllSizesReport["verdict"];
  /** As in {@linkcode AllSizesReport.provedWhen}. */
  provedWhen: string | null;
  /** Wall-clock seconds. */
  seconds: number;
  /** The obligations; counterexamples as `ringproof.trace/1` steps. */
  obligations: (Omit<AllSizesObligation, "counterexample"> & {
    counterexample: TraceStepJson[] | null;
  })[];
  /** The explorer's confirmation; its counterexample as trace steps. */
  confirmation:
    | (Omit<AllSizesConfirmation, "counterexample"> & {
      counterexample: TraceStepJson[] | null;
    })
    | null;
}
