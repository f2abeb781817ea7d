// Copyright 2025 the ringproof authors. MIT license.
/**
 * The invariant of the "every BUFFER_SIZE" proof view in mathematical
 * notation, kept free of the DOM so it is tested directly: the
 * abbreviations, the conjuncts of the inductive invariant and of the safety
 * property, and the split of a formula into text and variables.
 *
 * @module
 */

/** A piece of a formula: plain text, or a variable (set in italics). */
export interface MathPiece {
  /** The text. */
  text: string;
  /** Whether it is a variable or a function name. */
  variable: boolean;
}

/** The names set as variables in formulas. */
const VARIABLES = new Set([
  "in",
  "out",
  "inSlot",
  "outSlot",
  "cells",
  "N",
  "K",
  "p",
  "c",
  "pub",
  "rel",
  "count",
  "capacity",
  "j",
  "x",
  "w",
  "nc",
  "start",
  "pcP",
  "pcC",
  "wrap",
  "toInt",
  "BUFFER_SIZE",
]);

/**
 * Splits a formula into text and variables, for typesetting.
 *
 * @param formula E.g. `out = rel mod N`.
 * @returns The pieces; joined, they give the formula back.
 */
export function mathPieces(formula: string): MathPiece[] {
  const pieces: MathPiece[] = [];
  for (const part of formula.split(/([A-Za-z_][A-Za-z_0-9]*)/)) {
    if (part === "") continue;
    const variable = VARIABLES.has(part);
    const last = pieces.at(-1);
    if (!variable && last !== undefined && !last.variable) {
      last.text += part;
    } else {
      pieces.push({ text: part, variable });
    }
  }
  return pieces;
}

/** A conjunct of the invariant, as the page states it. */
export interface Conjunct {
  /** Its name, as the prover reports a broken conjunct. */
  name: string;
  /** The formula(s), one per line. */
  formulas: string[];
  /** What it says, in words. */
  gloss: string;
}

/**
 * The abbreviations the invariant uses, as formulas
 * (N is BUFFER_SIZE, K the number of items).
 */
export const DEFINITIONS: readonly string[] = [
  "pub = p − [pcP = publish]",
  "rel = c − [pcC = release]",
  "count = pub − rel",
  "wrap(x) = x − N  if x ≥ N,  x  otherwise",
  "capacity = N − 1 (textbook),  N (counter)",
];

/**
 * The inductive invariant's conjuncts (model/_symbolic/invariant.ts), in
 * mathematical notation. For the textbook scheme `outSlot` is `out`.
 */
export const INVARIANT: readonly Conjunct[] = [
  {
    name: "types",
    formulas: [
      "pcP ∈ {wait, write, publish, done} ∧ pcC ∈ {wait, read, release}",
      "0 ≤ p ≤ K ∧ 0 ≤ c ≤ K ∧ −1 ≤ nc < K ∧ 0 ≤ inSlot, outSlot < N",
    ],
    gloss: "every variable in its domain",
  },
  {
    name: "flags",
    formulas: ["¬unproduced ∧ ¬fifo ∧ ¬duplicate"],
    gloss: "no ghost flag is set: no read found a bad cell",
  },
  {
    name: "counts",
    formulas: ["0 ≤ rel ∧ c ≤ pub ∧ p ≤ K"],
    gloss: "nothing is consumed before it is published",
  },
  {
    name: "pcs",
    formulas: [
      "(pcP = done ⇒ p = K) ∧ (pcP = publish ⇒ p ≥ 1) ∧ (pcP ∈ {wait, write} ⇒ p < K)",
    ],
    gloss: "the producer's program counter agrees with its count",
  },
  {
    name: "indices",
    formulas: [
      "textbook:  out = rel mod N  ∧  in = wrap(out + count)",
      "counter:  out = (start + rel) mod 2³²  ∧  (in − out) mod 2³² = count  ∧  outSlot = rel mod N  ∧  inSlot = wrap(outSlot + count)",
    ],
    gloss:
      "out encodes the items released, in is count slots ahead of it (the counters are 32-bit words from any start, so they wrap)",
  },
  {
    name: "occupancy",
    formulas: [
      "0 ≤ count ≤ capacity ∧ (pcP ∈ {write, publish} ⇒ count ≤ capacity − 1) ∧ (pcC = read ⇒ count ≥ 1)",
    ],
    gloss:
      "the producer passed its wait only with room left, the consumer only with an item there",
  },
  {
    name: "cells",
    formulas: [
      "∀j ≥ 0.  c ≤ rel + j < p  ⇒  cells[wrap(outSlot + j)] = rel + j",
    ],
    gloss: "every produced, unconsumed item sits j slots after out's",
  },
  {
    name: "next_consumed",
    formulas: ["(pcC = release ⇒ nc = c − 1) ∧ (pcC ≠ release ⇒ nc = −1)"],
    gloss: "the consumer holds the item it read until it releases the cell",
  },
];

/** The safety properties the invariant must imply. */
export const SAFETY: readonly Conjunct[] = [
  {
    name: "bound",
    formulas: ["p − c ≤ capacity"],
    gloss: "the buffer never holds more than its capacity",
  },
  {
    name: "no-unproduced",
    formulas: ["¬unproduced"],
    gloss: "no read finds a cell without a produced, unconsumed item",
  },
  {
    name: "fifo",
    formulas: ["¬fifo"],
    gloss: "items are consumed in the order they were produced",
  },
];
