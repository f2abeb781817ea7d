// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The explore section: pick a model (or a lecture preset, or open a shared
 * link), take its enabled steps one at a time (buttons or keys 1–9), see
 * why the others are blocked, undo, move along the path, run the explorer
 * in a Worker and step through its counterexample or witness, load a CLI
 * trace and export the path. Every path that builds a model meets the same
 * limits, and its error appears next to the control used.
 *
 * @module
 */

import type { BufferOptions, Mutant, Progress } from "../../model/mod.ts";
import { byId, count, h } from "./_dom.ts";
import { readConfig, syncMutants, writeConfig } from "./config_form.ts";
import { checkInteger, MAX_STATES_LIMIT } from "./limits.ts";
import { ModelClient, showFailure } from "./model_client.ts";
import { MUTANT_INFO } from "./mutants.ts";
import { PRESETS } from "./presets.ts";
import { Session } from "./session.ts";
import { renderSession } from "./session_view.ts";
import { exportPath, parseTraceFile, replayTrace } from "./trace_file.ts";
import {
  decodePageState,
  encodePageState,
  type PageState,
  replayPath,
  sessionState,
} from "./url_state.ts";
import { verdictOf } from "./verdict.ts";

function progressText(progress: Progress, cap: number): string {
  return `${
    count(progress.states)
  } states so far (the run stops at the cap of ${count(cap)}), ${
    count(progress.statesPerSecond)
  } states/s, depth ${progress.depth}, frontier ${
    count(progress.frontier)
  } states still to expand.`;
}

function message(caught: unknown): string {
  return `✗ ${(caught as Error).message}`;
}

/** Sets up the explore section. */
export function setupExplorePanel(): void {
  const form = byId("config", HTMLFormElement);
  const error = byId("config-error", HTMLElement);
  const status = byId("explorer-status", HTMLElement);
  const figures = byId("explorer-figures", HTMLElement);
  const fileStatus = byId("file-status", HTMLElement);
  const shareStatus = byId("share-status", HTMLElement);
  const progress = byId("progress", HTMLProgressElement);
  const run = byId("run", HTMLButtonElement);
  const cancel = byId("cancel", HTMLButtonElement);
  const maxStatesField = byId("max-states", HTMLInputElement);
  const presetSelect = byId("preset", HTMLSelectElement);
  const presentButton = byId("present", HTMLButtonElement);
  const stepper = byId("stepper", HTMLElement);
  const client = new ModelClient();
  let session = new Session(readConfig(form));
  let present = false;

  const updateUrl = () => {
    const query = encodePageState(sessionState(session, present));
    history.replaceState(null, "", `${query}${location.hash}`);
  };
  const render = () => {
    renderSession(session, {
      choose: (i) => choose(i),
      seek: (i) => {
        session.seek(i);
        render();
        refocus("trace", i);
      },
    });
    updateUrl();
  };
  // Re-rendering replaces the buttons: keep keyboard focus where it was.
  const refocus = (within: string, index: number) => {
    const buttons = document.querySelectorAll<HTMLButtonElement>(
      `#${within} button:not(:disabled)`,
    );
    (buttons[Math.min(index, buttons.length - 1)] ??
      stepper.querySelector<HTMLButtonElement>("button:not(:disabled)"))
      ?.focus();
  };
  const inStepper = () =>
    document.activeElement instanceof HTMLElement &&
    document.activeElement.closest("#stepper, #trace") !== null;
  /** After a re-render: focus that fell out of the stepper goes back into it. */
  const keepInStepper = (was: boolean) => {
    const active = document.activeElement;
    const lost = active === null || active === document.body ||
      !active.isConnected ||
      (active instanceof HTMLButtonElement && active.disabled);
    if (was && lost) refocus("stepper", 0);
  };
  const choose = (index: number) => {
    const choice = session.choices()[index];
    if (choice === undefined) return;
    const keep = document.activeElement?.closest("#choices") != null;
    session.take(choice.action);
    render();
    if (keep) refocus("choices", index);
  };
  const restart = (next: Session) => {
    session = next;
    error.textContent = "";
    render();
  };
  const showMutant = () => {
    const mutant = (form.elements.namedItem("mutant") as HTMLSelectElement)
      .value as Mutant | "";
    const box = byId("mutant-box", HTMLElement);
    box.hidden = mutant === "";
    if (mutant === "") return;
    const info = MUTANT_INFO[mutant];
    const setup = Object.entries(info.setup).filter(([k]) => k !== "mutant")
      .map(([k, v]) => `${k} ${v}`).join(", ");
    byId("mutant-info", HTMLElement).textContent =
      `${mutant}: ${info.description} Suggested setup: ${setup} — the explorer shows ${info.shows}.${
        info.small === "" ? "" : ` Why it can pass: ${info.small}`
      }`;
  };

  /** Shows a state from a link or a preset; errors go to `where`. */
  const openState = (state: PageState, where: HTMLElement) => {
    try {
      const next = replayPath(state.options, state.path, state.step);
      writeConfig(form, sessionState(next, false).options);
      setPresent(state.present);
      restart(next);
      showMutant();
      return true;
    } catch (caught) {
      where.textContent = message(caught);
      return false;
    }
  };

  const setPresent = (on: boolean) => {
    present = on;
    document.documentElement.classList.toggle("present", on);
    presentButton.setAttribute("aria-pressed", String(on));
  };
  presentButton.onclick = () => {
    setPresent(!present);
    updateUrl();
  };

  presetSelect.append(
    ...PRESETS.map((p) => h("option", { value: p.id }, p.title)),
  );
  presetSelect.addEventListener("change", () => {
    const preset = PRESETS.find((p) => p.id === presetSelect.value);
    if (preset === undefined) return;
    try {
      const state = decodePageState(preset.query)!;
      if (openState({ ...state, present }, shareStatus)) {
        status.textContent = "";
        shareStatus.textContent = `Preset: ${preset.title}.`;
      }
    } catch (caught) {
      shareStatus.textContent = message(caught);
    }
  });
  byId("share", HTMLButtonElement).onclick = async () => {
    updateUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      shareStatus.textContent = `✓ Copied: ${location.href}`;
    } catch {
      shareStatus.textContent =
        `The link (copy it from here or the address bar): ${location.href}`;
    }
  };

  syncMutants(form);
  for (const name of ["scheme", "sync"]) {
    form.querySelector(`select[name=${name}]`)?.addEventListener(
      "change",
      () => {
        syncMutants(form);
        showMutant();
      },
    );
  }
  form.querySelector("select[name=mutant]")?.addEventListener(
    "change",
    showMutant,
  );
  byId("mutant-setup", HTMLButtonElement).onclick = () => {
    const mutant = (form.elements.namedItem("mutant") as HTMLSelectElement)
      .value as Mutant;
    const setup: BufferOptions = {
      scheme: "textbook",
      producers: 1,
      consumers: 1,
      sync: "none",
      ...MUTANT_INFO[mutant].setup,
    };
    writeConfig(form, setup);
    showMutant();
    try {
      restart(new Session(readConfig(form)));
    } catch (caught) {
      error.textContent = message(caught);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      restart(new Session(readConfig(form)));
      status.textContent = "";
      figures.textContent = "";
    } catch (caught) {
      error.textContent = message(caught);
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
  for (const id of ["first", "prev", "next", "last", "undo"]) {
    // A button that the move disables hands focus back to the stepper.
    byId(id, HTMLButtonElement).addEventListener(
      "click",
      () => keepInStepper(true),
    );
  }

  const explore = async () => {
    if (client.busy) return;
    let options: BufferOptions;
    let maxStates: number;
    maxStatesField.removeAttribute("aria-invalid");
    try {
      options = readConfig(form);
      maxStates = checkInteger("stop after", maxStatesField.value, {
        ...MAX_STATES_LIMIT,
        fromText: true,
      });
    } catch (caught) {
      if ((caught as Error).message.includes("stop after")) {
        maxStatesField.setAttribute("aria-invalid", "true");
      }
      status.dataset.state = "error";
      status.textContent = `${message(caught)} (fix the field above)`;
      status.scrollIntoView({ block: "center" });
      return;
    }
    let model;
    try {
      const next = new Session(options);
      model = next.model;
      restart(next);
    } catch (caught) {
      status.dataset.state = "error";
      status.textContent = message(caught);
      status.scrollIntoView({ block: "center" });
      return;
    }
    const order = byId("order", HTMLSelectElement).value as "bfs" | "dfs";
    run.disabled = true;
    cancel.disabled = false;
    progress.removeAttribute("value"); // indeterminate: the total is unknown
    status.dataset.state = "running";
    status.textContent = `Exploring every interleaving (stops at the cap of ${
      count(maxStates)
    } states)…`;
    figures.textContent = "";
    try {
      const { report, fill } = await client.explore(options, {
        order,
        maxStates,
        onProgress: (p) => {
          figures.textContent = progressText(p, maxStates);
        },
      });
      progress.value = progress.max;
      const verdict = verdictOf(report, {
        capacity: model.capacity,
        totalItems: model.config.producers * model.config.items,
      }, fill);
      restart(new Session(options, verdict.path));
      status.dataset.state = report.verdict;
      status.dataset.shows = verdict.shows;
      status.textContent = verdict.text;
      figures.textContent = "";
    } catch (caught) {
      progress.value = 0;
      showFailure(status, caught, message(caught));
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
      showMutant();
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
    const was = inStepper();
    // Home and End keep scrolling the page unless the stepper has focus.
    if ((key === "Home" || key === "End") && !was) return;
    if (/^[1-9]$/.test(key)) choose(Number(key) - 1);
    else if (key === "u") undo();
    else if (key === "ArrowLeft") move(session.cursor - 1);
    else if (key === "ArrowRight") move(session.cursor + 1);
    else if (key === "Home") move(0);
    else if (key === "End") move(session.path.length - 1);
    else if (key === "e") void explore();
    else return;
    event.preventDefault();
    keepInStepper(was);
  });

  // A shared link (or a reload) opens its model, path and step.
  let opened = false;
  try {
    const state = decodePageState(location.search);
    if (state !== null) opened = openState(state, error);
  } catch (caught) {
    error.textContent = `${message(caught)} (the link's parameters)`;
  }
  if (!opened) render();
  showMutant();
}
