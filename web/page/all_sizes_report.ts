// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The all-sizes view's report of one run: its headline and caveat, each
 * obligation with its status and solver time, and each counterexample as
 * ring figures and a whole-state table before and after the step.
 *
 * @module
 */

import {
  type AllSizesObligation,
  type AllSizesReport,
  type BufferState,
  describeStep,
} from "../../model/mod.ts";
import { type Child, h } from "./_dom.ts";
import {
  type AllSizesRun,
  caveatText,
  confirmationText,
  headline,
  runTitle,
  secondsText,
  sizeText,
  statusText,
  wholeStateRows,
} from "./all_sizes.ts";
import { math } from "./all_sizes_invariant.ts";
import { obligationsTable, ringFigure } from "./proof_parts.ts";

function stateComparison(
  states: BufferState[],
  headings: string[],
  options: { scheme: "textbook" | "counter"; items: number },
): HTMLTableElement {
  const columns = states.map((state) => wholeStateRows(state, options));
  const names = columns[0]!.map(([name]) => name);
  for (const column of columns.slice(1)) {
    for (const [name] of column) if (!names.includes(name)) names.push(name);
  }
  const value = (k: number, name: string) =>
    columns[k]!.find(([n]) => n === name)?.[1] ?? "—";
  return h(
    "table",
    { class: "state-table whole-state" },
    h(
      "caption",
      {},
      "The whole state: every variable, local and ghost",
    ),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "variable"),
        ...headings.map((heading) => h("th", { scope: "col" }, heading)),
      ),
    ),
    h(
      "tbody",
      {},
      ...names.map((name) => {
        const changed = columns.length > 1 &&
          value(0, name) !== value(columns.length - 1, name);
        return h(
          "tr",
          { "data-var": name, "data-changed": String(changed) },
          h("th", { scope: "row" }, math(name)),
          ...states.map((_, k) =>
            h(
              "td",
              {},
              h("code", {}, value(k, name)),
              changed && k === states.length - 1 ? " ✱" : "",
            )
          ),
        );
      }),
    ),
  );
}

function counterexample(
  report: AllSizesReport,
  o: AllSizesObligation,
): HTMLElement | null {
  const trace = o.counterexample;
  if (trace === null || o.size === null) return null;
  const scheme = report.scheme;
  const options = { scheme, items: o.size.items };
  const capacity = scheme === "counter" ? o.size.slots : o.size.slots - 1;
  const counter = scheme === "counter";
  const before = trace[0]!.state;
  const broken = h(
    "span",
    {},
    ...o.broken.flatMap((name, k): Child[] => [
      k === 0 ? "" : ", ",
      h("a", { href: `#conjunct-${name}` }, name),
    ]),
  );
  const step = trace[1];
  const first = o.kind === "init"
    ? "the initial state"
    : "a state satisfying the candidate";
  if (step === undefined || step.action === null) {
    return h(
      "div",
      { class: "cti-all", "data-obligation": o.name },
      h(
        "p",
        {},
        `Counterexample to ${o.statement}, at ${
          sizeText(o, scheme)
        }: ${first}, which breaks `,
        broken,
        ".",
      ),
      h(
        "div",
        { class: "cti" },
        ringFigure(first, before, { capacity, counter }),
      ),
      h(
        "div",
        { class: "table-wrap" },
        stateComparison([before], ["value"], options),
      ),
    );
  }
  const action = step.action;
  const words = `${action.process} ${
    describeStep(action, { before, after: step.state })
  }`;
  return h(
    "div",
    { class: "cti-all", "data-obligation": o.name },
    h(
      "p",
      {},
      `Counterexample to induction for `,
      math(o.statement),
      `, at ${
        sizeText(o, scheme)
      }: ${first} — with nothing bad in it, yet not reachable — and the step `,
      h("strong", {}, words),
      ", after which it breaks ",
      broken,
      ".",
    ),
    h(
      "div",
      { class: "cti" },
      ringFigure(`before: ${first}`, before, { capacity, counter }),
      h("p", { class: "cti-arrow", "aria-hidden": "true" }, `→ ${words} →`),
      ringFigure("after the step", step.state, {
        before,
        action,
        capacity,
        counter,
      }),
    ),
    h(
      "div",
      { class: "table-wrap" },
      stateComparison([before, step.state], ["before", "after"], options),
    ),
  );
}

function obligationRow(o: AllSizesObligation): HTMLTableRowElement {
  const ok = o.status === "proved" || o.status === "definition";
  return h(
    "tr",
    {
      "data-obligation": o.name,
      "data-kind": o.kind,
      "data-status": o.status,
      class: ok ? "ok" : "broken",
    },
    h(
      "th",
      { scope: "row" },
      o.kind === "lemma" ? h("span", { class: "lemma" }, `${o.name}: `) : "",
      math(o.statement),
    ),
    h("td", {}, statusText(o)),
    h("td", {}, o.status === "definition" ? "—" : secondsText(o.seconds)),
  );
}
/**
 * One run's report as an article.
 *
 * @param report What `proveAllSizes` returned.
 * @param run The run it answers.
 * @returns The article.
 */
export function reportArticle(
  report: AllSizesReport,
  run: AllSizesRun,
): HTMLElement {
  const confirmation = confirmationText(report);
  const caveat = caveatText(report);
  return h(
    "article",
    {
      class: "allsizes-report",
      "data-scheme": report.scheme,
      "data-candidate": report.candidate,
      "data-mutant": report.mutant ?? "",
      "data-verdict": report.verdict,
    },
    h("h4", {}, runTitle(run)),
    h(
      "p",
      { class: "headline" },
      `${headline(report)} (${report.seconds.toFixed(2)} s).`,
    ),
    ...(caveat === null ? [] : [h("p", { class: "caveat" }, caveat)]),
    h(
      "div",
      { class: "table-wrap" },
      obligationsTable("solver time", report.obligations.map(obligationRow)),
    ),
    ...report.obligations.flatMap((o) => {
      const cex = counterexample(report, o);
      return cex === null ? [] : [cex];
    }),
    ...(confirmation === null ? [] : [h("p", {}, confirmation)]),
  );
}
