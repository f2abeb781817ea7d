// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The configuration form: reads the model's parameters, offers only the
 * schemes and mutants that apply to the chosen sync variant and scheme
 * (`"sequence"` runs on counters, with two mutants), and shows a loaded
 * trace's parameters.
 *
 * @module
 */

import {
  type BufferOptions,
  mutantApplies,
  MUTANTS,
  type Scheme,
  type Sync,
} from "../../model/mod.ts";
import { h } from "./_dom.ts";
import { checkPageOptions, OptionError } from "./limits.ts";
import { OPTION_NAMES } from "./session.ts";

function field(
  form: HTMLFormElement,
  name: string,
): HTMLInputElement | HTMLSelectElement {
  const element = form.elements.namedItem(name);
  if (
    element instanceof HTMLInputElement || element instanceof HTMLSelectElement
  ) {
    return element;
  }
  throw new TypeError(`Cannot find form field ${name}`);
}

/**
 * Keeps the form consistent: with sync `"sequence"` only the counter scheme
 * is offered (and chosen); the mutant list holds the mutants that apply to
 * the scheme and sync, keeping the choice when it still applies; `start` is
 * shown only for counters (with `"sequence"`, as the positions' start).
 *
 * @param form The configuration form.
 */
export function syncMutants(form: HTMLFormElement): void {
  const sync = field(form, "sync").value as Sync;
  const schemeSelect = field(form, "scheme") as HTMLSelectElement;
  for (const option of schemeSelect.options) {
    option.disabled = sync === "sequence" && option.value !== "counter";
  }
  if (sync === "sequence") schemeSelect.value = "counter";
  const scheme = schemeSelect.value as Scheme;
  const select = field(form, "mutant");
  const chosen = select.value;
  const applicable = MUTANTS.filter((m) => mutantApplies(m, scheme, { sync }));
  select.replaceChildren(
    h("option", { value: "" }, "none (the textbook code)"),
    ...applicable.map((m) => h("option", { value: m }, m)),
  );
  select.value = applicable.includes(chosen as typeof MUTANTS[number])
    ? chosen
    : "";
  const start = field(form, "start");
  start.disabled = scheme !== "counter";
  const label = start.closest("label");
  label?.toggleAttribute("hidden", scheme !== "counter");
  const name = label?.querySelector("#start-name");
  if (name) {
    name.textContent = sync === "sequence"
      ? "position start (below the wrap)"
      : "counter start";
  }
}

/**
 * Reads the form and checks it against the page's limits (the same ones a
 * trace file, a link and a preset meet). Marks the field at fault.
 *
 * @param form The configuration form.
 * @returns The parameters for `boundedBuffer`.
 * @throws {OptionError} When a field is out of the page's limits.
 */
export function readConfig(form: HTMLFormElement): BufferOptions {
  const raw: Record<string, string> = {};
  for (const name of [...OPTION_NAMES, "mutant"]) {
    const element = field(form, name);
    element.removeAttribute("aria-invalid");
    if (!element.disabled) raw[name] = element.value;
  }
  try {
    return checkPageOptions(raw, true);
  } catch (error) {
    if (error instanceof OptionError) {
      form.elements.namedItem(error.field) instanceof Element &&
        field(form, error.field).setAttribute("aria-invalid", "true");
    }
    throw error;
  }
}

/**
 * Shows parameters in the form (e.g. a loaded trace's).
 *
 * @param form The configuration form.
 * @param options The parameters; missing ones keep their field.
 */
export function writeConfig(
  form: HTMLFormElement,
  options: BufferOptions,
): void {
  for (const name of OPTION_NAMES) {
    const value = options[name];
    if (value !== undefined) field(form, name).value = String(value);
  }
  syncMutants(form);
  field(form, "mutant").value = options.mutant ?? "";
}
