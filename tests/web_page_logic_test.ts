// The teaching page's rules without a browser: the one set of limits, the
// reasons for blocked steps, the verdict's words, the fill levels behind
// them, links and presets.
import assert from "node:assert/strict";
import { boundedBuffer, explore } from "../model/mod.ts";
import { blockedSteps } from "../web/page/blocked.ts";
import { fillLevels } from "../web/page/fill.ts";
import { checkPageOptions, OptionError } from "../web/page/limits.ts";
import { liveRingView, niceCeil } from "../web/page/live_view.ts";
import { MUTANT_INFO } from "../web/page/mutants.ts";
import { PRESETS } from "../web/page/presets.ts";
import { parseTraceFile } from "../web/page/trace_file.ts";
import {
  decodePageState,
  encodePageState,
  replayPath,
  sessionState,
} from "../web/page/url_state.ts";
import { verdictOf } from "../web/page/verdict.ts";
import { fitCellText } from "../web/page/state_view.ts";
import { cliJson } from "./_e2e_page.ts";

function rejects(fn: () => unknown, field: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OptionError, String(e));
    assert.equal(e.field, field);
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("checkPageOptions applies the page's limits with truthful messages", () => {
  assert.deepEqual(checkPageOptions({ slots: "4", items: " 3 " }, true), {
    slots: 4,
    items: 3,
  });
  rejects(
    () => checkPageOptions({ slots: "abc" }, true),
    "slots",
    'Cannot use this model: slots must be an integer from 2 to 16, received "abc"',
  );
  rejects(
    () => checkPageOptions({ items: "" }, true),
    "items",
    "Cannot use this model: items must be an integer from 1 to 8, received an empty field",
  );
  rejects(
    () => checkPageOptions({ slots: "3" }, false),
    "slots",
    'Cannot use this model: slots must be an integer from 2 to 16, received string "3"',
  );
  rejects(
    () => checkPageOptions({ producers: 8 }, false),
    "producers",
    "Cannot use this model: producers must be an integer from 1 to 3, received 8",
  );
  rejects(
    () => checkPageOptions({ slots: "2.5" }, true),
    "slots",
    'Cannot use this model: slots must be an integer from 2 to 16, received "2.5"',
  );
  rejects(
    () => checkPageOptions({ mutant: "typo" }, true),
    "mutant",
    'Cannot use this model: mutant must be one of publish-before-write, release-before-read, full-when-equal, no-full-check, wasted-two, modulo-index, received string "typo"',
  );
});

Deno.test("parseTraceFile applies the page's limits to a trace's config", () => {
  const json = JSON.parse(cliJson("--slots 3 --items 2".split(" ")));
  json.config.slots = "3";
  assert.throws(
    () => parseTraceFile(JSON.stringify(json)),
    /slots must be an integer from 2 to 16, received string "3"/,
  );
  json.config.slots = 3;
  json.config.producers = 8;
  assert.throws(
    () => parseTraceFile(JSON.stringify(json)),
    /producers must be an integer from 1 to 3, received 8/,
  );
});

Deno.test("blockedSteps names the full test that holds, with its values", () => {
  const full = replayPath(
    { slots: 4, items: 4 },
    Array(9).fill("P0"),
    9,
  );
  assert.deepEqual(blockedSteps(full.model, full.state), [
    {
      process: "P0",
      op: "wait",
      reason: "full: (in + 1) % 4 == out (in = 3, out = 0)",
    },
  ]);
  const start = replayPath({ slots: 4, items: 4 }, [], 0);
  assert.deepEqual(blockedSteps(start.model, start.state), [
    { process: "C0", op: "wait", reason: "empty: in == out (in = 0, out = 0)" },
  ]);
  const counter = replayPath(
    { slots: 4, items: 5, scheme: "counter" },
    Array(12).fill("P0"),
    12,
  );
  assert.equal(
    blockedSteps(counter.model, counter.state)[0]!.reason,
    "full: in - out == 4 (in = 4, out = 0)",
  );
  const wasted = replayPath(
    { slots: 4, items: 4, mutant: "wasted-two" },
    Array(6).fill("P0"),
    6,
  );
  assert.equal(
    blockedSteps(wasted.model, wasted.state)[0]!.reason,
    "full: (in + 2) % 4 == out (in = 2, out = 0)",
  );
});

Deno.test("verdictOf never claims a witness that is not shown", () => {
  // Default-sized, enough items: the witness is the path shown.
  const model = boundedBuffer({ slots: 4, items: 4 });
  const report = explore(model);
  const tight = verdictOf(report, { capacity: 3, totalItems: 4 });
  assert.equal(tight.shows, "witness");
  assert.match(tight.text, /Witnessed: the buffer holds its capacity of 3/);
  assert.equal(tight.path!.at(-1)!.state.itemsInBuffer, 3);

  // Too few items: no witness, and it says so.
  const few = boundedBuffer({ slots: 4, items: 2 });
  const fewReport = explore(few);
  const fewFill = fillLevels(few, 100_000);
  const fewVerdict = verdictOf(
    fewReport,
    { capacity: 3, totalItems: 2 },
    fewFill,
  );
  assert.doesNotMatch(fewVerdict.text, /Witnessed:|Showing the witness/);
  assert.match(
    fewVerdict.text,
    /Not witnessed: the buffer never holds its capacity of 3/,
  );
  assert.match(fewVerdict.text, /It holds at most 2 items/);
  assert.match(fewVerdict.text, /Only 2 items are produced/);
  assert.equal(fewVerdict.shows, "fullest");
  assert.equal(fewVerdict.path!.at(-1)!.state.itemsInBuffer, 2);

  // wasted-two: its real defect, a producer waiting with room.
  const wasted = boundedBuffer({ slots: 4, items: 4, mutant: "wasted-two" });
  const wastedFill = fillLevels(wasted, 100_000);
  const w = verdictOf(
    explore(wasted),
    { capacity: 3, totalItems: 4 },
    wastedFill,
  );
  assert.equal(w.shows, "blocked");
  assert.match(w.text, /at most 2 items/);
  assert.match(w.text, /A producer waits although the buffer has room/);
  const last = w.path!.at(-1)!.state;
  assert.equal(last.itemsInBuffer, 2);
  assert.equal(blockedSteps(wasted, last)[0]!.process, "P0");

  // Unbounded: nothing to witness.
  const unbounded = explore(boundedBuffer({ scheme: "unbounded", items: 2 }));
  const u = verdictOf(unbounded, { capacity: Infinity, totalItems: 2 });
  assert.equal(u.shows, "none");
  assert.match(u.text, /Nothing to witness/);
});

Deno.test("encodePageState and decodePageState round-trip a model, a path and a step", () => {
  const session = replayPath(
    { slots: 3, items: 2, mutant: "publish-before-write" },
    ["P0", "P0", "C0"],
    2,
  );
  const state = sessionState(session, true);
  const query = encodePageState(state);
  assert.match(query, /path=P0\.P0\.C0/);
  assert.deepEqual(decodePageState(query), state);
  const again = replayPath(state.options, state.path, state.step);
  assert.deepEqual(again.path, session.path);
  assert.equal(again.cursor, 2);
  assert.equal(decodePageState(""), null);
  assert.throws(
    () => decodePageState("?slots=99"),
    /slots must be an integer from 2 to 16, received "99"/,
  );
  assert.throws(
    () => replayPath({ slots: 3 }, ["C0"], 0),
    /step 1 \(C0\) is not enabled/,
  );
});

Deno.test("PRESETS replay and show what their titles say", () => {
  const shown = new Map(PRESETS.map((p) => {
    const state = decodePageState(p.query)!;
    const session = replayPath(state.options, state.path, state.step);
    assert.equal(session.cursor, session.path.length - 1, p.id);
    return [p.id, session] as const;
  }));
  const at = (id: string) => shown.get(id)!;
  assert.equal(
    blockedSteps(at("bound").model, at("bound").state)[0]!.op,
    "wait",
  );
  assert.equal(at("bound").state.itemsInBuffer, 3);
  assert.equal(at("tight").state.itemsInBuffer, at("tight").model.capacity);
  assert.equal(at("counter").state.itemsInBuffer, 4);
  assert.match(
    blockedSteps(at("counter").model, at("counter").state)[0]!.reason,
    /in - out == 4/,
  );
  for (
    const [id, invariant] of [
      ["publish-before-write", "no-unproduced"],
      ["release-before-read", "bound"],
      ["wrap", "fifo"],
      ["two-producers", "no-unproduced"],
    ] as const
  ) {
    const checks = at(id).checks();
    assert.equal(checks.find((c) => c.name === invariant)!.holds, false, id);
  }
  const wasted = at("wasted-two");
  assert.equal(wasted.state.itemsInBuffer, 2);
  assert.equal(blockedSteps(wasted.model, wasted.state)[0]!.process, "P0");
});

Deno.test("MUTANT_INFO release-before-read loses no item in the textbook scheme, only with counters", () => {
  // Preset 5's last step: a2 went to cell 2; a0, released and unread, is
  // still in cell 0 (the textbook's free cell protects it), and C0 reads it.
  const state = decodePageState(
    PRESETS.find((p) => p.id === "release-before-read")!.query,
  )!;
  const session = replayPath(state.options, state.path, state.step);
  const shown = session.path[session.cursor]!.state;
  assert.equal(shown.itemsInBuffer, 3);
  assert.deepEqual(shown.cells.map((c) => c && `${c.seq}`), ["0", "1", "2"]);
  assert.equal(shown.consumers[0]!.pc, "read");
  // What the description says, for every interleaving: bound alone breaks in
  // the textbook scheme; counters lose the unread item.
  const ignoreBound = (scheme: "textbook" | "counter", items: number) =>
    explore(
      boundedBuffer({ slots: 3, items, scheme, mutant: "release-before-read" }),
      { ignore: ["bound"] },
    );
  assert.equal(ignoreBound("textbook", 6).verdict, "pass");
  assert.equal(ignoreBound("counter", 4).invariant, "fifo");
  assert.match(
    MUTANT_INFO["release-before-read"].description,
    /textbook scheme .* no data is lost; with counters .* overwrites/,
  );
});

Deno.test("MUTANT_INFO's suggested setups show the defect they describe", () => {
  for (const [mutant, info] of Object.entries(MUTANT_INFO)) {
    const model = boundedBuffer(info.setup);
    const report = explore(model);
    if (mutant === "wasted-two") {
      assert.equal(report.verdict, "pass");
      assert.equal(report.facts[0]!.witnessed, false);
    } else if (mutant === "full-when-equal") {
      assert.equal(report.verdict, "deadlock");
      assert.equal(report.counterexample!.length, 1);
    } else {
      assert.equal(report.verdict, "violation", mutant);
      assert.match(
        info.shows,
        new RegExp(`^${report.invariant} breaks`),
        mutant,
      );
    }
  }
});

Deno.test("liveRingView tells published, unpublished and consumed values apart", () => {
  // 4 cells; items 0..5 pushed, 5 of them published, out at item 3.
  const snapshot = {
    slots: 4,
    size: 2,
    in: 5,
    out: 3,
    inSlot: 1,
    outSlot: 3,
    capacity: 4,
  };
  const view = liveRingView([4, 5, 2, 3], snapshot, 5);
  assert.deepEqual(view.cells.map((c) => [c.text, c.kind]), [
    ["4", "item"],
    ["5", "unpublished"],
    ["2", "stale"],
    ["3", "item"],
  ]);
  const fresh = liveRingView([0, 0, 0, 0], {
    ...snapshot,
    size: 0,
    in: 0,
    out: 0,
    inSlot: 0,
    outSlot: 0,
  }, 0);
  assert.deepEqual(fresh.cells.map((c) => c.kind), [
    "unpublished",
    "empty",
    "empty",
    "empty",
  ]);
});

Deno.test("niceCeil rounds the plot's scale up to 1, 2 or 5 times a power of ten", () => {
  assert.deepEqual(
    [3, 11, 180, 201, 999, 4_200_000].map(niceCeil),
    [10, 20, 200, 500, 1000, 5_000_000],
  );
});

Deno.test("fitCellText shrinks a long value, turns it along the radius, then keeps its last digits", () => {
  const room = (arc: number) => ({ arc, depth: 36 });
  assert.deepEqual(fitCellText("a0", 18, room(100)), {
    text: "a0",
    size: 18,
    radial: false,
  });
  const across = fitCellText("12345", 18, room(60));
  assert.equal(across.text, "12345");
  assert.equal(across.radial, false);
  assert.ok(across.size < 18 && across.size >= 8);
  // 64 cells of the live ring: about 12 units wide, 36 deep.
  const along = fitCellText("123456", 18, room(12));
  assert.equal(along.text, "123456");
  assert.equal(along.radial, true);
  assert.ok(6 * along.size * 0.62 <= 36 * 0.8 + 1e-9);
  const cut = fitCellText("1234567890", 18, room(12));
  assert.equal(cut.radial, true);
  assert.match(cut.text, /^…\d+0$/);
});
