/// <reference lib="dom" />
// End-to-end tests of the teaching page as a lecture uses it (issue 14):
// bad input on every path, truthful verdicts, blocked steps, the
// unpublished cell, presets and links, focus, and the phone layout. Run by
// `deno task e2e`; ignored by a plain `deno task test`.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Locator, Page } from "playwright-core";
import { boundedBuffer } from "../model/mod.ts";
import { e2eSkipReason, screenshotPath, withPage } from "./_e2e_browser.ts";
import { cliJson, configure, expected, shown } from "./_e2e_page.ts";

const ignore = e2eSkipReason() !== null;

/** The vertical gap in pixels between two elements' boxes (0 when they overlap). */
async function gap(a: Locator, b: Locator): Promise<number> {
  const [x, y] = [await a.boundingBox(), await b.boundingBox()];
  assert.ok(x !== null && y !== null, "both are visible");
  return Math.max(0, y.y - (x.y + x.height), x.y - (y.y + y.height));
}

/** Whether the element is inside the viewport (scrolled into view). */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const height = page.viewportSize()!.height;
  return box !== null && box.y >= -1 && box.y + box.height <= height + 1;
}

/** The page still runs script and answers. */
async function responsive(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => 1 + 1), 2);
}

/** Moves focus off any control (to the page itself). */
async function blur(page: Page): Promise<void> {
  await page.evaluate(() =>
    (document.activeElement as HTMLElement | null)?.blur()
  );
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page.locator("#load").setInputFiles({
    name,
    mimeType: "application/json",
    buffer: Buffer.from(text),
  });
}

Deno.test({
  name:
    "explore panel shows every bad input next to the control used and stays responsive",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const form = page.locator("#config");
      const error = page.locator("#config-error");

      // Start over: "abc" is reported as "abc", beside the button.
      await form.locator("[name=slots]").fill("abc");
      await page.locator("#apply").click();
      assert.equal(
        await error.innerText(),
        '✗ Cannot use this model: slots must be an integer from 2 to 16, received "abc"',
      );
      assert.equal(
        await form.locator("[name=slots]").getAttribute("aria-invalid"),
        "true",
      );
      assert.ok(await gap(error, page.locator("#apply")) < 40);
      assert.ok(await inViewport(page, error));
      await form.locator("[name=slots]").fill("4");

      // Run explorer: 8 producers refused beside the button, at once.
      await form.locator("[name=producers]").fill("8");
      await form.locator("[name=consumers]").fill("8");
      await page.locator("#run").click();
      const status = page.locator("#explorer-status[data-state=error]");
      assert.match(
        await status.innerText(),
        /producers must be an integer from 1 to 3, received "8"/,
      );
      assert.ok(await gap(status, page.locator("#run")) < 80);
      assert.ok(await inViewport(page, status));
      assert.equal(await page.locator("#run").isEnabled(), true);
      await responsive(page);

      // The e key: the same limits, the message beside "Run explorer",
      // scrolled into view.
      await form.locator("[name=producers]").fill("1");
      await form.locator("[name=consumers]").fill("1");
      await form.locator("[name=items]").fill("0");
      await page.evaluate(() => scrollTo(0, 0));
      await blur(page);
      await page.keyboard.press("e");
      assert.match(
        await page.locator("#explorer-status[data-state=error]").innerText(),
        /items must be an integer from 1 to 8, received "0"/,
      );
      assert.ok(await inViewport(page, page.locator("#explorer-status")));
      await form.locator("[name=items]").fill("4");

      // A trace file: "slots": "3" is a string, 8/8 is beyond the limits —
      // refused before any model is built, beside the file control.
      const json = JSON.parse(cliJson("--slots 3 --items 2".split(" ")));
      const fileStatus = page.locator("#file-status[data-state=error]");
      json.config.slots = "3";
      await upload(page, "string.json", JSON.stringify(json));
      assert.match(
        await fileStatus.innerText(),
        /slots must be an integer from 2 to 16, received string "3"/,
      );
      assert.ok(await gap(fileStatus, page.locator("#load")) < 80);
      json.config.slots = 3;
      json.config.producers = 8;
      json.config.consumers = 8;
      // Measured in the page: from the file's change event to the message.
      await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, number>;
        document.getElementById("load")!.addEventListener("change", () => {
          w.loadStart = performance.now();
        }, { once: true });
        new MutationObserver((_, observer) => {
          w.loadEnd = performance.now();
          observer.disconnect();
        }).observe(document.getElementById("file-status")!, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await upload(page, "eight.json", JSON.stringify(json));
      await page.waitForFunction(() =>
        /producers must be an integer from 1 to 3, received 8/.test(
          document.getElementById("file-status")!.textContent ?? "",
        )
      );
      const ms = await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, number>;
        return w.loadEnd! - w.loadStart!;
      });
      // A guard against exploring the 8x8 trace before refusing it (minutes),
      // not a speed goal: generous, so a loaded machine does not fail it.
      assert.ok(ms < 10_000, `refused after ${ms} ms`);
      await responsive(page);

      // A link: the same limits, the message at the top of the section.
      const url = new URL(page.url());
      await page.goto(`${url.origin}/?producers=8&consumers=8`);
      await page.waitForSelector("body[data-ready=true]");
      assert.match(
        await error.innerText(),
        /producers must be an integer from 1 to 3, received "8"/,
      );
      await responsive(page);
    }),
});

Deno.test({
  name:
    "explore panel's PASS verdict says what was witnessed and shows only that",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const status = page.locator("#explorer-status[data-state=pass]");
      const centre = page.locator("#ring .centre-main");
      const run = async (options: Parameters<typeof configure>[1]) => {
        await configure(page, options);
        await page.locator("#run").click();
        await status.waitFor();
        const text = await status.innerText();
        const last = page.locator("#last");
        if (await last.isEnabled()) await last.click();
        return text;
      };

      // The default setup fills the buffer: the witness is shown.
      let text = await run({ slots: 4, items: 4 });
      assert.match(text, /Witnessed: the buffer holds its capacity of 3 items/);
      assert.equal(await centre.textContent(), "held 3 of 3");

      // Too few items: nothing is claimed; the fullest path is shown.
      text = await run({ slots: 4, items: 2 });
      assert.doesNotMatch(text, /Witnessed:|Showing the witness/);
      assert.match(text, /Not witnessed: the buffer never holds its capacity/);
      assert.match(text, /at most 2 items/);
      assert.equal(await centre.textContent(), "held 2 of 3");

      // wasted-two: its defect, a producer waiting with room.
      text = await run({ slots: 4, items: 4, mutant: "wasted-two" });
      assert.match(text, /Not witnessed/);
      assert.match(text, /A producer waits although the buffer has room/);
      assert.equal(await centre.textContent(), "held 2 of 3");
      assert.match(
        await page.locator("#choices li.blocked").innerText(),
        /P0 wait — blocked: full: \(in \+ 2\) % 4 == out/,
      );

      // The unbounded scheme has no capacity to witness.
      text = await run({ slots: 4, items: 2, scheme: "unbounded" });
      assert.match(text, /Nothing to witness/);
      assert.doesNotMatch(text, /Witnessed:/);
    }),
});

Deno.test({
  name:
    "explore panel shows a blocked step's reason, the unpublished cell and the cell read",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const model = boundedBuffer({ slots: 4, items: 4 });
      let [state] = model.initial();
      const cell0 = page.locator("#ring [data-cell='0']");
      await blur(page);
      // P0 waits, writes a0: written, not yet published.
      for (let i = 0; i < 2; i++) {
        await page.locator("#choices button[data-process=P0]").click();
        state = model.step(state!, { process: "P0", op: i ? "write" : "wait" });
      }
      assert.deepEqual(await shown(page), expected(model, state!));
      assert.equal(await cell0.getAttribute("data-kind"), "unpublished");
      assert.match(
        (await page.locator("#ring").getAttribute("aria-label"))!,
        /a0 written, not yet published/,
      );
      assert.deepEqual(
        await page.locator("#ring .centre").allTextContents(),
        ["held 1 of 3", "published 0"],
      );
      assert.match(
        await page.locator("#ghost").innerText(),
        /held 1 = written and not yet read[\s\S]*published 0 = in − out/,
      );
      await page.locator("#choices button[data-process=P0]").click();
      assert.equal(await cell0.getAttribute("data-kind"), "item");

      // The lecture's first preset: the textbook buffer is full at 3 of 4.
      await page.locator("#preset").selectOption("bound");
      const blocked = page.locator("#choices li.blocked[data-process=P0]");
      assert.equal(
        await blocked.innerText(),
        "⏸P0 wait — blocked: full: (in + 1) % 4 == out (in = 3, out = 0)",
      );
      assert.equal(await page.locator("#choices button").count(), 1); // C0

      // A read of an unwritten cell leaves a mark on it.
      await page.locator("#preset").selectOption("publish-before-write");
      const read = page.locator("#ring [data-read=true]");
      assert.equal(await read.count(), 1);
      assert.equal(await read.getAttribute("data-cell"), "0");
      assert.equal(await read.getAttribute("data-kind"), "empty");
      // A moved pointer is labelled in a word, apart from its name.
      await page.locator("#first").click();
      await page.locator("#next").click();
      await page.locator("#next").click();
      assert.equal(
        await page.locator("#ring .pointer-in .pointer-label").textContent(),
        "in",
      );
      assert.equal(
        await page.locator("#ring .pointer-in .pointer-moved").textContent(),
        "moved",
      );
    }),
});

Deno.test({
  name:
    "explore panel's presets and links round-trip the model, mutant, sizes, path and step",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      await page.locator("#preset").selectOption("release-before-read");
      const url = page.url();
      assert.match(url, /mutant=release-before-read/);
      assert.match(url, /path=P0\.P0\.P0\.P0\.P0\.P0\.C0\.C0\.P0\.P0/);
      assert.match(url, /step=10/);
      const before = await shown(page);
      await page.locator("#prev").click();
      await page.locator("#prev").click();
      assert.match(page.url(), /step=8/);
      const at8 = await shown(page);

      // Opening the link shows the same model, path and step.
      await page.goto(page.url());
      await page.waitForSelector("body[data-ready=true]");
      assert.deepEqual(await shown(page), at8);
      assert.equal(await page.locator("#position").innerText(), "step 8 of 10");
      const form = page.locator("#config");
      assert.equal(await form.locator("[name=slots]").inputValue(), "3");
      assert.equal(await form.locator("[name=items]").inputValue(), "3");
      assert.equal(
        await form.locator("[name=mutant]").inputValue(),
        "release-before-read",
      );
      await page.locator("#last").click();
      assert.deepEqual(await shown(page), before);

      // Presentation mode: larger type, kept in the link.
      const size = () =>
        page.evaluate(() =>
          parseFloat(getComputedStyle(document.documentElement).fontSize)
        );
      const normal = await size();
      await page.locator("#present").click();
      assert.equal(
        await page.locator("#present").getAttribute("aria-pressed"),
        "true",
      );
      assert.ok((await size()) >= normal * 1.25);
      assert.match(page.url(), /present=1/);
      await page.goto(page.url());
      await page.waitForSelector("body[data-ready=true]");
      assert.ok((await size()) >= normal * 1.25);
      assert.deepEqual(await shown(page), before);
    }),
});

Deno.test({
  name:
    "explore panel keeps focus on the stepper and announces only the explorer's start and result",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      const inStepper = () =>
        page.evaluate(() =>
          document.activeElement?.closest("#stepper") !== null &&
          document.activeElement !== document.body
        );
      await page.locator("#choices button").first().focus();
      for (const key of ["1", "1", "1", "u"]) {
        await page.keyboard.press(key);
        assert.ok(await inStepper(), `after ${key}`);
      }
      for (const key of ["ArrowLeft", "ArrowRight", "Home", "End"]) {
        await page.keyboard.press(key);
        assert.ok(await inStepper(), `after ${key}`);
      }
      assert.equal(await page.locator("#position").innerText(), "step 2 of 2");
      // Undo until the path is empty: the disabled buttons hand focus back.
      await page.locator("#undo").focus();
      await page.keyboard.press("u");
      await page.keyboard.press("u");
      assert.ok(await inStepper(), "after undoing everything");
      await page.locator("#first").focus();
      await page.locator("#first").press("Enter");

      // Home and End scroll the page when the stepper does not have focus.
      await blur(page);
      const position = await page.locator("#position").innerText();
      await page.keyboard.press("End");
      await page.waitForFunction(() => scrollY > 0);
      await page.keyboard.press("Home");
      await page.waitForFunction(() => scrollY === 0);
      assert.equal(await page.locator("#position").innerText(), position);

      // The live region changes twice: at the start and with the result.
      await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, number>;
        w.announcements = 0;
        new MutationObserver(() => w.announcements!++).observe(
          document.getElementById("explorer-status")!,
          { childList: true, characterData: true, subtree: true },
        );
      });
      await configure(page, {
        slots: 3,
        items: 3,
        producers: 2,
        consumers: 2,
        sync: "mutex",
      });
      await page.locator("#run").click();
      await page.locator("#explorer-status[data-state=pass]").waitFor();
      assert.equal(
        await page.evaluate(() =>
          (globalThis as unknown as Record<string, number>).announcements
        ),
        2,
      );
      assert.equal(
        await page.locator("#explorer-status").getAttribute("role"),
        "status",
      );
      assert.equal(
        await page.locator("#explorer-figures").getAttribute("role"),
        null,
      );
    }),
});

Deno.test({
  name:
    "the page on a 390×844 phone: ring beside the steps, tap targets of 24 px, no sideways scroll",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator("#preset").selectOption("release-before-read");
      // The ring and the step buttons are within one screen of each other.
      const ring = await page.locator("#ring").boundingBox();
      const steps = await page.locator("#choices").boundingBox();
      assert.ok(ring !== null && steps !== null);
      assert.ok(
        steps.y - (ring.y + ring.height) < 200,
        `the step buttons are ${
          steps.y - (ring.y + ring.height)
        } px below the ring`,
      );
      const small = await page.evaluate(() => {
        const out: string[] = [];
        const selector =
          "a[href], button, select, input, textarea, summary, [tabindex]";
        for (const e of document.querySelectorAll<HTMLElement>(selector)) {
          const r = e.getBoundingClientRect();
          const visible = r.width > 0 && r.height > 0 &&
            getComputedStyle(e).visibility !== "hidden";
          if (visible && (r.width < 24 || r.height < 24)) {
            out.push(
              `${e.tagName} ${
                e.id || e.textContent?.trim()
              } ${r.width}×${r.height}`,
            );
          }
        }
        return out;
      });
      assert.deepEqual(small, []);
      assert.deepEqual(
        await page.evaluate(() => ({
          page: document.scrollingElement!.scrollWidth <= innerWidth,
          tables: [...document.querySelectorAll(".table-wrap")].every((w) =>
            w.scrollWidth <= w.clientWidth
          ),
        })),
        { page: true, tables: true },
      );
      // The phone screenshot: the ring and the step buttons on one screen.
      await page.locator("#ring").evaluate((e) => e.scrollIntoView());
      const screenshot = screenshotPath("page_phone.png");
      await page.screenshot({ path: screenshot.pathname });
      assert.ok((await Deno.stat(screenshot)).size > 10_000);
    }),
});

Deno.test({
  name:
    "proof panel states the invariant, shows the whole state of a counterexample to induction, and cancels",
  ignore,
  fn: () =>
    withPage(async ({ page }) => {
      assert.equal(await page.locator("#invariant-clauses li").count(), 6);
      const form = page.locator("#proof-config");
      await form.locator("[name=slots]").fill("9");
      await page.locator("#prove").click();
      assert.match(
        await page.locator("#proof-error").innerText(),
        /slots must be an integer from 2 to 4, received "9"/,
      );
      await form.locator("[name=slots]").fill("2");
      await form.locator("[name=items]").fill("1");
      await page.locator("#prove").click();
      await page.locator("#proof-status[data-state=done]").waitFor();
      const cti = page.locator(".proof-report").nth(1).locator(".cti-states");
      assert.equal(await cti.locator("table").count(), 2);
      for (const name of ["in, out", "cells", "P0", "C0", "ghost"]) {
        assert.equal(
          await cti.locator(`tr[data-var="${name}"]`).count(),
          2,
          name,
        );
      }

      // A long proof reports progress and can be cancelled.
      await form.locator("[name=slots]").fill("4");
      await form.locator("[name=items]").fill("3");
      await page.locator("#prove").click();
      await page.waitForFunction(() =>
        /domain states checked/.test(
          document.getElementById("proof-figures")!.textContent ?? "",
        )
      );
      await page.locator("#prove-cancel").click();
      await page.locator("#proof-status[data-state=stopped]").waitFor();
      assert.equal(
        await page.locator("#proof-status").innerText(),
        "Cancelled.",
      );
      assert.equal(await page.locator("#prove").isEnabled(), true);
    }),
});
