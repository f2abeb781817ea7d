// Copyright 2025 the ringproof authors. MIT license.
// The symbolic relation cannot drift from the model: on every state of small
// bounded domains (both schemes, several slot and item counts, every
// mutant), the Z3 formulas — evaluated on the concrete state, compiled once
// from Z3's own text of each formula — give the same successors as the
// explicit model's step, and the symbolic invariant agrees with
// spscInvariant.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  type BufferOptions,
  type BufferState,
  mutantApplies,
  MUTANTS,
  spscInvariant,
} from "../model/mod.ts";
import {
  type Assignment,
  fromBufferState,
  toBufferState,
} from "../model/_symbolic/concrete.ts";
import { concreteSystem } from "../model/_symbolic/concrete_check.ts";
import { LEMMAS } from "../model/_symbolic/lemmas.ts";
import { system } from "../model/_symbolic/state.ts";
import {
  consumerProgram,
  PRODUCER_OPS,
  producerProgram,
  type Variant,
} from "../model/_symbolic/variant.ts";
import { onZ3Thread, withZ3 } from "../model/_symbolic/z3.ts";

/** Every assignment of the explicit model's domain (one producer, one consumer). */
function* domain(
  variant: Variant,
  params: { slots: number; items: number; start: number },
): Generator<Assignment> {
  const { slots: N, items: K, start } = params;
  const counter = variant.scheme === "counter";
  const indices = counter
    ? Array.from({ length: K + 1 }, (_, v) => (start + v) >>> 0)
    : Array.from({ length: N }, (_, v) => v);
  const pcPs = [...producerProgram(variant), "done" as const].map((op) =>
    (PRODUCER_OPS as readonly string[]).indexOf(op)
  );
  const pcCs = consumerProgram(variant).map((op) =>
    ["wait", "read", "release"].indexOf(op)
  );
  const slotsP = variant.mutant === "publish-before-write"
    ? Array.from({ length: N }, (_, k) => k)
    : [0];
  const slotsC = variant.mutant === "release-before-read"
    ? Array.from({ length: N }, (_, k) => k)
    : [0];
  const cellValues = Array.from({ length: K + 1 }, (_, v) => v - 1);
  const cellsList: number[][] = [[]];
  for (let k = 0; k < N; k++) {
    const next: number[][] = [];
    for (const prefix of cellsList) {
      for (const v of cellValues) next.push([...prefix, v]);
    }
    cellsList.splice(0, cellsList.length, ...next);
  }
  for (const inV of indices) {
    for (const outV of indices) {
      for (const cells of cellsList) {
        for (const pcP of pcPs) {
          for (let p = 0; p <= K; p++) {
            for (const pcC of pcCs) {
              for (let c = 0; c <= K; c++) {
                for (let nc = -1; nc < K; nc++) {
                  for (let flags = 0; flags < 8; flags++) {
                    for (const slotP of slotsP) {
                      for (const slotC of slotsC) {
                        yield {
                          N,
                          K,
                          start,
                          in: inV,
                          out: outV,
                          inSlot: counter ? ((inV - start) >>> 0) % N : inV,
                          outSlot: counter ? ((outV - start) >>> 0) % N : outV,
                          cells,
                          pcP,
                          pcC,
                          p,
                          c,
                          nc,
                          fU: (flags & 1) !== 0,
                          fF: (flags & 2) !== 0,
                          fD: (flags & 4) !== 0,
                          slotP,
                          slotC,
                        };
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

function same(a: Assignment, b: Assignment): boolean {
  return a.in === b.in && a.out === b.out && a.inSlot === b.inSlot &&
    a.outSlot === b.outSlot && a.pcP === b.pcP && a.pcC === b.pcC &&
    a.p === b.p && a.c === b.c && a.nc === b.nc && a.fU === b.fU &&
    a.fF === b.fF && a.fD === b.fD && a.slotP === b.slotP &&
    a.slotC === b.slotC && a.cells.every((v, k) => v === b.cells[k]);
}

interface Case {
  variant: Variant;
  slots: number;
  items: number;
  start: number;
}

// Chosen to run in seconds: two slot counts, one and two items, counters
// from 0 and across the 2^32 wrap; every mutant once.
const CASES: Case[] = [];
for (const scheme of ["textbook", "counter"] as const) {
  const wrap = scheme === "counter" ? 2 ** 32 - 1 : 0;
  const sizes = scheme === "textbook"
    ? [[2, 1, 0], [3, 1, 0], [2, 2, 0]]
    : [[2, 1, 0], [3, 1, 0], [2, 1, wrap], [3, 1, wrap]];
  for (const [slots, items, start] of sizes) {
    CASES.push({
      variant: { scheme, mutant: undefined },
      slots: slots!,
      items: items!,
      start: start!,
    });
  }
  for (const mutant of MUTANTS.filter((m) => mutantApplies(m, scheme))) {
    CASES.push({
      variant: { scheme, mutant },
      slots: 2,
      items: 1,
      start: wrap,
    });
  }
}

Deno.test(
  "symbolic relation and invariant agree with the explicit model on every state of small domains",
  (t) =>
    withZ3(async (z) => {
      for (const { variant, slots, items, start } of CASES) {
        const label = `${variant.scheme} ${
          variant.mutant ?? "no mutant"
        } slots ${slots} items ${items} start ${start}`;
        await t.step(label, () => {
          const options: BufferOptions = {
            slots,
            items,
            scheme: variant.scheme,
            ...(variant.mutant === undefined ? {} : { mutant: variant.mutant }),
            ...(variant.scheme === "counter" ? { start } : {}),
          };
          const model = boundedBuffer(options);
          const params = { slots, items, start };
          const concrete = concreteSystem(z, variant);
          const inv = variant.mutant === undefined
            ? spscInvariant(model.config)
            : undefined;
          let states = 0;
          let transitions = 0;
          let invariantStates = 0;
          let cut = 0;
          for (const a of domain(variant, params)) {
            states++;
            const state: BufferState = toBufferState(variant, a);
            // The explicit state reads back as the same assignment.
            assert.ok(same(fromBufferState(variant, state, params), a), label);
            if (inv !== undefined) {
              const symbolic = concrete.broken(a, "inductive").length === 0;
              assert.equal(
                symbolic,
                inv(state),
                `${label}: invariant on ${JSON.stringify(a)}`,
              );
              if (symbolic) invariantStates++;
            }
            const explicit = new Map<string, BufferState>();
            for (const action of model.actions(state)) {
              explicit.set(
                `${action.process} ${action.op}`,
                model.step(state, action),
              );
            }
            for (const move of concrete.successors(a)) {
              const key = `${move.process} ${move.op}`;
              const want = explicit.get(key);
              explicit.delete(key);
              if (move.next === null) {
                assert.equal(
                  want,
                  undefined,
                  `${label}: ${key} enabled only in the explicit model, from ${
                    JSON.stringify(a)
                  }`,
                );
                continue;
              }
              if (want === undefined) {
                // The explicit counter domain ends at `items` publishes or
                // releases: the symbolic step is the one that would leave it.
                const offset = (v: number) => (v - start) >>> 0;
                assert.equal(
                  variant.scheme,
                  "counter",
                  `${label}: ${key} from ${JSON.stringify(a)}`,
                );
                assert.ok(
                  offset(move.next.in) > items || offset(move.next.out) > items,
                  `${label}: ${key} enabled only symbolically, from ${
                    JSON.stringify(a)
                  }`,
                );
                cut++;
                continue;
              }
              transitions++;
              const got = move.next;
              const expected = fromBufferState(variant, want, params);
              assert.ok(
                same(got, expected),
                `${label}: ${key} from ${JSON.stringify(a)}: symbolic ${
                  JSON.stringify(got)
                }, explicit ${JSON.stringify(expected)}`,
              );
            }
            assert.equal(
              explicit.size,
              0,
              `${label}: explicit-only steps ${[...explicit.keys()]}`,
            );
          }
          assert.ok(transitions > 0 && states > 1000, label);
          if (inv !== undefined) assert.ok(invariantStates > 0, label);
          if (variant.scheme === "textbook") assert.equal(cut, 0, label);
        });
      }
    }),
);

Deno.test("symbolic word lemmas hold on concrete words (Z3's bv2int)", () =>
  withZ3(async (z) => {
    const sys = system(z, { scheme: "counter", mutant: undefined }, "mod");
    const words = [
      0,
      1,
      2,
      3,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 2,
      2 ** 32 - 1,
      123456789,
    ];
    for (const lemma of LEMMAS.filter((l) => l.by === "definition")) {
      for (const w of words) {
        const value = await onZ3Thread(() =>
          z.simplify(lemma.at(sys, z.BitVec.val(w, 32)))
        );
        assert.ok(z.isTrue(value), `${lemma.name} at ${w}: ${value.sexpr()}`);
      }
    }
  }));
