// Copyright 2025 the ringproof authors. MIT license.
// The state-space reductions the machine offers the explorer: symmetry
// (canonical representatives under permutations of identical processes) and
// partial-order reduction (a step that may be taken alone).

import {
  CLAIM,
  F_CELLS,
  F_IN,
  F_OUT,
  LOAD,
  type MachineState,
  PUBLISH,
  RELEASE,
  WAIT,
} from "./state.ts";

/**
 * Partial-order reduction: a process whose enabled step may be taken alone
 * in this state (an ample set of one), or -1. Conservative; see
 * docs/model.md, "Partial-order reduction". The step is invisible (it
 * changes only a pc, or a pc with `in` / a position that no invariant,
 * fact or end test can observe there) and independent of every step the
 * other processes can take before it:
 * - sync "sequence", one producer: the producer's `load` (reads `in`,
 *   which only it writes; writes its own position) and `claim` (the CAS of
 *   `in`, which only it reads and writes);
 * - sync "none", one producer and one consumer, an unmutated full test:
 *   a `wait` whose guard no step of the other process can falsify before
 *   it is taken (checked here from `in`, `out` and the other's pc).
 */
export function independentStep(
  ms: MachineState,
  src: Int32Array,
  so: number,
): number {
  const { producers: P, consumers: C, sync, mutant } = ms.config;
  if (P !== 1) return -1;
  const L = ms.layout;
  const prodPc = L.get(src, so, ms.prodPc[0]!);
  const prodOps = ms.producerProgram;
  if (sync === "sequence") {
    const op = prodOps[prodPc];
    return (op === LOAD || op === CLAIM) && prodPc + 1 < prodOps.length
      ? 0
      : -1;
  }
  if (
    sync !== "none" || C !== 1 ||
    !(mutant === undefined || mutant === "publish-before-write" ||
      mutant === "release-before-read")
  ) return -1;
  const i = L.get(src, so, F_IN);
  const o = L.get(src, so, F_OUT);
  const consPc = L.get(src, so, ms.consPc[0]!);
  const consOps = ms.consumerProgram;
  if (
    ms.producerWaits && prodOps[prodPc] === WAIT && !ms.full(src, so)
  ) {
    // Only the consumer's `release` moves `out`; it lowers the count by one
    // and, past its pending release, waits for a non-empty buffer.
    const pending = consPc > 0 && consPc <= consOps.indexOf(RELEASE);
    const stable = ms.textbook
      ? !(pending && i === o)
      : i - o < ms.config.slots;
    if (stable) return 0;
  }
  if (consOps[consPc] === WAIT && i !== o) {
    // Only the producer's `publish` moves `in`; it raises the count by one
    // and, past its pending publish, waits for a non-full buffer.
    const at = prodOps.indexOf(PUBLISH);
    const pending = prodPc < prodOps.length &&
      prodPc >= prodOps.indexOf(WAIT) + 1 && prodPc <= at;
    const stable = ms.textbook
      ? !(pending && (i + 1) % ms.config.slots === o)
      : i > o;
    if (stable) return P;
  }
  return -1;
}

/** Rewrites the state to the least of its images under permutations of identical processes. */
export function canonicalize(
  ms: MachineState,
  buf: Int32Array,
  off: number,
): void {
  const L = ms.layout;
  const f = ms.fields;
  const g = ms.permuted;
  const best = ms.best;
  const cand = ms.candidate;
  const words = ms.words;
  const { items, producers: P, consumers: C } = ms.config;
  L.read(buf, off, f);
  for (let w = 0; w < words; w++) best[w] = buf[off + w]!;
  const relabel = (v: number, pi: number[]) => {
    if (v === 0) return 0;
    const q = ((v - 1) / items) | 0;
    return pi[q]! * items + (v - 1 - q * items) + 1;
  };
  for (const { p: pi, c: sigma } of ms.perms) {
    g.set(f);
    for (let i = 0; i < ms.cells; i++) {
      g[F_CELLS + i] = relabel(f[F_CELLS + i]!, pi);
    }
    for (let p = 0; p < P; p++) {
      const to = pi[p]!;
      g[ms.prodPc[to]!] = f[ms.prodPc[p]!]!;
      g[ms.prodN[to]!] = f[ms.prodN[p]!]!;
      g[ms.prodSlot[to]!] = f[ms.prodSlot[p]!]!;
      g[ms.mask[to]!] = f[ms.mask[p]!]!;
      g[ms.prodPos[to]!] = f[ms.prodPos[p]!]!;
      g[ms.claimNext[to]!] = f[ms.claimNext[p]!]!;
    }
    for (let c = 0; c < C; c++) {
      const to = sigma[c]!;
      g[ms.consPc[to]!] = f[ms.consPc[c]!]!;
      g[ms.consNext[to]!] = relabel(f[ms.consNext[c]!]!, pi);
      g[ms.consSlot[to]!] = f[ms.consSlot[c]!]!;
      g[ms.consPos[to]!] = f[ms.consPos[c]!]!;
      for (let p = 0; p < P; p++) {
        g[ms.seen[to * P + pi[p]!]!] = f[ms.seen[c * P + p]!]!;
      }
    }
    L.write(g, cand, 0);
    for (let w = 0; w < words; w++) {
      const a = cand[w]! >>> 0;
      const b = best[w]! >>> 0;
      if (a !== b) {
        if (a < b) best.set(cand);
        break;
      }
    }
  }
  for (let w = 0; w < words; w++) buf[off + w] = best[w]!;
}
