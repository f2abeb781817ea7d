// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import { allSizesMain } from "../model/_symbolic/cli.ts";
import type { AllSizesJson } from "../model/mod.ts";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await allSizesMain(args, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

Deno.test(
  "allSizesMain() exits 0 when the invariant is proved for every BUFFER_SIZE",
  async () => {
    const { code, out } = await run([
      "--",
      "--proof",
      "--all-sizes",
      "--scheme",
      "textbook",
    ]);
    assert.equal(code, 0);
    assert.match(out, /Inv ∧ C0 read ⇒ Inv′ +proved/);
    assert.match(out, /=> proved for every BUFFER_SIZE/);
  },
);

Deno.test("allSizesMain() exits 1 naming the failing obligation", async () => {
  const { code, out } = await run([
    "--proof",
    "--all-sizes",
    "--scheme",
    "textbook",
    "--mutant",
    "no-full-check",
  ]);
  assert.equal(code, 1);
  assert.match(out, /FAILS \(occupancy\)/);
  assert.match(out, /not proved: textbook: Inv ∧ P0 publish ⇒ Inv′ failed/);
  assert.match(out, /explorer at slots \d+, \d+ items: VIOLATION of bound/);
});

Deno.test(
  "allSizesMain() --json prints the ringproof.proof-all-sizes/1 schema",
  async () => {
    const { code, out } = await run([
      "--proof",
      "--all-sizes",
      "--json",
      "--scheme",
      "counter",
    ]);
    assert.equal(code, 0);
    const [json] = JSON.parse(out) as AllSizesJson[];
    assert.equal(json!.schema, "ringproof.proof-all-sizes/1");
    assert.equal(json!.verdict, "proved");
    assert.ok(json!.obligations.every((o) => o.counterexample === null));
  },
);

Deno.test(
  "allSizesMain() exits 2 on bad arguments",
  async () => {
    const cases: [string[], RegExp][] = [
      [["--all-sizes"], /Flag --all-sizes needs --proof/],
      [["--proof", "--all-sizes", "--slots", "3"], /--slots does not apply/],
      [
        ["--proof", "--all-sizes", "--scheme", "unbounded"],
        /--scheme: must be/,
      ],
      [["--proof", "--all-sizes", "--mutant", "nope"], /--mutant: must be/],
      [
        [
          "--proof",
          "--all-sizes",
          "--scheme",
          "textbook",
          "--mutant",
          "modulo-index",
        ],
        /modulo-index needs --scheme counter/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await run(args);
      assert.equal(code, 2, args.join(" "));
      assert.match(err, message);
    }
  },
);
