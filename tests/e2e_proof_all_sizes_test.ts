/// <reference lib="dom" />
// End-to-end test of the proof view's "every BUFFER_SIZE": Z3 runs in
// Chromium as WebAssembly, loaded from the page's own server only when
// asked for; the invariant in notation, every obligation's status and
// solver time, the counterexample to induction as whole states, and Cancel.
// Run by `deno task e2e`; ignored by a plain `deno task test`.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { e2eSkipReason, screenshotPath, withPage } from "./_e2e_browser.ts";

const ignore = e2eSkipReason() !== null;

/** Generous: the machine is shared; a run takes seconds to a minute. */
const PROOF_TIMEOUT = 600_000;

const STEPS = [
  "P0 wait",
  "P0 write",
  "P0 publish",
  "C0 wait",
  "C0 read",
  "C0 release",
];

/** Each obligation row of a report: name, kind, status, time text. */
function rows(page: Page, article: number) {
  return page.locator(".allsizes-report").nth(article).locator(
    "table.obligations tbody tr",
  ).evaluateAll((trs) =>
    trs.map((tr) => ({
      name: (tr as HTMLElement).dataset.obligation!,
      kind: (tr as HTMLElement).dataset.kind!,
      status: (tr as HTMLElement).dataset.status!,
      statement: tr.querySelector("th")!.textContent!,
      words: tr.querySelectorAll("td")[0]!.textContent!,
      time: tr.querySelectorAll("td")[1]!.textContent!,
    }))
  );
}

Deno.test({
  name:
    "proof view proves every BUFFER_SIZE with Z3 in the browser and shows a counterexample to induction as whole states",
  ignore,
  fn: () =>
    withPage(async ({ page, server }) => {
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      page.setDefaultTimeout(PROOF_TIMEOUT);

      // The invariant, in notation, before anything runs.
      const invariant = page.locator("#allsizes-invariant-list > li");
      assert.equal(await invariant.count(), 8);
      const text = await page.locator("#allsizes-invariant").innerText();
      for (
        const symbol of ["∀j ≥ 0", "⇒", "∧", "mod N", "2³²", "BUFFER_SIZE"]
      ) {
        assert.ok(text.includes(symbol), symbol);
      }
      assert.deepEqual(
        await page.locator("#conjunct-indices var").evaluateAll((vs) =>
          [...new Set(vs.map((v) => v.textContent))].slice(0, 4)
        ),
        ["out", "rel", "N", "in"],
      );
      // Z3 is loaded only when asked for.
      assert.ok(!requests.some((url) => /z3-built|proof_worker/.test(url)));

      // A bad time limit is refused next to the form; then the longest one,
      // so that a loaded machine does not turn a proof into "unknown".
      const form = page.locator("#allsizes-config");
      await form.locator("[name=limit]").fill("0");
      await page.locator("#prove-all").click();
      assert.match(
        await page.locator("#allsizes-error").innerText(),
        /^✗ Cannot prove: the time limit must be a whole number of seconds from 1 to 600, received "0"$/,
      );
      assert.equal(
        await form.locator("[name=limit]").getAttribute("aria-invalid"),
        "true",
      );
      await form.locator("[name=limit]").fill("600");
      await page.locator("#prove-all").click();
      await page.locator("#allsizes-status[data-state=running]").waitFor();
      assert.equal(await page.locator("#allsizes-error").innerText(), "");
      assert.equal(await page.locator("#prove-all").isDisabled(), true);
      assert.equal(await page.locator("#prove-all-cancel").isEnabled(), true);
      assert.equal(
        await page.locator("#allsizes-progress").getAttribute("max"),
        "4",
      );
      assert.match(
        await page.locator("#allsizes-figures").innerText(),
        /^(Loading Z3 \(WebAssembly, 35 MB\)(, then .*)?|.* \(run \d of 3\))… \d+\.\d s$/,
      );
      await page.locator("#allsizes-status[data-state=done]").waitFor();
      const status = await page.locator("#allsizes-status").innerText();
      assert.match(
        status,
        /^Done in \d+\.\d s: textbook ✓ proved, counter ✓ proved; the bare safety property is not inductive\.$/,
      );
      assert.equal(
        await page.locator("#allsizes-progress").evaluate((p) =>
          (p as HTMLProgressElement).value
        ),
        4,
      );
      assert.match(
        await page.locator(".z3-loaded").innerText(),
        /^Z3 loaded in \d+\.\d\d s\.$/,
      );
      // Everything came from the page's own server.
      for (
        const path of ["/proof_worker.js", "/z3-built.js", "/z3-built.wasm"]
      ) {
        assert.ok(requests.includes(new URL(path, server.url).href), path);
      }
      assert.ok(requests.every((url) => url.startsWith(server.url)));

      const articles = page.locator(".allsizes-report");
      assert.equal(await articles.count(), 3);
      for (const [k, scheme] of ["textbook", "counter"].entries()) {
        const article = articles.nth(k);
        assert.equal(await article.getAttribute("data-scheme"), scheme);
        assert.equal(await article.getAttribute("data-verdict"), "proved");
        assert.match(
          await article.locator(".headline").innerText(),
          /^✓ proved for every BUFFER_SIZE ≥ 2/,
        );
        const all = await rows(page, k);
        const obligations = all.filter((r) => r.kind !== "lemma");
        assert.deepEqual(obligations.map((r) => r.name), [
          "init",
          ...STEPS,
          "bound",
          "no-unproduced",
          "fifo",
        ]);
        assert.ok(obligations.every((r) => r.status === "proved"));
        assert.ok(
          obligations.every((r) => /^(\d+\.\d{3} s|< 1 ms)$/.test(r.time)),
        );
        assert.equal(obligations[0]!.statement, "Init ⇒ Inv");
        assert.equal(obligations[2]!.statement, "Inv ∧ P0 write ⇒ Inv′");
        const lemmas = all.filter((r) => r.kind === "lemma");
        assert.ok(lemmas.some((r) => r.name === "lemma mod-succ"));
        assert.ok(
          lemmas.every((r) =>
            r.status === "proved" ||
            (scheme === "counter" && r.status === "definition")
          ),
        );
        assert.equal(await article.locator(".cti-all").count(), 0);
      }

      // The bare safety property: a step fails, with a counterexample to
      // induction drawn and tabled as whole states.
      const bare = articles.nth(2);
      assert.equal(await bare.getAttribute("data-candidate"), "safety");
      assert.notEqual(await bare.getAttribute("data-verdict"), "proved");
      const failed = (await rows(page, 2)).filter((r) => r.status === "failed");
      assert.ok(failed.length >= 1);
      assert.ok(failed.every((r) => STEPS.includes(r.name)));
      assert.ok(failed.every((r) => /^✗ FAILS \(.+\)$/.test(r.words)));
      const cti = bare.locator(".cti-all").first();
      const step = failed[0]!.name;
      assert.equal(await cti.getAttribute("data-obligation"), step);
      assert.equal(await cti.locator("svg.cti-ring").count(), 2);
      assert.match(
        await cti.locator("p strong").first().innerText(),
        new RegExp(`^${step} `),
      );
      const table = cti.locator("table.whole-state");
      assert.deepEqual(
        await table.locator("thead th").allInnerTexts(),
        ["variable", "before", "after"],
      );
      const names = await table.locator("tbody tr").evaluateAll((trs) =>
        trs.map((tr) => (tr as HTMLElement).dataset.var!)
      );
      for (
        const name of [
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
        ]
      ) {
        assert.ok(names.includes(name), name);
      }
      // The stepping process moved: its program counter changed, marked ✱.
      const process = step.split(" ")[0]!;
      const pc = table.locator(`tr[data-var="${process} pc"]`);
      assert.equal(await pc.getAttribute("data-changed"), "true");
      assert.match(await pc.locator("td").nth(1).innerText(), /✱$/);
      // What the step breaks links to a property the page states.
      const broken = await cti.locator("p a").evaluateAll((as) =>
        as.map((a) => a.getAttribute("href")!)
      );
      assert.ok(broken.length >= 1);
      for (const href of broken) {
        assert.equal(await page.locator(href).count(), 1, href);
      }
      assert.match(
        await bare.innerText(),
        /The explorer at BUFFER_SIZE \d+, \d+ items: (pass|violation)/,
      );

      // The screenshot docs/teaching.md shows: the counterexample to induction.
      await cti.scrollIntoViewIfNeeded();
      const screenshot = screenshotPath("page_proof.png");
      await bare.screenshot({ path: screenshot.pathname });
      assert.ok((await Deno.stat(screenshot)).size > 10_000);

      // On a phone the reports fit the width: only a table may scroll inside
      // its own box, the page never sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      assert.equal(
        await page.evaluate(() =>
          document.scrollingElement!.scrollWidth <= innerWidth
        ),
        true,
      );
      await page.setViewportSize({ width: 1280, height: 960 });

      // Cancel stops a run (its Worker and Z3's threads end); the next run
      // starts a fresh Worker.
      await form.locator("[name=schemes]").selectOption("counter");
      await form.locator("[name=safety]").uncheck();
      await page.locator("#prove-all").click();
      await page.locator("#allsizes-status[data-state=running]").waitFor();
      await page.locator("#prove-all-cancel").click();
      await page.locator("#allsizes-status[data-state=stopped]").waitFor();
      assert.equal(
        await page.locator("#allsizes-status").innerText(),
        "Cancelled.",
      );
      assert.equal(await page.locator("#prove-all").isEnabled(), true);
      assert.equal(await page.locator("#prove-all-cancel").isDisabled(), true);

      // A mutant the prover refutes, its violation confirmed by the explorer.
      await form.locator("[name=mutant]").selectOption("no-full-check");
      await page.locator("#prove-all").click();
      await page.locator("#allsizes-status[data-state=done]").waitFor();
      assert.equal(
        await page.locator("#allsizes-status").innerText().then((t) =>
          t.replace(/\d+\.\d s/, "T")
        ),
        "Done in T: counter (no-full-check) ✗ violated.",
      );
      const mutant = page.locator(".allsizes-report");
      assert.equal(await mutant.count(), 1);
      assert.equal(await mutant.getAttribute("data-verdict"), "violated");
      assert.match(
        await mutant.innerText(),
        /a reachable violation of bound in \d+ steps? — the counterexample is real\./,
      );
      assert.ok((await mutant.locator(".cti-all").count()) >= 1);

      // A mutant that applies to no scheme chosen is refused at the form.
      await form.locator("[name=schemes]").selectOption("textbook");
      await form.locator("[name=mutant]").selectOption("modulo-index");
      await page.locator("#prove-all").click();
      assert.equal(
        await page.locator("#allsizes-error").innerText(),
        "✗ Cannot prove: mutant modulo-index does not apply to scheme textbook",
      );
    }),
});
