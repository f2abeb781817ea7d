// Copyright 2025 the ringproof authors. MIT license.
// Z3 under Deno: queries time out, callers take turns on the one context,
// and garbage collection during a check does not corrupt Z3.
import assert from "node:assert/strict";
import { proveAllSizes } from "../model/mod.ts";
import { solve, withZ3 } from "../model/_symbolic/z3.ts";

Deno.test("solve() answers unknown when Z3's timeout fires", () =>
  withZ3(async (z) => {
    // x³ + y³ = w³ in integers > 1: nonlinear, beyond Z3 in 300 ms.
    const [x, y, w] = ["x", "y", "w"].map((name) => z.Int.const(name)) as [
      ReturnType<typeof z.Int.const>,
      ReturnType<typeof z.Int.const>,
      ReturnType<typeof z.Int.const>,
    ];
    const cube = (t: typeof x) => t.mul(t).mul(t);
    const answer = await solve(
      z,
      [x.gt(1), y.gt(1), w.gt(1), cube(x).add(cube(y)).eq(cube(w))],
      { timeout: 300 },
    );
    assert.equal(answer.result, "unknown");
  }));

Deno.test("withZ3() runs one task at a time, in call order", async () => {
  const log: string[] = [];
  const task = (name: string) => async () => {
    log.push(`${name} start`);
    await Promise.resolve();
    log.push(`${name} end`);
  };
  const failing = withZ3(() => Promise.reject(new Error("planned")));
  await Promise.all([withZ3(task("a")), withZ3(task("b"))]);
  await assert.rejects(failing, /planned/);
  assert.deepEqual(log, ["a start", "a end", "b start", "b end"]);
});

Deno.test("proveAllSizes() called concurrently proves both schemes", async () => {
  const [textbook, counter] = await Promise.all([
    proveAllSizes({ scheme: "textbook" }),
    proveAllSizes({ scheme: "counter" }),
  ]);
  assert.equal(textbook.verdict, "proved");
  assert.equal(counter.verdict, "proved");
});

Deno.test("proveAllSizes() survives garbage collection during Z3's checks", async () => {
  const root = new URL("../", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--v8-flags=--expose-gc",
      "--config",
      new URL("deno.json", root).pathname,
      new URL("tests/_z3_gc.ts", root).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  const { verdicts } = JSON.parse(new TextDecoder().decode(stdout));
  assert.deepEqual(verdicts, ["proved", "proved"]);
});
