// Copyright 2025 the ringproof authors. MIT license.
// Every mutant gets a verdict from the prover (for every BUFFER_SIZE) that
// agrees with the explorer's (one small bound): a violation the explorer
// confirms, or a proof where the explorer finds no violation.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  explore,
  type Mutant,
  mutantApplies,
  MUTANTS,
  proveAllSizes,
} from "../model/mod.ts";

// The prover's verdicts, pinned (docs/proof.md has the table).
const EXPECTED: Record<string, "proved" | "violated"> = {
  "textbook (none)": "proved",
  "textbook publish-before-write": "violated",
  "textbook release-before-read": "violated",
  "textbook full-when-equal": "proved",
  "textbook no-full-check": "violated",
  "textbook wasted-two": "proved",
  "counter (none)": "proved",
  "counter publish-before-write": "violated",
  "counter release-before-read": "violated",
  "counter full-when-equal": "proved",
  "counter no-full-check": "violated",
  "counter wasted-two": "proved",
  "counter modulo-index": "violated",
};

Deno.test("proveAllSizes() gives every mutant the explorer's verdict", async (t) => {
  for (const scheme of ["textbook", "counter"] as const) {
    const mutants: (Mutant | undefined)[] = [
      undefined,
      ...MUTANTS.filter((m) => mutantApplies(m, scheme)),
    ];
    for (const mutant of mutants) {
      const label = `${scheme} ${mutant ?? "(none)"}`;
      await t.step(label, async () => {
        const report = await proveAllSizes({
          scheme,
          ...(mutant === undefined ? {} : { mutant }),
        });
        const explored = explore(boundedBuffer({
          scheme,
          slots: 3,
          items: 4,
          ...(mutant === undefined ? {} : { mutant }),
          ...(mutant === "modulo-index" ? { start: 2 ** 32 - 1 } : {}),
        }));
        assert.equal(report.verdict, EXPECTED[label], label);
        if (report.verdict === "violated") {
          // A failed obligation, confirmed at its size by the explorer, and
          // a violation on the small bound too.
          assert.ok(report.obligations.some((o) => o.status === "failed"));
          assert.equal(report.confirmation?.verdict, "violation");
          assert.equal(explored.verdict, "violation", label);
        } else {
          // Proved for every size: no safety violation on the small bound
          // (full-when-equal deadlocks before any step).
          assert.notEqual(explored.verdict, "violation", label);
          assert.ok(
            report.obligations.every((o) =>
              o.status === "proved" || o.status === "definition"
            ),
          );
        }
      });
    }
  }
});

Deno.test("proveAllSizes() proves modulo-index exactly when BUFFER_SIZE divides 2^32", async () => {
  const report = await proveAllSizes({
    scheme: "counter",
    mutant: "modulo-index",
  });
  assert.equal(report.provedWhen, "BUFFER_SIZE divides 2^32");
  const wrap = report.obligations.find((o) => o.name === "lemma wrap-forward");
  assert.equal(wrap?.status, "proved");
  const cti = report.obligations.find((o) => o.status === "failed")!;
  const size = cti.size!.slots;
  assert.notEqual(2 ** 32 % size, 0); // the solver's BUFFER_SIZE does not divide 2^32
  assert.equal(cti.counterexample?.[1]?.action?.op, "publish");
  assert.equal(cti.counterexample?.[1]?.state.in, 0); // the publish crossing the wrap
  assert.equal(report.confirmation?.verdict, "violation");
  assert.equal(report.confirmation?.start, 2 ** 32 - 1);
});

Deno.test("proveAllSizes() shows the bare safety property is not inductive", async () => {
  const report = await proveAllSizes({ candidate: "safety" });
  assert.equal(report.verdict, "not-proved");
  const read = report.obligations.find((o) => o.name === "C0 read")!;
  assert.equal(read.status, "failed");
  // A state satisfying bare safety where the consumer has passed its wait
  // although no item is there for it: the read breaks a data property.
  assert.ok(read.broken.length > 0);
  for (const name of read.broken) {
    assert.ok(["no-unproduced", "fifo"].includes(name));
  }
  const [before, after] = read.counterexample!;
  assert.equal(before!.state.consumers[0]!.pc, "read");
  assert.ok(after!.state.flags.unproduced || after!.state.flags.fifo);
});

Deno.test("proveAllSizes() rejects a mutant that does not apply and an unknown scheme", async () => {
  await assert.rejects(
    () => proveAllSizes({ scheme: "textbook", mutant: "modulo-index" }),
    RangeError,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => proveAllSizes({ scheme: "unbounded" as any }),
    TypeError,
  );
});

Deno.test("proveAllSizes() rejects an unknown mutant and a timeout that is not a positive integer", async () => {
  // An unknown name used to be proved as the unmutated buffer.
  await assert.rejects(
    () => proveAllSizes({ mutant: "wasted-one" as Mutant }),
    {
      name: "TypeError",
      message: `Cannot prove: mutant must be one of ${
        MUTANTS.join(", ")
      }, received "wasted-one"`,
    },
  );
  await assert.rejects(
    () => proveAllSizes({ timeout: 0 }),
    {
      name: "RangeError",
      message:
        "Cannot prove: timeout must be a positive integer (milliseconds), received 0",
    },
  );
  await assert.rejects(
    () => proveAllSizes({ timeout: "30" as unknown as number }),
    TypeError,
  );
});
