// The "every BUFFER_SIZE" proof view's words without a browser (or Z3):
// which runs a choice asks for, the invariant's notation, each
// obligation's status, a report's headline and a whole state as rows.
import assert from "node:assert/strict";
import {
  type AllSizesObligation,
  type AllSizesReport,
  boundedBuffer,
  type BufferModel,
  type BufferState,
} from "../model/mod.ts";
import {
  caveatText,
  confirmationText,
  headline,
  parseTimeLimit,
  planRuns,
  runTitle,
  secondsText,
  sizeText,
  statusText,
  summaryText,
  wholeStateRows,
} from "../web/page/all_sizes.ts";
import { INVARIANT, mathPieces, SAFETY } from "../web/page/all_sizes_math.ts";

function obligation(
  fields: Partial<AllSizesObligation> = {},
): AllSizesObligation {
  return {
    kind: "step",
    name: "P0 write",
    statement: "Inv ∧ P0 write ⇒ Inv′",
    status: "proved",
    seconds: 0.25,
    broken: [],
    counterexample: null,
    size: null,
    ...fields,
  };
}

function report(fields: Partial<AllSizesReport> = {}): AllSizesReport {
  return {
    scheme: "textbook",
    mutant: null,
    candidate: "inductive",
    verdict: "proved",
    provedWhen: null,
    obligations: [obligation()],
    confirmation: null,
    seconds: 2,
    ...fields,
  };
}

/** Takes the steps `ops` (`"P0 wait"`, …). */
function walk(model: BufferModel, ops: string[]): BufferState {
  let state = [...model.initial()][0]!;
  for (const op of ops) {
    const action = [...model.actions(state)].find((a) =>
      `${a.process} ${a.op}` === op
    );
    assert.ok(action !== undefined, `${op} is enabled`);
    state = model.step(state, action);
  }
  return state;
}

Deno.test("planRuns asks for each scheme's invariant, then the bare safety property", () => {
  assert.deepEqual(
    planRuns({ schemes: "both", mutant: null, safety: true, timeLimit: 30 }),
    [
      { scheme: "textbook", candidate: "inductive", timeout: 30_000 },
      { scheme: "counter", candidate: "inductive", timeout: 30_000 },
      { scheme: "textbook", candidate: "safety", timeout: 30_000 },
    ],
  );
  assert.deepEqual(
    planRuns({
      schemes: "counter",
      mutant: null,
      safety: false,
      timeLimit: 30,
    }),
    [{ scheme: "counter", candidate: "inductive", timeout: 30_000 }],
  );
  // A mutant runs on the schemes it applies to; the bare property without it.
  assert.deepEqual(
    planRuns({
      schemes: "both",
      mutant: "modulo-index",
      safety: true,
      timeLimit: 30,
    }),
    [
      {
        scheme: "counter",
        candidate: "inductive",
        mutant: "modulo-index",
        timeout: 30_000,
      },
      { scheme: "counter", candidate: "safety", timeout: 30_000 },
    ],
  );
  assert.deepEqual(
    planRuns({
      schemes: "both",
      mutant: "no-full-check",
      safety: false,
      timeLimit: 30,
    }),
    [
      {
        scheme: "textbook",
        candidate: "inductive",
        mutant: "no-full-check",
        timeout: 30_000,
      },
      {
        scheme: "counter",
        candidate: "inductive",
        mutant: "no-full-check",
        timeout: 30_000,
      },
    ],
  );
  assert.throws(
    () =>
      planRuns({
        schemes: "textbook",
        mutant: "modulo-index",
        safety: true,
        timeLimit: 30,
      }),
    RangeError,
    "Cannot prove: mutant modulo-index does not apply to scheme textbook",
  );
  assert.equal(
    runTitle({
      scheme: "textbook",
      candidate: "inductive",
      mutant: "wasted-two",
      timeout: 1000,
    }),
    "textbook scheme, mutant wasted-two: the inductive invariant",
  );
  assert.equal(
    runTitle({ scheme: "counter", candidate: "safety", timeout: 1000 }),
    "counter scheme: the bare safety property",
  );
});

Deno.test("mathPieces sets the model's variables apart and keeps the formula", () => {
  const formula =
    "∀j ≥ 0.  c ≤ rel + j < p  ⇒  cells[wrap(outSlot + j)] = rel + j";
  const pieces = mathPieces(formula);
  assert.equal(pieces.map((p) => p.text).join(""), formula);
  assert.deepEqual(
    pieces.filter((p) => p.variable).map((p) => p.text),
    ["j", "c", "rel", "j", "p", "cells", "wrap", "outSlot", "j", "rel", "j"],
  );
  // Words of the notation (mod, program steps) stay text, merged.
  assert.deepEqual(mathPieces("out = rel mod N"), [
    { text: "out", variable: true },
    { text: " = ", variable: false },
    { text: "rel", variable: true },
    { text: " mod ", variable: false },
    { text: "N", variable: true },
  ]);
  assert.deepEqual(mathPieces("pcP = publish"), [
    { text: "pcP", variable: true },
    { text: " = publish", variable: false },
  ]);
  assert.deepEqual(mathPieces(""), []);
});

Deno.test("INVARIANT names the conjuncts as docs/proof.md does", async () => {
  const note = await Deno.readTextFile(
    new URL("../docs/proof.md", import.meta.url),
  );
  const section = note.slice(
    note.indexOf("## The invariant"),
    note.indexOf("## Why the bare safety property"),
  );
  const documented = [...section.matchAll(/^\d+\. \*\*([a-z_]+)\*\*/gm)].map(
    (m) => m[1],
  );
  assert.deepEqual(INVARIANT.map((c) => c.name), documented);
  assert.deepEqual(SAFETY.map((c) => c.name), [
    "bound",
    "no-unproduced",
    "fifo",
  ]);
  for (const c of [...INVARIANT, ...SAFETY]) {
    assert.ok(c.formulas.length > 0 && c.gloss !== "", c.name);
  }
  // The quantifier and implications are written as such.
  const cells = INVARIANT.find((c) => c.name === "cells")!;
  assert.match(cells.formulas[0]!, /^∀j ≥ 0\. .* ⇒ /);
});

Deno.test("statusText and secondsText say each status in words", () => {
  assert.equal(statusText(obligation()), "✓ proved");
  assert.equal(
    statusText(obligation({ status: "failed", broken: ["counts", "indices"] })),
    "✗ FAILS (counts, indices)",
  );
  assert.equal(statusText(obligation({ status: "failed" })), "✗ FAILS");
  assert.equal(
    statusText(obligation({ status: "unknown" })),
    "? unknown (time limit reached, or the solver gave up)",
  );
  assert.equal(
    statusText(obligation({ kind: "lemma", status: "definition" })),
    "assumed (SMT-LIB definition)",
  );
  assert.equal(secondsText(0.2081), "0.208 s");
  assert.equal(secondsText(7.4), "7.400 s");
  assert.equal(secondsText(0.0001), "< 1 ms");
});

Deno.test("headline and summaryText claim only what the report establishes", () => {
  assert.equal(
    headline(report()),
    "✓ proved for every BUFFER_SIZE ≥ 2 and every number of items",
  );
  assert.match(
    headline(report({ scheme: "counter" })),
    /every 32-bit start \(across the 2³² wrap\)$/,
  );
  assert.equal(
    headline(report({ candidate: "safety", verdict: "not-proved" })),
    "✗ not inductive: the solver found a counterexample to induction",
  );
  assert.equal(
    headline(report({ mutant: "no-full-check", verdict: "violated" })),
    "✗ not proved: violated — the explorer confirms a reachable violation",
  );
  assert.match(
    headline(report({
      scheme: "counter",
      mutant: "modulo-index",
      verdict: "violated",
      provedWhen: "BUFFER_SIZE divides 2^32",
    })),
    /^✗ not proved: violated .*; proved for every BUFFER_SIZE ≥ 2, .* when BUFFER_SIZE divides 2\^32$/,
  );
  assert.equal(
    summaryText([
      report({ seconds: 3.25 }),
      report({ scheme: "counter", seconds: 4 }),
      report({ candidate: "safety", verdict: "not-proved", seconds: 1 }),
    ]),
    "Done in 8.3 s: textbook ✓ proved, counter ✓ proved; the bare safety property is not inductive.",
  );
  assert.equal(
    summaryText([report({ mutant: "wasted-two", seconds: 1 })]),
    "Done in 1.0 s: textbook (wasted-two) ✓ proved.",
  );
});

Deno.test("confirmationText and sizeText say where a counterexample lives", () => {
  const model = boundedBuffer({ slots: 2, items: 3, mutant: "no-full-check" });
  const state = [...model.initial()][0]!;
  const cex = report({
    mutant: "no-full-check",
    verdict: "violated",
    confirmation: {
      slots: 2,
      items: 4,
      start: 0,
      verdict: "violation",
      invariant: "bound",
      counterexample: [{ action: null, state }, {
        action: { process: "P0", op: "write" },
        state,
      }],
    },
  });
  assert.equal(
    confirmationText(cex),
    "The explorer at BUFFER_SIZE 2, 4 items: a reachable violation of bound in 1 step — the counterexample is real.",
  );
  assert.equal(
    confirmationText(report({
      candidate: "safety",
      verdict: "not-proved",
      confirmation: {
        slots: 2,
        items: 4,
        start: 4294967295,
        verdict: "pass",
        invariant: null,
        counterexample: null,
      },
      scheme: "counter",
    })),
    "The explorer at BUFFER_SIZE 2, 4 items, start 4294967295: pass, no violation — the counterexample to induction is not reachable there.",
  );
  assert.equal(confirmationText(report()), null);
  const failed = obligation({
    status: "failed",
    size: { slots: 3, items: 1, start: 7 },
  });
  assert.equal(sizeText(failed, "textbook"), "BUFFER_SIZE 3, 1 item");
  assert.equal(sizeText(failed, "counter"), "BUFFER_SIZE 3, 1 item, start 7");
  assert.equal(sizeText(obligation(), "textbook"), "");
});

Deno.test("wholeStateRows lists every variable, local and ghost of a state", () => {
  const textbook = boundedBuffer({ slots: 3, items: 2 });
  const state = walk(textbook, [
    "P0 wait",
    "P0 write",
    "P0 publish",
    "C0 wait",
    "C0 read",
  ]);
  const rows = new Map(wholeStateRows(state, { scheme: "textbook", items: 2 }));
  assert.deepEqual([...rows.keys()], [
    "in",
    "out",
    "cells",
    "P0 pc",
    "P0 next_produced",
    "P0 produced",
    "C0 pc",
    "C0 next_consumed",
    "C0 consumed",
    "held",
    "flags",
  ]);
  assert.equal(rows.get("in"), "1");
  assert.equal(rows.get("out"), "0");
  assert.equal(rows.get("cells"), "[a0 · ·]");
  assert.equal(rows.get("P0 pc"), "wait");
  assert.equal(rows.get("P0 next_produced"), "a1");
  assert.equal(rows.get("P0 produced"), "1 of 2");
  assert.equal(rows.get("C0 pc"), "release");
  assert.equal(rows.get("C0 next_consumed"), "a0");
  assert.equal(rows.get("flags"), "none");

  // Counters: the slots too, and a mutant's local slot.
  const counter = boundedBuffer({
    slots: 2,
    items: 1,
    scheme: "counter",
    start: 4294967295,
    mutant: "publish-before-write",
  });
  const early = walk(counter, ["P0 wait", "P0 publish"]);
  const more = new Map(wholeStateRows(early, { scheme: "counter", items: 1 }));
  assert.equal(more.get("in"), "0");
  assert.equal(more.get("out"), "4294967295");
  assert.equal(more.get("inSlot"), String(early.inSlot));
  assert.equal(more.get("outSlot"), String(early.outSlot));
  assert.equal(more.get("P0 slot"), String(early.producers[0]!.slot));
  assert.equal(more.get("P0 pc"), "write");
});

Deno.test("caveatText warns when a mutant is safe for a bad reason", () => {
  assert.match(
    caveatText(report({ mutant: "full-when-equal" }))!,
    /^Safe only vacuously: .* deadlock at step 0\./,
  );
  assert.match(
    caveatText(report({ mutant: "wasted-two", scheme: "counter" }))!,
    /^Safe, but wasteful: .* bound-tight fact is never witnessed\./,
  );
  assert.equal(caveatText(report()), null);
  assert.equal(
    caveatText(report({ mutant: "no-full-check", verdict: "violated" })),
    null,
  );
});

Deno.test("parseTimeLimit reads whole seconds from 1 to 600 and says why not", () => {
  assert.equal(parseTimeLimit("30"), 30);
  assert.equal(parseTimeLimit(" 600 "), 600);
  assert.equal(parseTimeLimit("1"), 1);
  for (const text of ["0", "601", "1.5", "", "abc", "-3"]) {
    assert.throws(
      () => parseTimeLimit(text),
      RangeError,
      `Cannot prove: the time limit must be a whole number of seconds from 1 to 600, received ${
        JSON.stringify(text)
      }`,
    );
  }
});
