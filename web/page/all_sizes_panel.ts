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

import { type Mutant, MUTANTS } from "../../model/mod.ts";
import { byId, h } from "./_dom.ts";
import {
  type AllSizesChoice,
  type AllSizesRun,
  parseTimeLimit,
  planRuns,
  runTitle,
  summaryText,
} from "./all_sizes.ts";
import { stateInvariant } from "./all_sizes_invariant.ts";
import { reportArticle } from "./all_sizes_report.ts";
import { showFailure } from "./model_client.ts";
import { Z3Client } from "./z3_client.ts";

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
