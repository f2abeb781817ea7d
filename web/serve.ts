// Copyright 2025 the ringproof authors. MIT license.
/**
 * The teaching page's server: `deno task serve [-- --port N]`. Serves one
 * page on 127.0.0.1 with the headers a browser needs to hand out
 * SharedArrayBuffer (cross-origin isolation), the page's scripts bundled
 * from the project's own TypeScript at start-up.
 *
 * @module
 */

import { type Assets, buildAssets } from "./_assets.ts";

/**
 * Headers on every response: `Cross-Origin-Opener-Policy` and
 * `Cross-Origin-Embedder-Policy` make the page cross-origin isolated (so
 * `SharedArrayBuffer` exists); the rest keep it to its own files, with one
 * allowance: `'wasm-unsafe-eval'` lets the proof Worker compile Z3's
 * WebAssembly (no JavaScript eval).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

function respond(
  status: number,
  body: BodyInit | null,
  headers: Record<string, string>,
): Response {
  return new Response(body, {
    status,
    headers: { ...PAGE_HEADERS, ...headers },
  });
}

/**
 * The request handler: `GET`/`HEAD` of the page's files, `404` for other
 * paths, `405` for other methods.
 *
 * @param assets The page's files, from the bundler.
 * @returns A handler for `Deno.serve`.
 */
export function pageHandler(assets: Assets): (request: Request) => Response {
  return (request) => {
    const path = new URL(request.url).pathname;
    const asset = assets.get(path === "/index.html" ? "/" : path);
    if (asset === undefined) {
      return respond(404, `Not found: ${path}\n`, {
        "Content-Type": "text/plain; charset=utf-8",
      });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return respond(405, `Method not allowed: ${request.method}\n`, {
        "Allow": "GET, HEAD",
        "Content-Type": "text/plain; charset=utf-8",
      });
    }
    return respond(200, request.method === "HEAD" ? null : asset.body, {
      "Content-Type": asset.type,
      "Content-Length": String(asset.body.byteLength),
    });
  };
}

/** Options for {@linkcode servePage}. */
export interface ServePageOptions {
  /** The port on 127.0.0.1; `0` (the default) picks a free one. */
  port?: number;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A running page server. */
export interface PageServer {
  /** The page's address, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops the server and waits for it to finish. */
  shutdown(): Promise<void>;
}

/**
 * Bundles the page and serves it on 127.0.0.1.
 *
 * @param options The port (default: a free one) and an abort signal.
 * @returns The running server and its address.
 * @throws {Deno.errors.AddrInUse} When the port is taken, saying so.
 */
export async function servePage(
  options: ServePageOptions = {},
): Promise<PageServer> {
  const assets = await buildAssets();
  const port = options.port ?? 0;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onListen: () => {},
    }, pageHandler(assets));
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new Deno.errors.AddrInUse(
      `Cannot serve the page: port ${port} of 127.0.0.1 is in use; choose another with --port N, or --port 0 for a free one`,
    );
  }
  const { port: listening } = server.addr;
  return {
    url: `http://127.0.0.1:${listening}/`,
    port: listening,
    shutdown: () => server.shutdown(),
  };
}

/**
 * Reads `--port N` (or `--port=N`) from the command line.
 *
 * @param args The arguments.
 * @returns The port, or `0` for a free one.
 * @throws {RangeError} On another argument or a bad port.
 */
export function parsePort(args: readonly string[]): number {
  let port = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") continue; // `deno task serve -- --port N` passes it on
    const match = /^--port(?:=(.*))?$/.exec(args[i]!);
    if (match === null) {
      throw new RangeError(
        `Unexpected argument ${args[i]} (usage: deno task serve [-- --port N])`,
      );
    }
    const text = match[1] ?? args[++i] ?? "";
    port = Number(text);
    if (!/^\d+$/.test(text) || port > 65535) {
      throw new RangeError(
        `Flag --port must be an integer from 0 to 65535, received ${
          JSON.stringify(text)
        }`,
      );
    }
  }
  return port;
}

if (import.meta.main) {
  let port: number;
  try {
    port = parsePort(Deno.args);
  } catch (error) {
    console.error(`ringproof serve: ${(error as Error).message}`);
    Deno.exit(2);
  }
  try {
    const server = await servePage({ port });
    console.log(`ringproof teaching page: ${server.url}`);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    console.error(`ringproof serve: ${error.message}`);
    Deno.exit(1);
  }
}
