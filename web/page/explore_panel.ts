// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The explore section: pick a model, take its enabled steps one at a time
 * (buttons or keys 1–9), undo, move along the path, run the explorer in a
 * Worker and step through its shortest counterexample, load a CLI trace and
 * export the path.
 *
 * @module
 */

import type {
  BufferAction,
  BufferState,
  Progress,
  Report,
} from "../../model/mod.ts";
import { byId, count } from "./_dom.ts";
import { readConfig, syncMutants, writeConfig } from "./config_form.ts";
import { CancelledError, ModelClient } from "./model_client.ts";
import { Session } from "./session.ts";
import { renderSession } from "./session_view.ts";
import { exportPath, parseTraceFile, replayTrace } from "./trace_file.ts";

function verdictText(report: Report<BufferState, BufferAction>): string {
  const figures = `${count(report.states)} states, ${
    count(report.transitions)
  } transitions, depth ${report.depth}, ${report.seconds.toFixed(2)} s`;
  switch (report.verdict) {
    case "pass":
      return `✓ PASS: every invariant holds in all ${figures}. Showing the witness that the buffer fills to its capacity.`;
    case "incomplete":
      return `… INCOMPLETE: stopped after ${figures}; nothing is established.`;
    case "deadlock":
      return `✗ DEADLOCK after ${
        report.counterexample!.length - 1
      } steps (${figures}). Step through it below.`;
    default:
      return `✗ VIOLATION of ${report.invariant}: a ${
        report.order === "bfs" ? "shortest " : ""
      }counterexample of ${
        report.counterexample!.length - 1
      } steps (${figures}). Step through it below.`;
  }
}

function progressText(progress: Progress): string {
  return `Exploring: ${count(progress.states)} states, ${
    count(progress.statesPerSecond)
  } states/s, depth ${progress.depth}, frontier ${count(progress.frontier)}…`;
}

/** Sets up the explore section. */
export function setupExplorePanel(): void {
  const form = byId("config", HTMLFormElement);
  const error = byId("config-error", HTMLElement);
  const status = byId("explorer-status", HTMLElement);
  const fileStatus = byId("file-status", HTMLElement);
  const progress = byId("progress", HTMLProgressElement);
  const run = byId("run", HTMLButtonElement);
  const cancel = byId("cancel", HTMLButtonElement);
  const client = new ModelClient();
  let session = new Session(readConfig(form));

  // Re-rendering replaces the buttons: keep keyboard focus where it was.
  const refocus = (within: string, index: number) => {
    const buttons = document.querySelectorAll<HTMLButtonElement>(
      `#${within} button`,
    );
    (buttons[Math.min(index, buttons.length - 1)] ??
      byId("undo", HTMLButtonElement)).focus();
  };
  const focused = (within: string) =>
    document.activeElement?.closest(`#${within}`) != null;
  const render = () =>
    renderSession(session, {
      choose: (i) => choose(i),
      seek: (i) => {
        session.seek(i);
        render();
        refocus("trace", i);
      },
    });
  const choose = (index: number) => {
    const choice = session.choices()[index];
    if (choice === undefined) return;
    const keep = focused("choices");
    session.take(choice.action);
    render();
    if (keep) refocus("choices", index);
  };
  const restart = (next: Session) => {
    session = next;
    error.textContent = "";
    render();
  };

  syncMutants(form);
  for (const name of ["scheme", "sync"]) {
    form.querySelector(`select[name=${name}]`)?.addEventListener(
      "change",
      () => syncMutants(form),
    );
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      restart(new Session(readConfig(form)));
      status.textContent = "";
    } catch (caught) {
      error.textContent = `✗ ${(caught as Error).message}`;
    }
  });

  const move = (to: number) => {
    session.seek(to);
    render();
  };
  byId("first", HTMLButtonElement).onclick = () => move(0);
  byId("prev", HTMLButtonElement).onclick = () => move(session.cursor - 1);
  byId("next", HTMLButtonElement).onclick = () => move(session.cursor + 1);
  byId("last", HTMLButtonElement).onclick = () => move(session.path.length - 1);
  const undo = () => {
    if (session.undo()) render();
  };
  byId("undo", HTMLButtonElement).onclick = undo;

  const explore = async () => {
    if (client.busy) return;
    let options;
    try {
      options = readConfig(form);
      restart(new Session(options));
    } catch (caught) {
      error.textContent = `✗ ${(caught as Error).message}`;
      return;
    }
    const maxStates = Number(byId("max-states", HTMLInputElement).value);
    const order = byId("order", HTMLSelectElement).value as "bfs" | "dfs";
    run.disabled = true;
    cancel.disabled = false;
    progress.max = maxStates;
    progress.value = 0;
    status.dataset.state = "running";
    status.textContent = "Exploring…";
    try {
      const report = await client.explore(options, {
        order,
        maxStates,
        onProgress: (p) => {
          progress.value = p.states;
          status.textContent = progressText(p);
        },
      });
      progress.value = progress.max;
      const trace = report.counterexample ??
        report.facts.find((fact) => fact.witness !== undefined)?.witness;
      restart(new Session(options, trace));
      status.dataset.state = report.verdict;
      status.textContent = verdictText(report);
    } catch (caught) {
      status.dataset.state = "stopped";
      status.textContent = caught instanceof CancelledError
        ? "Cancelled."
        : `✗ ${(caught as Error).message}`;
    } finally {
      run.disabled = false;
      cancel.disabled = true;
    }
  };
  run.onclick = explore;
  cancel.onclick = () => client.cancel();

  byId("load", HTMLInputElement).addEventListener("change", async (event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (file === undefined) return;
    try {
      const trace = parseTraceFile(await file.text());
      const next = replayTrace(trace);
      writeConfig(form, trace.options);
      restart(next);
      fileStatus.dataset.state = "loaded";
      fileStatus.textContent =
        `✓ Replayed ${file.name}: the ${trace.title}, ${trace.actions.length} steps, each checked against the model.`;
    } catch (caught) {
      fileStatus.dataset.state = "error";
      fileStatus.textContent = `✗ ${file.name}: ${(caught as Error).message}`;
    }
    input.value = "";
  });
  byId("export", HTMLButtonElement).onclick = () => {
    const text = JSON.stringify(exportPath(session), null, 2) + "\n";
    byId("export-json", HTMLTextAreaElement).value = text;
    const link = byId("download", HTMLAnchorElement);
    URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(
      new Blob([text], { type: "application/json" }),
    );
    link.click();
    fileStatus.dataset.state = "exported";
    fileStatus.textContent = `✓ Exported the path (${
      session.path.length - 1
    } steps) as ringproof.check/1.`;
  };

  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement | null;
    if (
      event.ctrlKey || event.metaKey || event.altKey ||
      target?.closest("input, select, textarea, [contenteditable]")
    ) return;
    const key = event.key;
    if (/^[1-9]$/.test(key)) choose(Number(key) - 1);
    else if (key === "u") undo();
    else if (key === "ArrowLeft") move(session.cursor - 1);
    else if (key === "ArrowRight") move(session.cursor + 1);
    else if (key === "Home") move(0);
    else if (key === "End") move(session.path.length - 1);
    else if (key === "e") void explore();
    else return;
    event.preventDefault();
  });
  render();
}
