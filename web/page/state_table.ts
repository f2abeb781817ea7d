// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * A whole model state as a table: the shared variables, the cells, each
 * process's program counter, locals and ghost counters, and the ghost
 * flags — for a counterexample to induction, whose state is not reachable
 * and so cannot be understood from a path.
 *
 * @module
 */

import { type BufferState, itemName } from "../../model/mod.ts";
import { h } from "./_dom.ts";

/**
 * The table.
 *
 * @param caption What the state is.
 * @param state The state.
 * @param capacity The model's capacity.
 * @returns A `<table>` with one row per variable.
 */
export function stateTable(
  caption: string,
  state: BufferState,
  capacity: number,
): HTMLTableElement {
  const flags = Object.entries(state.flags).filter(([, on]) => on)
    .map(([name]) => name);
  const rows: [string, string][] = [
    ["in, out", `${state.in}, ${state.out}`],
    ["cells", `[${state.cells.map(itemName).join(" ")}]`],
    ...state.producers.map((p): [string, string] => [
      p.name,
      `pc ${p.pc}; next_produced = ${
        p.nextProduced === null ? "—" : itemName(p.nextProduced)
      }; produced ${p.produced}`,
    ]),
    ...state.consumers.map((c): [string, string] => [
      c.name,
      `pc ${c.pc}; next_consumed = ${
        c.nextConsumed === null ? "—" : itemName(c.nextConsumed)
      }; took ${
        c.seen.map((n) => `${n} item${n === 1 ? "" : "s"}`).join(", ")
      }`,
    ]),
    [
      "ghost",
      `held ${state.itemsInBuffer} of capacity ${capacity}; flags: ${
        flags.length === 0 ? "none" : flags.join(", ")
      }`,
    ],
  ];
  return h(
    "table",
    { class: "state-table" },
    h("caption", {}, caption),
    h(
      "tbody",
      {},
      ...rows.map(([name, value]) =>
        h(
          "tr",
          { "data-var": name },
          h("th", { scope: "row" }, name),
          h("td", {}, h("code", {}, value)),
        )
      ),
    ),
  );
}
