// Copyright 2025 the ringproof authors. MIT license.
/**
 * The teaching page's files: the HTML and CSS as written, and the page's
 * scripts bundled from the project's own TypeScript (the same `model/` and
 * `src/` code the tests check) with Deno's bundler.
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
  const page = new URL("./page/", import.meta.url);
  const entries = Object.entries(SCRIPTS);
  const result = await Deno.bundle({
    entrypoints: entries.map(([, file]) => new URL(file, page).href),
    outputDir: "/bundle",
    platform: "browser",
    format: "esm",
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
  const assets = new Map<string, Asset>();
  for (const [path, file] of entries) {
    const body = outputs.get(file.replace(/\.ts$/, ".js"));
    if (body === undefined) {
      throw new Error(`Cannot bundle the page: no output for ${file}`);
    }
    assets.set(path, { type: JS, body });
  }
  const web = new URL("./", import.meta.url);
  for (const [path, [file, type]] of Object.entries(STATIC)) {
    assets.set(path, { type, body: await Deno.readFile(new URL(file, web)) });
  }
  return assets;
}
