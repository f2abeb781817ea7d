// Copyright 2025 the ringproof authors. MIT license.
// The import rules of docs/architecture.md, read from the source:
//
// 1. Privacy. A path segment that starts with `_` is private to the folder
//    that contains it: a `_`-prefixed file `D/_f.ts`, and everything inside a
//    `_`-prefixed folder `D/_room/`, may be imported only by files inside `D`
//    (at any depth, including the other rooms of `D`). So model/_lockstep/
//    may use model/_machine/, model/conformance.ts may use model/_lockstep/,
//    but model/ may not use src/_header.ts, and nothing outside model/ may
//    use model/_lockstep/.
// 2. No cycles among the files checked (type-only imports count too).
//
// Checked: every .ts file under model/ and src/, and mod.ts. The graph is read
// with a regular expression over import/export-from specifiers (static and
// dynamic imports with a literal relative specifier); bare and URL
// specifiers (npm:, node:, jsr:) are not files of this repository.

import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));
const CHECKED = ["mod.ts", "model", "src"];

const IMPORT = new RegExp(
  String.raw`^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["']([^"']+)["']` +
    String.raw`|\bimport\(\s*["']([^"']+)["']\s*\)`,
  "gm",
);

/** The relative specifiers a module's source imports or re-exports. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    if (spec.startsWith("./") || spec.startsWith("../")) found.push(spec);
  }
  return found;
}

/**
 * Whether `from` (a repository-relative path) may import `to` under rule 1:
 * for every `_`-prefixed segment of `to`, the folder containing that segment
 * must contain `from`.
 */
export function mayImport(from: string, to: string): boolean {
  const segments = to.split("/");
  for (let i = 0; i < segments.length; i++) {
    if (!segments[i]!.startsWith("_")) continue;
    const owner = segments.slice(0, i).join("/");
    if (owner !== "" && !from.startsWith(owner + "/")) return false;
  }
  return true;
}

/** Strongly connected components with more than one file (or a self-import). */
export function cycles(graph: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) {
        found.push(component.sort());
      }
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function tsFiles(path: string): string[] {
  const full = join(ROOT, path);
  if (Deno.statSync(full).isFile) return [path];
  const out: string[] = [];
  for (const entry of Deno.readDirSync(full)) {
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory) out.push(...tsFiles(child));
    else if (entry.name.endsWith(".ts")) out.push(child);
  }
  return out.sort();
}

/** The import graph of the checked files: file -> files it imports (repository-relative). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of CHECKED.flatMap(tsFiles)) {
    const source = Deno.readTextFileSync(join(ROOT, file));
    const targets = specifiers(source).map((spec) =>
      relative(ROOT, join(ROOT, dirname(file), spec))
    );
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

Deno.test("mayImport() applies the folder-privacy rule", () => {
  // Inside the owning folder, at any depth, and between rooms of one folder.
  assert.ok(mayImport("model/conformance.ts", "model/_lockstep/driver.ts"));
  assert.ok(mayImport("model/_cli/main.ts", "model/_lockstep/driver.ts"));
  assert.ok(mayImport("model/_lockstep/a.ts", "model/_lockstep/b.ts"));
  assert.ok(mayImport("src/_engine/x/y.ts", "src/_shm.ts"));
  // Public files anywhere.
  assert.ok(mayImport("model/conformance.ts", "mod.ts"));
  assert.ok(mayImport("model/_lockstep/a.ts", "model/bounded_buffer.ts"));
  // Another folder's private file or room.
  assert.ok(!mayImport("model/conformance_sequence.ts", "src/_header.ts"));
  assert.ok(!mayImport("mod.ts", "model/_lockstep/driver.ts"));
  assert.ok(!mayImport("src/producer.ts", "model/_machine/state.ts"));
  // A room's own private subfolder is private to the room.
  assert.ok(!mayImport("model/_cli/main.ts", "model/_lockstep/_inner/x.ts"));
  assert.ok(
    mayImport("model/_lockstep/driver.ts", "model/_lockstep/_inner/x.ts"),
  );
});

Deno.test("specifiers() reads static, re-export, type-only and dynamic imports", () => {
  const source = [
    `import { a } from "./a.ts";`,
    `import type {`,
    `  B,`,
    `} from "../b.ts";`,
    `export { c } from "./_c/c.ts";`,
    `export type { D } from "./d.ts";`,
    `import "./side_effect.ts";`,
    `const e = await import("./e.ts");`,
    `import assert from "node:assert/strict";`,
    ` * import { f } from "./in_a_doc_comment.ts";`,
  ].join("\n");
  assert.deepEqual(specifiers(source), [
    "./a.ts",
    "../b.ts",
    "./_c/c.ts",
    "./d.ts",
    "./side_effect.ts",
    "./e.ts",
  ]);
});

Deno.test("cycles() finds strongly connected files", () => {
  const graph = new Map([
    ["a", ["b"]],
    ["b", ["a", "c"]],
    ["c", ["d"]],
    ["d", []],
    ["e", ["e"]],
  ]);
  assert.deepEqual(cycles(graph), [["a", "b"], ["e"]]);
});

/** The import graph, checked to hold the files the rules are about. */
function checkedGraph(): Map<string, string[]> {
  const graph = importGraph();
  // An empty or misread graph would pass both rules without checking a thing.
  for (const file of ["mod.ts", "src/_engine/spsc.ts", "model/explore.ts"]) {
    assert.ok((graph.get(file)?.length ?? 0) > 0, `${file}'s imports read`);
  }
  return graph;
}

Deno.test("model/, src/ and mod.ts import no other folder's private file", () => {
  const graph = checkedGraph();
  const found: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (!mayImport(from, to)) found.push(`${from} -> ${to}`);
    }
  }
  console.log(
    `${graph.size} files; private imports across folders: ${
      found.length === 0 ? "none" : "\n  " + found.join("\n  ")
    }`,
  );
  assert.deepEqual(found, []);
});

Deno.test("model/, src/ and mod.ts have no import cycles", () => {
  const found = cycles(checkedGraph()).map((c) => c.join(" "));
  console.log(
    `import cycles: ${
      found.length === 0 ? "none" : "\n  " + found.join("\n  ")
    }`,
  );
  assert.deepEqual(found, []);
});
