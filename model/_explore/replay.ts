// Copyright 2025 the ringproof authors. MIT license.
// Rebuilds a readable trace from the packed states along a path. The stored
// states may be symmetry representatives: the real steps are replayed, and at
// each level the successor whose representative is the stored one is taken.

import type { PackedModel, Step } from "../types.ts";
import { checkedNames } from "./search.ts";

/**
 * The steps from `path[0]` (an initial state, or its representative) to the
 * last state of `path`; each entry holds `pm.words` words.
 */
export function replayPath<S, A>(
  pm: PackedModel<S, A>,
  path: readonly Int32Array[],
  canonicalize: ((state: Int32Array, offset: number) => void) | undefined,
): Step<S, A>[] {
  const words = pm.words;
  const sameAs = (src: Int32Array, offset: number, stored: Int32Array) => {
    const probe = src.slice(offset, offset + words);
    if (canonicalize !== undefined) canonicalize(probe, 0);
    for (let i = 0; i < words; i++) if (probe[i] !== stored[i]) return false;
    return true;
  };
  const roots = pm.initial();
  let current: Int32Array | undefined;
  for (let at = 0; at < roots.length && current === undefined; at += words) {
    if (sameAs(roots, at, path[0]!)) current = roots.slice(at, at + words);
  }
  if (current === undefined) throw new Error("Cannot rebuild trace: no root");
  const steps: Step<S, A>[] = [{ action: null, state: pm.decode(current, 0) }];
  const succ = new Int32Array(pm.maxSuccessors * words);
  const acts = new Int32Array(pm.maxSuccessors);
  for (let k = 1; k < path.length; k++) {
    const n = pm.successors(current, 0, succ, acts);
    let next: Int32Array | undefined;
    for (let i = 0; i < n && next === undefined; i++) {
      if (sameAs(succ, i * words, path[k]!)) {
        steps.push({
          action: pm.action(acts[i]!, current, 0),
          state: pm.decode(succ, i * words),
        });
        next = succ.slice(i * words, (i + 1) * words);
      }
    }
    if (next === undefined) {
      throw new Error("Cannot rebuild trace: the model is not deterministic");
    }
    current = next;
  }
  return steps;
}

/** The invariant bit mask to check: all but `ignore`, which must name real ones. */
export function checkMaskOf(
  names: readonly string[],
  ignore: readonly string[],
): number {
  const checked = checkedNames(names, { ignore });
  return names.reduce(
    (mask, name, i) => checked.has(name) ? mask | (1 << i) : mask,
    0,
  );
}

/** The names of the bits set in `mask`. */
export function namesOf(names: readonly string[], mask: number): string[] {
  return names.filter((_, i) => (mask >>> i) & 1);
}
