// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The proof section: checks the three obligations (`Init ⇒ Inv`,
 * `Inv ∧ Next ⇒ Inv′`, `Inv ⇒ Safety`) of the shipped inductive invariant
 * and of the bare safety property in a Worker, lists each obligation with
 * its status, and draws a counterexample to induction on the ring.
 *
 * @module
 */

import {
  boundedBuffer,
  type BufferAction,
  type BufferOptions,
  type BufferState,
  describeStep,
  type Obligation,
  type ProofReport,
} from "../../model/mod.ts";
import { byId, count, h } from "./_dom.ts";
import { checkInteger, OptionError } from "./limits.ts";
import { stateTable } from "./state_table.ts";
import { ModelClient, showFailure } from "./model_client.ts";
import { obligationsTable, ringFigure } from "./proof_parts.ts";

type BufferObligation = Obligation<BufferState, BufferAction>;

function pcs(state: BufferState): string {
  return [...state.producers, ...state.consumers].map((p) =>
    `${p.name} at ${p.pc}`
  )
    .join(", ");
}

function counterexample(o: BufferObligation, capacity: number): HTMLElement[] {
  const cex = o.counterexample;
  if (cex === undefined) return [];
  if (o.name === "step" && cex.action !== undefined && cex.next !== undefined) {
    const step = `${cex.action.process} ${
      describeStep(cex.action, { before: cex.state, after: cex.next })
    }`;
    return [
      h(
        "p",
        {},
        `Counterexample to induction: a state that satisfies the candidate (${
          pcs(cex.state)
        }) — but is not reachable — and the step `,
        h("strong", {}, step),
        " that leaves it. The candidate is too weak to carry the proof: it must say more about reachable states.",
      ),
      h(
        "div",
        { class: "cti", "data-cti": "step" },
        ringFigure("before: satisfies the candidate", cex.state, { capacity }),
        h("p", { class: "cti-arrow", "aria-hidden": "true" }, `→ ${step} →`),
        ringFigure("after: violates it", cex.next, {
          before: cex.state,
          action: cex.action,
          capacity,
        }),
      ),
      h(
        "div",
        { class: "cti-states table-wrap" },
        stateTable("The whole state before the step", cex.state, capacity),
        stateTable("The whole state after it", cex.next, capacity),
      ),
    ];
  }
  return [
    h("p", {}, `Counterexample${cex.property ? ` (${cex.property})` : ""}:`),
    h(
      "div",
      { class: "cti", "data-cti": o.name },
      ringFigure(pcs(cex.state), cex.state, { capacity }),
    ),
    h(
      "div",
      { class: "cti-states table-wrap" },
      stateTable("The whole state", cex.state, capacity),
    ),
  ];
}

function obligationRow(o: BufferObligation): HTMLTableRowElement {
  const unit = `${o.name === "step" ? "transition" : "state"}${
    o.checked === 1 ? "" : "s"
  }`;
  return h(
    "tr",
    {
      "data-obligation": o.name,
      "data-status": o.proved ? "proved" : "fails",
      class: o.proved ? "ok" : "broken",
    },
    h("th", { scope: "row" }, h("code", {}, o.statement)),
    h(
      "td",
      {},
      h("span", { class: "icon", "aria-hidden": "true" }, o.proved ? "✓" : "✗"),
      o.proved ? " proved" : " FAILS",
    ),
    h("td", {}, `${count(o.checked)} ${unit} checked`),
  );
}

function reportSection(
  report: ProofReport<BufferState, BufferAction>,
  capacity: number,
): HTMLElement {
  return h(
    "article",
    {
      class: "proof-report",
      "data-proved": String(report.proved),
    },
    h("h3", {}, `${report.proved ? "✓" : "✗"} ${report.invariantName}`),
    h(
      "p",
      {},
      `${count(report.invariantStates)} of ${
        count(report.domainStates)
      } states of the bounded domain satisfy it (${
        report.seconds.toFixed(2)
      } s). ${
        report.proved
          ? "All three obligations hold: proved for this bound."
          : "Not proved."
      }`,
    ),
    obligationsTable("checked", report.obligations.map(obligationRow)),
    ...report.obligations.flatMap((o) => counterexample(o, capacity)),
  );
}

/** Sets up the proof section. */
export function setupProofPanel(): void {
  const form = byId("proof-config", HTMLFormElement);
  const status = byId("proof-status", HTMLElement);
  const figures = byId("proof-figures", HTMLElement);
  const error = byId("proof-error", HTMLElement);
  const progress = byId("proof-progress", HTMLProgressElement);
  const results = byId("proof-results", HTMLElement);
  const button = byId("prove", HTMLButtonElement);
  const cancel = byId("prove-cancel", HTMLButtonElement);
  const client = new ModelClient();
  cancel.onclick = () => client.cancel();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (client.busy) return;
    const data = new FormData(form);
    let options: BufferOptions;
    error.textContent = "";
    for (const input of form.querySelectorAll("input")) {
      input.removeAttribute("aria-invalid");
    }
    try {
      options = {
        slots: checkInteger("slots", data.get("slots"), {
          min: 2,
          max: 4,
          fromText: true,
        }),
        items: checkInteger("items", data.get("items"), {
          min: 1,
          max: 3,
          fromText: true,
        }),
        scheme: data.get("scheme") as "textbook" | "counter",
      };
    } catch (caught) {
      if (caught instanceof OptionError) {
        form.querySelector(`[name=${caught.field}]`)?.setAttribute(
          "aria-invalid",
          "true",
        );
      }
      error.textContent = `✗ ${(caught as Error).message}`;
      return;
    }
    button.disabled = true;
    cancel.disabled = false;
    progress.value = 0;
    status.dataset.state = "running";
    status.textContent =
      "Checking every state of the bounded domain, for both candidates…";
    figures.textContent = "";
    results.replaceChildren();
    try {
      const reports = await client.prove(options, (done, total) => {
        progress.max = total;
        progress.value = done;
        figures.textContent = `${count(done)} of ${
          count(total)
        } domain states checked (${Math.floor((100 * done) / total)} %).`;
      });
      const { capacity } = boundedBuffer(options);
      results.replaceChildren(
        ...reports.map((report) => reportSection(report, capacity)),
      );
      progress.value = progress.max;
      status.dataset.state = "done";
      status.textContent = `Done: the inductive invariant is ${
        reports[0]!.proved ? "proved" : "NOT proved"
      }; the bare safety property is ${
        reports[1]!.proved ? "inductive too" : "not inductive"
      }.`;
    } catch (caught) {
      progress.value = 0;
      showFailure(status, caught, `✗ ${(caught as Error).message}`);
    } finally {
      figures.textContent = "";
      button.disabled = false;
      cancel.disabled = true;
    }
  });
}
