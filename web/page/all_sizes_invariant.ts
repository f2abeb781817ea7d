// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The all-sizes view's statement of the inductive invariant: formulas in
 * mathematical notation (variables in italics), the state's variables and
 * abbreviations, and the conjuncts of Inv and of Safety as numbered lists.
 *
 * @module
 */

import { type Child, h } from "./_dom.ts";
import {
  type Conjunct,
  DEFINITIONS,
  INVARIANT,
  mathPieces,
  SAFETY,
} from "./all_sizes_math.ts";

/**
 * A formula in mathematical notation.
 *
 * @param formula The formula as text.
 * @returns A span with its variables in `var` elements.
 */
export function math(formula: string): HTMLElement {
  return h(
    "span",
    { class: "math" },
    ...mathPieces(formula).map((piece): Child =>
      piece.variable ? h("var", {}, piece.text) : piece.text
    ),
  );
}

function conjunctList(id: string, conjuncts: readonly Conjunct[]): HTMLElement {
  return h(
    "ol",
    { id, class: "conjuncts" },
    ...conjuncts.map((c) =>
      h(
        "li",
        { id: `conjunct-${c.name}`, "data-conjunct": c.name },
        h("strong", {}, c.name),
        " ",
        ...c.formulas.flatMap((f) => [h("br"), math(f)]),
        h("br"),
        h("span", { class: "gloss" }, c.gloss),
      )
    ),
  );
}

/**
 * Writes the invariant's statement into `target`.
 *
 * @param target The element that shows it.
 */
export function stateInvariant(target: HTMLElement): void {
  target.replaceChildren(
    h(
      "p",
      {},
      "The state: ",
      math("in"),
      ", ",
      math("out"),
      " (indices, or 32-bit counters with the slots ",
      math("inSlot"),
      ", ",
      math("outSlot"),
      "), ",
      math("cells"),
      ", the program counters ",
      math("pcP"),
      ", ",
      math("pcC"),
      ", the consumer's ",
      math("nc"),
      " (next_consumed), the ghost counters ",
      math("p"),
      " (produced) and ",
      math("c"),
      " (consumed) and the ghost flags. ",
      math("N"),
      " is BUFFER_SIZE and ",
      math("K"),
      " the number of items, both symbolic: ",
      math("N ≥ 2"),
      ", ",
      math("K ≥ 1"),
      ". Abbreviations:",
    ),
    h(
      "ul",
      { class: "definitions" },
      ...DEFINITIONS.map((d) => h("li", {}, math(d))),
    ),
    h("p", {}, h("strong", {}, "Inv"), " is the conjunction of:"),
    conjunctList("allsizes-invariant-list", INVARIANT),
    h(
      "p",
      {},
      h("strong", {}, "Safety"),
      " is the conjunction of the properties Inv must imply; taken alone as a candidate (with ",
      h("em", {}, "types"),
      "), it is the bare safety property:",
    ),
    conjunctList("allsizes-safety-list", SAFETY),
  );
}
