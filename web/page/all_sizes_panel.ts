// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The proof section's "every BUFFER_SIZE" view: states the inductive
 * invariant in mathematical notation, runs `proveAllSizes` (Z3, in the
 * browser as WebAssembly) in a Worker on request, with progress and a
 * Cancel button, and lists each obligation with its status and solver time,
 * and each counterexample as whole states.
 *
 * @module
 */

import {
  type AllSizesObligation,
  type AllSizesReport,
  type BufferState,
  describeStep,
  type Mutant,
  MUTANTS,
} from "../../model/mod.ts";
import { byId, type Child, h } from "./_dom.ts";
import {
  type AllSizesChoice,
  type AllSizesRun,
  caveatText,
  confirmationText,
  type Conjunct,
  DEFINITIONS,
  headline,
  INVARIANT,
  mathPieces,
  parseTimeLimit,
  planRuns,
  runTitle,
  SAFETY,
  secondsText,
  sizeText,
  statusText,
  summaryText,
  wholeStateRows,
} from "./all_sizes.ts";
import { showFailure } from "./model_client.ts";
import { obligationsTable, ringFigure } from "./proof_parts.ts";
import { Z3Client } from "./z3_client.ts";

function math(formula: string): HTMLElement {
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

function stateInvariant(target: HTMLElement): void {
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

function reportArticle(report: AllSizesReport, run: AllSizesRun): HTMLElement {
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

/** Sets up the "every BUFFER_SIZE" view of the proof section. */
export function setupAllSizesPanel(): void {
  stateInvariant(byId("allsizes-invariant", HTMLElement));
  const form = byId("allsizes-config", HTMLFormElement);
  const mutants = form.querySelector<HTMLSelectElement>("[name=mutant]")!;
  mutants.append(...MUTANTS.map((m) => h("option", { value: m }, m)));
  const status = byId("allsizes-status", HTMLElement);
  const figures = byId("allsizes-figures", HTMLElement);
  const error = byId("allsizes-error", HTMLElement);
  const progress = byId("allsizes-progress", HTMLProgressElement);
  const results = byId("allsizes-results", HTMLElement);
  const button = byId("prove-all", HTMLButtonElement);
  const cancel = byId("prove-all-cancel", HTMLButtonElement);
  const client = new Z3Client();
  cancel.onclick = () => client.cancel();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (client.busy) return;
    const data = new FormData(form);
    const mutant = String(data.get("mutant") ?? "");
    const limit = form.querySelector<HTMLInputElement>("[name=limit]")!;
    let runs: AllSizesRun[];
    error.textContent = "";
    limit.removeAttribute("aria-invalid");
    try {
      let timeLimit: number;
      try {
        timeLimit = parseTimeLimit(String(data.get("limit") ?? ""));
      } catch (caught) {
        limit.setAttribute("aria-invalid", "true");
        throw caught;
      }
      const choice: AllSizesChoice = {
        schemes: data.get("schemes") as AllSizesChoice["schemes"],
        mutant: mutant === "" ? null : mutant as Mutant,
        safety: data.get("safety") === "on",
        timeLimit,
      };
      runs = planRuns(choice);
    } catch (caught) {
      error.textContent = `✗ ${(caught as Error).message}`;
      return;
    }
    button.disabled = true;
    cancel.disabled = false;
    progress.max = runs.length + 1;
    progress.value = 0;
    status.dataset.state = "running";
    status.textContent = "Proving for every BUFFER_SIZE with Z3…";
    results.replaceChildren();
    const started = performance.now();
    const loading = "Loading Z3 (WebAssembly, 35 MB)";
    let loaded = client.loaded;
    let current = "";
    const phase = () =>
      loaded
        ? current
        : current === ""
        ? loading
        : `${loading}, then ${current}`;
    const tick = () => {
      figures.textContent = `${phase()}… ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s`;
    };
    tick();
    // Only the elapsed time on screen; the Worker's messages drive the rest.
    const timer = setInterval(tick, 250);
    try {
      const reports = await client.prove(runs, {
        onLoaded: (seconds) => {
          loaded = true;
          progress.value = Math.max(progress.value, 1);
          results.append(
            h(
              "p",
              { class: "z3-loaded" },
              `Z3 loaded in ${seconds.toFixed(2)} s.`,
            ),
          );
          tick();
        },
        onRunStart: (index) => {
          if (index > 0 || loaded) progress.value = index + 1;
          current = `${runTitle(runs[index]!)} (run ${
            index + 1
          } of ${runs.length})`;
          tick();
        },
        onRunDone: (index, report) => {
          progress.value = index + 2;
          results.append(reportArticle(report, runs[index]!));
        },
      });
      progress.value = progress.max;
      status.dataset.state = "done";
      status.textContent = summaryText(reports);
    } catch (caught) {
      showFailure(status, caught, `✗ ${(caught as Error).message}`);
    } finally {
      clearInterval(timer);
      figures.textContent = "";
      button.disabled = false;
      cancel.disabled = true;
    }
  });
}
