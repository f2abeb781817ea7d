// Copyright 2025 the ringproof authors. MIT license.
/**
 * The page's state in its address, so a link opens the same model, path and
 * step: `?slots=4&items=4&scheme=textbook&…&path=P0.P0.C0&step=3&present=1`.
 * A path is the processes that took each step (the step is the process's
 * next one), replayed on the model and checked step by step.
 *
 * @module
 */

import type { BufferOptions } from "../../model/mod.ts";
import { checkInteger, checkPageOptions, OptionError } from "./limits.ts";
import { OPTION_NAMES, Session } from "./session.ts";

/** What an address holds. */
export interface PageState {
  /** The model's parameters. */
  readonly options: BufferOptions;
  /** The processes that took the path's steps. */
  readonly path: readonly string[];
  /** The step shown. */
  readonly step: number;
  /** Presentation mode (larger type). */
  readonly present: boolean;
}

/** The longest path a link may hold. */
const MAX_PATH = 500;

/**
 * Writes the state as a query string.
 *
 * @param state The state.
 * @returns E.g. `?slots=4&items=4&…&path=P0.C0&step=2`.
 */
export function encodePageState(state: PageState): string {
  const params = new URLSearchParams();
  for (const name of OPTION_NAMES) {
    const value = state.options[name];
    if (value !== undefined) params.set(name, String(value));
  }
  if (state.options.mutant !== undefined) {
    params.set("mutant", state.options.mutant);
  }
  if (state.path.length > 0) params.set("path", state.path.join("."));
  if (state.step !== 0) params.set("step", String(state.step));
  if (state.present) params.set("present", "1");
  return `?${params.toString().replaceAll("%2C", ",")}`;
}

/**
 * Reads a query string, checking the parameters against the page's limits.
 *
 * @param search The query string (`location.search`).
 * @returns The state, or `null` when it names no model parameter.
 * @throws {OptionError} When a parameter is out of the page's limits.
 */
export function decodePageState(search: string): PageState | null {
  const params = new URLSearchParams(search);
  const raw: Record<string, string> = {};
  for (const name of [...OPTION_NAMES, "mutant"]) {
    const value = params.get(name);
    if (value !== null) raw[name] = value;
  }
  const present = params.get("present") === "1";
  if (Object.keys(raw).length === 0 && !params.has("path")) {
    return present ? { options: {}, path: [], step: 0, present } : null;
  }
  const options = checkPageOptions(raw, true);
  const text = params.get("path") ?? "";
  const path = text === "" ? [] : text.split(".");
  if (path.length > MAX_PATH) {
    throw new OptionError(
      "path",
      `Cannot open the link: path must have at most ${MAX_PATH} steps, received ${path.length}`,
    );
  }
  const step = checkInteger("step", params.get("step") ?? "0", {
    min: 0,
    max: path.length,
    fromText: true,
  });
  return { options, path, step, present };
}

/**
 * Replays a path of process names on the model.
 *
 * @param options The model's parameters.
 * @param path The processes that take each step.
 * @param step The step to show.
 * @returns The session, showing `step`.
 * @throws {RangeError} When a process has no enabled step where the path takes it.
 */
export function replayPath(
  options: BufferOptions,
  path: readonly string[],
  step: number,
): Session {
  const session = new Session(options);
  path.forEach((process, i) => {
    const choice = session.choices().find((c) => c.action.process === process);
    if (choice === undefined) {
      throw new RangeError(
        `Cannot replay the path: step ${
          i + 1
        } (${process}) is not enabled there`,
      );
    }
    session.take(choice.action);
  });
  session.seek(step);
  return session;
}

/**
 * The state of a session, for the address.
 *
 * @param session The session.
 * @param present Presentation mode.
 * @returns The state.
 */
export function sessionState(session: Session, present: boolean): PageState {
  const { config } = session.model;
  const options: BufferOptions = {
    slots: config.slots,
    items: config.items,
    scheme: config.scheme,
    producers: config.producers,
    consumers: config.consumers,
    sync: config.sync,
    ...(config.scheme === "counter" ? { start: config.start } : {}),
    ...(config.mutant === undefined ? {} : { mutant: config.mutant }),
  };
  return {
    options,
    path: session.path.slice(1).map((s) => s.action!.process),
    step: session.cursor,
    present,
  };
}
