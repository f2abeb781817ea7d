// Copyright 2025 the ringproof authors. MIT license.
/**
 * The teaching page's files: the HTML and CSS as written, the page's
 * scripts bundled from the project's own TypeScript (the same `model/` and
 * `src/` code the tests check) with Deno's bundler, and Z3's browser build
 * (`z3-built.js`, `z3-built.wasm`) read from the `z3-solver` npm package in
 * Deno's cache, so the page never loads anything from the Internet.
 *
 * @module
 */

/** One file the server hands out. */
export interface Asset {
  /** The `Content-Type` header. */
  readonly type: string;
  /** The bytes. */
  readonly body: Uint8Array<ArrayBuffer>;
}

/** The page's files by URL path (`/`, `/page.js`, …). */
export type Assets = ReadonlyMap<string, Asset>;

/** The bundled scripts: URL path → entry point, relative to `web/page/`. */
export const SCRIPTS: Readonly<Record<string, string>> = {
  "/page.js": "main.ts",
  "/model_worker.js": "model_worker.ts",
  "/ring_worker.js": "ring_worker.ts",
};

/**
 * The classic (non-module) Worker scripts: URL path → entry point. The proof
 * Worker loads Z3's Emscripten build with `importScripts`, which a module
 * Worker cannot do, so it is bundled as an IIFE.
 */
export const CLASSIC_SCRIPTS: Readonly<Record<string, string>> = {
  "/proof_worker.js": "proof_worker.ts",
};

/**
 * Z3's browser build, served from the `z3-solver` package: URL path → file
 * of the package's `build/` folder and its `Content-Type`.
 */
export const Z3_FILES: Readonly<Record<string, [string, string]>> = {
  "/z3-built.js": ["z3-built.js", "text/javascript; charset=utf-8"],
  "/z3-built.wasm": ["z3-built.wasm", "application/wasm"],
};

const STATIC: Readonly<Record<string, [string, string]>> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/style.css": ["style.css", "text/css; charset=utf-8"],
};

const JS = "text/javascript; charset=utf-8";

/**
 * Bundles the page's scripts (one self-contained ES module per entry point,
 * for the browser) and reads the static files.
 *
 * @returns Every file of the page, by URL path.
 * @throws {Error} When the bundler is unavailable (run with
 * `--unstable-bundle`, which `deno.json` turns on) or reports an error.
 */
export async function buildAssets(): Promise<Assets> {
  if (typeof Deno.bundle !== "function") {
    throw new Error(
      'Cannot bundle the page: Deno.bundle is unavailable (needs --unstable-bundle or "unstable": ["bundle"] in deno.json)',
    );
  }
  const assets = new Map<string, Asset>();
  await bundle(assets, SCRIPTS, "esm");
  await bundle(assets, CLASSIC_SCRIPTS, "iife");
  const web = new URL("./", import.meta.url);
  for (const [path, [file, type]] of Object.entries(STATIC)) {
    assets.set(path, { type, body: await Deno.readFile(new URL(file, web)) });
  }
  // The package's main file sits in build/, beside the browser build. The
  // proof Worker's bundle includes z3-solver, so bundling has installed it.
  const z3 = new URL("./", import.meta.resolve("z3-solver"));
  for (const [path, [file, type]] of Object.entries(Z3_FILES)) {
    assets.set(path, { type, body: await Deno.readFile(new URL(file, z3)) });
  }
  return assets;
}

async function bundle(
  assets: Map<string, Asset>,
  scripts: Readonly<Record<string, string>>,
  format: "esm" | "iife",
): Promise<void> {
  const page = new URL("./page/", import.meta.url);
  const entries = Object.entries(scripts);
  const result = await Deno.bundle({
    entrypoints: entries.map(([, file]) => new URL(file, page).href),
    outputDir: "/bundle",
    platform: "browser",
    format,
    write: false,
  });
  if (!result.success) {
    const messages = result.errors.map((e) =>
      `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ""}`
    );
    throw new Error(`Cannot bundle the page: ${messages.join("; ")}`);
  }
  const outputs = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const file of result.outputFiles ?? []) {
    const name = file.path.slice(file.path.lastIndexOf("/") + 1);
    outputs.set(name, new TextEncoder().encode(file.text()));
  }
  for (const [path, file] of entries) {
    const body = outputs.get(file.replace(/\.ts$/, ".js"));
    if (body === undefined) {
      throw new Error(`Cannot bundle the page: no output for ${file}`);
    }
    assets.set(path, { type: JS, body });
  }
}
