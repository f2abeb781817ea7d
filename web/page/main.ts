// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * The teaching page's entry point: checks cross-origin isolation (needed for
 * SharedArrayBuffer) and sets up the explore, proof and live sections.
 *
 * @module
 */

import { byId } from "./_dom.ts";
import { setupAllSizesPanel } from "./all_sizes_panel.ts";
import { setupExplorePanel } from "./explore_panel.ts";
import { setupLivePanel } from "./live_panel.ts";
import { setupProofPanel } from "./proof_panel.ts";

function start(): void {
  byId("isolation", HTMLElement).textContent = globalThis.crossOriginIsolated
    ? "✓ Cross-origin isolated: SharedArrayBuffer is available for the live ring."
    : "✗ Not cross-origin isolated: the live ring needs the COOP/COEP headers of deno task serve.";
  setupExplorePanel();
  setupProofPanel();
  setupAllSizesPanel();
  setupLivePanel();
  document.body.dataset.ready = "true";
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
