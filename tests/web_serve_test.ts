// The teaching page's server: headers for cross-origin isolation on every
// response, its routes, and the bundle of the page's own TypeScript.
import assert from "node:assert/strict";
import {
  buildAssets,
  CLASSIC_SCRIPTS,
  SCRIPTS,
  Z3_FILES,
} from "../web/_assets.ts";
import {
  PAGE_HEADERS,
  pageHandler,
  parsePort,
  servePage,
} from "../web/serve.ts";

Deno.test("buildAssets bundles each page script into one browser module", async () => {
  const assets = await buildAssets();
  assert.deepEqual(
    [...assets.keys()].sort(),
    [
      "/",
      "/style.css",
      ...Object.keys(SCRIPTS),
      ...Object.keys(CLASSIC_SCRIPTS),
      ...Object.keys(Z3_FILES),
    ].sort(),
  );
  const decode = (path: string) =>
    new TextDecoder().decode(assets.get(path)!.body);
  for (const path of [...Object.keys(SCRIPTS), "/proof_worker.js"]) {
    const code = decode(path);
    assert.equal(assets.get(path)!.type, "text/javascript; charset=utf-8");
    // Self-contained: no import of a .ts file or a bare specifier is left.
    assert.doesNotMatch(code, /^\s*import\s.*from\s/m, path);
    assert.doesNotMatch(code, /\bDeno\./, path);
  }
  // The page and its Workers run the project's own model and ring code.
  assert.match(decode("/model_worker.js"), /function explore\(/);
  assert.match(decode("/model_worker.js"), /function boundedBuffer\(/);
  assert.match(
    decode("/ring_worker.js"),
    /\bProducer = class\b|class Producer\b/,
  );
  assert.match(decode("/page.js"), /function createRing\(/);
  // The Z3 Worker: a classic script (it calls importScripts) running the
  // model's prover, with z3-solver's browser entry, not its Node.js one.
  const proof = decode("/proof_worker.js");
  assert.match(proof, /function proveAllSizes\(/);
  assert.match(proof, /importScripts\(/);
  assert.match(proof, /global\.initZ3/);
  assert.doesNotMatch(proof, /^export\s/m);
  assert.doesNotMatch(proof, /worker_threads/);
  assert.ok(
    decode("/page.js").includes('"/proof_worker.js"'),
    "page.js starts /proof_worker.js",
  );
  // Z3's browser build, from the npm package: no download at run time.
  const wasm = assets.get("/z3-built.wasm")!;
  assert.equal(wasm.type, "application/wasm");
  assert.deepEqual([...wasm.body.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  assert.match(decode("/z3-built.js"), /var initZ3 = /);
  assert.doesNotMatch(decode("/page.js"), /initZ3/);
  const html = decode("/");
  for (const path of ["/page.js", "/style.css"]) {
    assert.ok(html.includes(`"${path}"`), `index.html loads ${path}`);
  }
  for (const path of ["/model_worker.js", "/ring_worker.js"]) {
    assert.ok(
      decode("/page.js").includes(`"${path}"`),
      `page.js starts ${path}`,
    );
  }
});

Deno.test("pageHandler answers every route with the cross-origin isolation headers", async (t) => {
  const assets = new Map([
    ["/", {
      type: "text/html; charset=utf-8",
      body: new TextEncoder().encode("<p>page</p>"),
    }],
    ["/page.js", {
      type: "text/javascript; charset=utf-8",
      body: new TextEncoder().encode("1;"),
    }],
  ]);
  const handle = pageHandler(assets);
  const cases: [string, string, number, string | null][] = [
    ["GET", "/", 200, "<p>page</p>"],
    ["GET", "/index.html", 200, "<p>page</p>"],
    ["GET", "/page.js?v=1", 200, "1;"],
    ["HEAD", "/page.js", 200, ""],
    ["GET", "/missing.js", 404, "Not found: /missing.js\n"],
    ["POST", "/", 405, "Method not allowed: POST\n"],
  ];
  for (const [method, path, status, body] of cases) {
    await t.step(`${method} ${path} → ${status}`, async () => {
      const response = handle(
        new Request(`http://127.0.0.1${path}`, { method }),
      );
      assert.equal(response.status, status);
      for (const [name, value] of Object.entries(PAGE_HEADERS)) {
        assert.equal(response.headers.get(name), value, name);
      }
      assert.equal(await response.text(), body);
      if (status === 405) {
        assert.equal(response.headers.get("Allow"), "GET, HEAD");
      }
    });
  }
  assert.equal(PAGE_HEADERS["Cross-Origin-Opener-Policy"], "same-origin");
  assert.equal(PAGE_HEADERS["Cross-Origin-Embedder-Policy"], "require-corp");
  // Z3's WebAssembly may be compiled; no other eval.
  assert.match(
    PAGE_HEADERS["Content-Security-Policy"]!,
    /script-src 'self' 'wasm-unsafe-eval';/,
  );
});

Deno.test("servePage listens on a free loopback port and serves the bundled page", async () => {
  const server = await servePage();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(server.port > 0);
    const page = await fetch(server.url);
    assert.equal(page.status, 200);
    assert.equal(
      page.headers.get("Cross-Origin-Embedder-Policy"),
      "require-corp",
    );
    assert.match(await page.text(), /<svg id="ring"/);
    const worker = await fetch(new URL("/model_worker.js", server.url));
    assert.equal(
      worker.headers.get("Cross-Origin-Opener-Policy"),
      "same-origin",
    );
    assert.equal(
      worker.headers.get("Content-Type"),
      "text/javascript; charset=utf-8",
    );
    assert.match(await worker.text(), /kind: "ready"/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("parsePort reads --port and rejects anything else", () => {
  assert.equal(parsePort([]), 0);
  assert.equal(parsePort(["--port", "8123"]), 8123);
  assert.equal(parsePort(["--port=0"]), 0);
  assert.equal(parsePort(["--", "--port", "9000"]), 9000);
  for (
    const args of [["--port"], ["--port", "x"], ["--port=70000"], [
      "--host",
      "0.0.0.0",
    ]]
  ) {
    assert.throws(() => parsePort(args), RangeError, args.join(" "));
  }
});

Deno.test("web/serve.ts exits 1 with one line when the port is in use", async () => {
  // The port is taken by a listener of this test; the server must say so,
  // not end in an uncaught AddrInUse and its stack.
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const { port } = taken.addr as Deno.NetAddr;
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-net=127.0.0.1",
        new URL("../web/serve.ts", import.meta.url).pathname,
        "--port",
        String(port),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 1);
    assert.equal(
      new TextDecoder().decode(output.stderr),
      `ringproof serve: Cannot serve the page: port ${port} of 127.0.0.1 is in use; choose another with --port N, or --port 0 for a free one\n`,
    );
  } finally {
    taken.close();
  }
});
