/// <reference lib="dom" />
// Reading and driving the teaching page from an end-to-end test: what the
// ring, the invariants and the step buttons show, and what the model says
// they should show (computed here from the model, independently of the
// page's own view code).
import type { Page } from "playwright-core";
import {
  type BufferModel,
  type BufferOptions,
  type BufferState,
  itemName,
} from "../model/mod.ts";
import { main as checkCli } from "../model/cli.ts";

/** What the explore section shows. */
export interface Shown {
  inSlot: number;
  outSlot: number;
  cells: string[];
  /** Sync "sequence": each cell's sequence number (otherwise empty). */
  sequences: number[];
  invariants: Record<string, string>;
  choices: string[];
}

/** Reads the ring, the invariants and the enabled steps off the page. */
export async function shown(page: Page, ring = "#ring"): Promise<Shown> {
  return await page.evaluate((selector) => {
    const svg = document.querySelector<SVGSVGElement>(selector)!;
    const data = (e: Element) => (e as HTMLElement | SVGElement).dataset;
    return {
      inSlot: Number(svg.dataset.inSlot),
      outSlot: Number(svg.dataset.outSlot),
      cells: [...svg.querySelectorAll("[data-cell]")].map((g) =>
        `${data(g).kind} ${data(g).text}`
      ),
      sequences: [...svg.querySelectorAll("[data-cell][data-seq]")].map((g) =>
        Number(data(g).seq)
      ),
      invariants: Object.fromEntries(
        [...document.querySelectorAll("#invariants li")].map((
          li,
        ) => [data(li).invariant!, data(li).status!]),
      ),
      choices: [...document.querySelectorAll("#choices button")].map((b) =>
        `${data(b).process} ${data(b).op}`
      ),
    };
  }, ring);
}

/**
 * Whether cell `i` holds an item written but not yet published: a
 * producer's next step is `publish`, and the cell is not between `out` and
 * `in` (nor a cell a consumer released before reading it).
 */
function unpublished(
  model: BufferModel,
  state: BufferState,
  i: number,
): boolean {
  const publishing = state.producers.filter((p) => p.pc === "publish");
  if (publishing.length === 0) return false;
  const n = state.cells.length;
  if (state.sequences !== undefined) {
    return publishing.some((p) => (p.position ?? -1) % n === i);
  }
  const { scheme } = model.config;
  const count = scheme === "counter"
    ? Math.min(n, (state.in - state.out) >>> 0)
    : scheme === "textbook"
    ? (state.in - state.out + n) % n
    : state.in - state.out;
  const between = (i - state.outSlot + n) % n < count;
  const released = state.consumers.some((c) => c.slot === i);
  return !between && !released;
}

/** What the page should show for `state`, by the model. */
export function expected(
  model: BufferModel,
  state: BufferState,
): Omit<Shown, "choices"> & { choices: string[] } {
  const choices = [...model.actions(state)].map((a) => `${a.process} ${a.op}`);
  const invariants: Record<string, string> = {};
  for (const [name, holds] of Object.entries(model.invariants)) {
    invariants[name] = holds(state) ? "holds" : "broken";
  }
  const end = model.isEnd?.(state) ?? false;
  invariants["deadlock-free"] = choices.length === 0 && !end
    ? "broken"
    : "holds";
  return {
    inSlot: state.inSlot,
    outSlot: state.outSlot,
    cells: state.cells.map((cell, i) =>
      cell === null
        ? "empty ·"
        : `${
          state.consumed[cell.producer]![cell.seq]
            ? "stale"
            : unpublished(model, state, i)
            ? "unpublished"
            : "item"
        } ${itemName(cell)}`
    ),
    sequences: state.sequences ?? [],
    invariants,
    choices,
  };
}

/** Fills the explore section's configuration form and starts over. */
export async function configure(
  page: Page,
  options: BufferOptions,
): Promise<void> {
  const form = page.locator("#config");
  for (const name of ["slots", "items", "producers", "consumers"] as const) {
    const value = options[name];
    if (value !== undefined) {
      await form.locator(`[name=${name}]`).fill(String(value));
    }
  }
  if (options.scheme !== undefined) {
    await form.locator("[name=scheme]").selectOption(options.scheme);
  }
  if (options.sync !== undefined) {
    await form.locator("[name=sync]").selectOption(options.sync);
  }
  await form.locator("[name=mutant]").selectOption(options.mutant ?? "");
  await page.locator("#apply").click();
}

/** What `deno task check -- ARGS --json` prints (run in-process). */
export function cliJson(args: readonly string[]): string {
  let out = "";
  checkCli([...args, "--json"], {
    out: (text) => {
      out += text;
    },
    err: () => {},
    errIsTerminal: false,
  });
  return out;
}
