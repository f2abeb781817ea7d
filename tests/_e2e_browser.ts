// Drives the teaching page in headless Chromium (Debian's `chromium`, never a
// downloaded browser) with playwright-core: starts the page server on a free
// port, opens a fresh profile with no background networking, and fails the
// test on any page error or console error.
import type { BrowserContext, Page } from "playwright-core";
import { type PageServer, servePage } from "../web/serve.ts";

/** Chromium's flags: headless, no sandbox (root in CI), no calls home. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where Chromium is: `$CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
}

/**
 * Why the end-to-end tests cannot run here, or `null` when they can: they
 * need write permission (a browser profile, the screenshot), which only
 * `deno task e2e` grants.
 */
export function e2eSkipReason(): string | null {
  const write = Deno.permissions.querySync({ name: "write" }).state;
  return write === "granted"
    ? null
    : "end-to-end tests need --allow-write and Chromium: run `deno task e2e`";
}

/** A page of the teaching site, and what went wrong in it. */
export interface PageSession {
  readonly page: Page;
  readonly server: PageServer;
  /** Page errors and console errors so far. */
  readonly errors: string[];
}

/**
 * Serves the page, opens it in a fresh headless Chromium, runs `body`, and
 * closes everything; fails when the page logged an error.
 *
 * @param body What to do with the page.
 */
export async function withPage(
  body: (session: PageSession) => Promise<void>,
): Promise<void> {
  const path = chromiumPath();
  try {
    await Deno.stat(path);
  } catch {
    throw new Error(
      `Chromium not found at ${path}: apt-get install -y chromium (or set CHROMIUM)`,
    );
  }
  const server = await servePage();
  const profile = await Deno.makeTempDir({ prefix: "ringproof-e2e-" });
  let context: BrowserContext | undefined;
  try {
    // Imported here: loading playwright-core reads /proc, which Deno allows
    // only with --allow-all, so a plain test run must not load it.
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(profile, {
      executablePath: path,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 960 },
    });
    const page = context.pages()[0] ?? await context.newPage();
    const errors: string[] = [];
    page.on(
      "pageerror",
      (error) => errors.push(`page error: ${error.message}`),
    );
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready=true]");
    await body({ page, server, errors });
    if (errors.length > 0) {
      throw new Error(`The page reported errors:\n${errors.join("\n")}`);
    }
  } finally {
    await context?.close();
    await server.shutdown();
    await Deno.remove(profile, { recursive: true });
  }
}

/**
 * Where a screenshot goes: the one the docs embed when
 * RINGPROOF_UPDATE_SCREENSHOT=1, otherwise a temporary file, so a test run
 * does not leave the checkout modified.
 *
 * @param name The file in docs/, e.g. `page.png`.
 */
export function screenshotPath(name: string): URL {
  return Deno.env.get("RINGPROOF_UPDATE_SCREENSHOT") === "1"
    ? new URL(`../docs/${name}`, import.meta.url)
    : new URL(`file://${Deno.makeTempDirSync()}/${name}`);
}
