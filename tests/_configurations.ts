// Copyright 2025 the ringproof authors. MIT license.
// The grid of small model configurations that the explorer variants (POR,
// parallel, bitstate) are each compared with explore() on.

import {
  type BufferOptions,
  type Mutant,
  mutantApplies,
  MUTANTS,
  SCHEMES,
  type Sync,
} from "../model/mod.ts";

const SYNCS: readonly Sync[] = ["none", "mutex", "sequence"];

/**
 * Every scheme × sync × mutant (or none) × 1–2 producers/consumers, small
 * sizes; with `twoSlots`, each bounded configuration also with `slots: 2`
 * and the given overrides.
 */
export function configurations(
  { twoSlots }: { twoSlots: Partial<BufferOptions> | false },
): BufferOptions[] {
  const out: BufferOptions[] = [];
  const mutants: (Mutant | undefined)[] = [undefined, ...MUTANTS];
  for (const scheme of SCHEMES) {
    for (const sync of SYNCS) {
      if (sync === "sequence" && scheme !== "counter") continue;
      for (const mutant of mutants) {
        if (mutant !== undefined && !mutantApplies(mutant, scheme, { sync })) {
          continue;
        }
        for (const producers of [1, 2]) {
          for (const consumers of [1, 2]) {
            const items = producers * consumers === 4 ? 2 : 3;
            const m = mutant === undefined ? {} : { mutant };
            out.push({ scheme, sync, ...m, producers, consumers, items });
            if (twoSlots !== false && scheme !== "unbounded") {
              out.push({
                scheme,
                sync,
                ...m,
                producers,
                consumers,
                slots: 2,
                ...twoSlots,
              });
            }
          }
        }
      }
    }
  }
  return out;
}
