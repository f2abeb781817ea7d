/// <reference lib="dom" />
// End-to-end tests of the teaching page in headless Chromium: `deno task e2e`
// (CI runs it after `deno task ok`). A plain `deno task test` lists them as
// ignored, because they need write permission and a browser.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  boundedBuffer,
  bufferProof,
  explore,
  prove,
  type ReportJson,
} from "../model/mod.ts";
import { e2eSkipReason, screenshotPath, withPage } from "./_e2e_browser.ts";
import { cliJson, configure, expected, shown } from "./_e2e_page.ts";

const skip = e2eSkipReason();
if (skip !== null) console.log(`e2e tests ignored: ${skip}`);
const ignore = skip !== null;

Deno.test({
  name:
    "servePage serves a cross-origin isolated page that draws the initial ring",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      assert.equal(await page.evaluate(() => crossOriginIsolated), true);
      assert.equal(
        await page.evaluate(() => typeof SharedArrayBuffer),
        "function",
      );
      const model = boundedBuffer({ slots: 4, items: 4 });
      const [initial] = model.initial();
      assert.deepEqual(await shown(page), expected(model, initial!));
      assert.match(await page.locator("#isolation").innerText(), /✓/);
    }),
});

Deno.test({
  name:
    "explore panel runs a mutant to its shortest counterexample and steps through it",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const options = {
        slots: 3,
        items: 3,
        mutant: "release-before-read",
      } as const;
      const model = boundedBuffer(options);
      const report = explore(model);
      assert.equal(report.verdict, "violation");
      const trace = report.counterexample!;

      await configure(page, options);
      await page.locator("#run").click();
      const status = page.locator("#explorer-status[data-state=violation]");
      await status.waitFor();
      const text = await status.innerText();
      assert.match(text, new RegExp(`VIOLATION of ${report.invariant}`));
      assert.match(
        text,
        new RegExp(`counterexample of ${trace.length - 1} steps`),
      );
      assert.equal(
        await page.locator("#progress").evaluate((p: HTMLProgressElement) =>
          p.value === p.max
        ),
        true,
      );
      assert.equal(await page.locator("#trace tbody tr").count(), trace.length);

      // Step through: "next" by button on even steps, by the → key on odd ones.
      for (let i = 0; i < trace.length; i++) {
        const step = trace[i]!;
        if (i > 0 && i % 2 === 0) await page.locator("#next").click();
        if (i % 2 === 1) {
          await page.locator("body").focus();
          await page.keyboard.press("ArrowRight");
        }
        assert.equal(
          await page.locator("#position").innerText(),
          `step ${i} of ${trace.length - 1}`,
        );
        assert.deepEqual(
          await shown(page),
          expected(model, step.state),
          `step ${i}`,
        );
      }

      // The last step breaks the invariant: red, ✗ and BROKEN in words.
      const broken = page.locator(
        `#invariants li[data-invariant=${report.invariant}]`,
      );
      assert.equal(await broken.getAttribute("data-status"), "broken");
      assert.match(await broken.innerText(), /✗[\s\S]*BROKEN since step/);
      assert.equal(
        await broken.evaluate((li) => getComputedStyle(li).color),
        "rgb(185, 28, 28)",
      );
      assert.match(
        await page.locator("#trace tr.current").innerText(),
        new RegExp(`✗ ${report.invariant}`),
      );
      const screenshot = screenshotPath("page.png");
      await Deno.mkdir(new URL(".", screenshot), { recursive: true });
      await page.locator("#explore").screenshot({ path: screenshot.pathname });
      assert.ok((await Deno.stat(screenshot)).size > 10_000);
    }),
});

Deno.test({
  name:
    "explore panel offers only enabled steps, undoes, replays a CLI trace and exports it",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const model = boundedBuffer({ slots: 4, items: 4 });
      let [state] = model.initial();
      await page.locator("body").focus();
      // Take the last enabled step six times with the keyboard (keys 1–9).
      for (let i = 0; i < 6; i++) {
        const choices = [...model.actions(state!)];
        assert.deepEqual(
          await shown(page),
          expected(model, state!),
          `step ${i}`,
        );
        await page.keyboard.press(String(choices.length));
        state = model.step(state!, choices[choices.length - 1]!);
      }
      assert.deepEqual(await shown(page), expected(model, state!));
      await page.keyboard.press("u");
      await page.keyboard.press("u");
      assert.equal(await page.locator("#position").innerText(), "step 4 of 4");
      // Home moves along the path only when the stepper has focus.
      await page.keyboard.press("Home");
      assert.equal(await page.locator("#position").innerText(), "step 4 of 4");
      await page.locator("#choices button").first().focus();
      await page.keyboard.press("Home");
      assert.equal(await page.locator("#position").innerText(), "step 0 of 4");

      // Replay what the CLI prints with --json.
      const json = cliJson(
        "--slots 3 --items 2 --mutant publish-before-write".split(" "),
      );
      const cli = JSON.parse(json) as ReportJson;
      await page.locator("#load").setInputFiles({
        name: "cex.json",
        mimeType: "application/json",
        buffer: Buffer.from(json),
      });
      await page.locator("#file-status[data-state=loaded]").waitFor();
      assert.equal(
        await page.locator("#config [name=mutant]").inputValue(),
        "publish-before-write",
      );
      const steps = cli.counterexample!;
      const loaded = boundedBuffer({
        slots: 3,
        items: 2,
        mutant: "publish-before-write",
      });
      await page.locator("#stepper button:not(:disabled)").first().focus();
      await page.keyboard.press("End");
      assert.deepEqual(
        await shown(page),
        expected(loaded, steps[steps.length - 1]!.state),
      );

      // Export: the same schema, the same path.
      await page.locator("#export").click();
      const exported = JSON.parse(
        await page.locator("#export-json").inputValue(),
      ) as ReportJson;
      assert.equal(exported.schema, "ringproof.check/1");
      assert.deepEqual(exported.config, cli.config);
      assert.equal(exported.verdict, cli.verdict);
      assert.equal(exported.invariant, cli.invariant);
      assert.deepEqual(exported.counterexample, cli.counterexample);
    }),
});

Deno.test({
  name:
    "explore panel offers sync sequence on counters only and draws its sequence numbers and claims",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const form = page.locator("#config");
      await form.locator("[name=sync]").selectOption("sequence");
      assert.equal(await form.locator("[name=scheme]").inputValue(), "counter");
      assert.deepEqual(
        await form.locator("[name=scheme] option").evaluateAll((options) =>
          options.map((o) =>
            `${(o as HTMLOptionElement).value} ${
              (o as HTMLOptionElement).disabled
            }`
          )
        ),
        ["textbook true", "counter false", "unbounded true"],
      );
      assert.deepEqual(
        await form.locator("[name=mutant] option").evaluateAll((options) =>
          options.map((o) => (o as HTMLOptionElement).value)
        ),
        ["", "publish-before-write", "release-before-read"],
      );
      assert.match(await page.locator("#start-label").innerText(), /position/);

      const options = {
        slots: 2,
        items: 1,
        producers: 2,
        consumers: 2,
        sync: "sequence",
      } as const;
      const model = boundedBuffer(options);
      await configure(page, options);
      assert.equal(await page.locator("#legend-sequence").isVisible(), true);
      let [state] = model.initial();
      await page.locator("body").focus();
      const cell0 = page.locator("#ring [data-cell='0']");
      // Take the first enabled step each time: P0 loads in, waits, claims
      // position 0 and writes a0 (it holds the claim until it publishes),
      // publishes; then P1 loads in.
      for (let i = 0; i < 6; i++) {
        assert.deepEqual(
          await shown(page),
          expected(model, state!),
          `step ${i}`,
        );
        assert.equal(
          await cell0.getAttribute("data-claimed"),
          i === 3 || i === 4 ? "P0" : null,
          `step ${i}`,
        );
        await page.keyboard.press("1");
        state = model.step(state!, [...model.actions(state!)][0]!);
      }
      assert.deepEqual(await shown(page), expected(model, state!));
      assert.deepEqual(state!.sequences, [1, 1]);
      assert.match(
        await page.locator("#trace tr.current").innerText(),
        /seq \[/,
      );

      // The explorer finds the sequence variant's publish-before-write bug.
      const mutant = { ...options, mutant: "publish-before-write" } as const;
      const report = explore(boundedBuffer(mutant));
      assert.equal(report.verdict, "violation");
      await configure(page, mutant);
      await page.locator("#run").click();
      const status = page.locator("#explorer-status[data-state=violation]");
      await status.waitFor();
      assert.match(
        await status.innerText(),
        new RegExp(`VIOLATION of ${report.invariant}`),
      );
    }),
});

Deno.test({
  name:
    "proof panel lists each obligation's status and draws the counterexample to induction",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const options = { slots: 2, items: 1, scheme: "textbook" } as const;
      const reports = (["inductive", "safety"] as const).map((invariant) =>
        prove(bufferProof(options, { invariant }))
      );
      const form = page.locator("#proof-config");
      await form.locator("[name=slots]").fill("2");
      await form.locator("[name=items]").fill("1");
      await page.locator("#prove").click();
      await page.locator("#proof-status[data-state=done]").waitFor();
      const articles = page.locator(".proof-report");
      assert.equal(await articles.count(), reports.length);
      for (const [i, report] of reports.entries()) {
        const article = articles.nth(i);
        assert.equal(
          await article.getAttribute("data-proved"),
          String(report.proved),
        );
        for (const o of report.obligations) {
          assert.equal(
            await article.locator(`[data-obligation=${o.name}]`).getAttribute(
              "data-status",
            ),
            o.proved ? "proved" : "fails",
            `${report.invariantName}: ${o.name}`,
          );
        }
      }
      const cti = reports[1]!.obligations[1]!.counterexample!;
      const rings = articles.nth(1).locator("[data-cti=step] svg");
      assert.equal(await rings.count(), 2);
      for (const [k, state] of [cti.state, cti.next!].entries()) {
        const ring = rings.nth(k);
        assert.equal(
          Number(await ring.getAttribute("data-in-slot")),
          state.inSlot,
        );
        assert.equal(
          Number(await ring.getAttribute("data-out-slot")),
          state.outSlot,
        );
      }
      assert.match(
        await articles.nth(1).innerText(),
        new RegExp(`${cti.action!.process} ${cti.action!.op}`),
      );
    }),
});

Deno.test({
  name: "live panel fills the production ring to capacity and never beyond",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const slots = 8;
      const capacity = slots - 1; // textbook scheme
      await page.locator("#live-config [name=slots]").fill(String(slots));
      await page.locator("#live-start").click();
      const status = page.locator("#live-status");
      // Unthrottled, items flow.
      await page.waitForFunction(() =>
        Number(
          document.querySelector<SVGSVGElement>("#rate-plot")?.dataset.latest,
        ) > 0
      );
      // Slow the consumer down with the keyboard: the ring fills up.
      await page.locator("#delay").focus();
      await page.keyboard.press("End");
      assert.equal(await page.locator("#delay-value").innerText(), "50 ms");
      await page.waitForFunction(
        (c) =>
          Number(document.getElementById("live-status")?.dataset.fill) === c,
        capacity,
      );
      const fills: number[] = [];
      for (let i = 0; i < 10; i++) {
        fills.push(Number(await status.getAttribute("data-fill")));
        await page.waitForTimeout(100);
      }
      assert.ok(fills.every((f) => f <= capacity), `fills ${fills}`);
      assert.equal(
        Number(await status.getAttribute("data-max-fill")),
        capacity,
      );
      assert.equal(
        Number(await status.getAttribute("data-capacity")),
        capacity,
      );
      assert.match(await status.innerText(), /✓ never beyond capacity/);
      await page.locator("#live-stop").click();
      await page.locator("#live-start:not([disabled])").waitFor();
      assert.match(await status.innerText(), /^Stopped\./);
      assert.doesNotMatch(await status.innerText(), /Errors:/);
    }),
});
