// The SVG chart: median rate per group (a case, or an MPMC shape), this ring
// beside its peers, on a log scale (the rates span six orders of magnitude).
// Plain SVG text.
import type { Side } from "./_cases.ts";
import { si } from "./_format.ts";

/** Who a bar is: a case's side, or the MPMC benchmark's lock-based ring. */
export type ChartSide = Side | "mutex ring";

/** One bar: a contender's median rate. */
export interface ChartBar {
  readonly side: ChartSide;
  readonly label: string;
  readonly median: number;
}

/** Bars side by side under one title, this ring first. */
export interface ChartGroup {
  readonly title: string;
  readonly unit: "items" | "round trips";
  readonly bars: readonly ChartBar[];
}

const COLORS: Readonly<Record<ChartSide, string>> = {
  "ring": "#2563eb",
  "ringbuf.js": "#f59e0b",
  "postMessage": "#6b7280",
  "copy ceiling": "#10b981",
  "mutex ring": "#db2777",
  "sketch": "#7c3aed",
};

const WIDTH = 960;
const LABEL = 300;
const RIGHT = 110;
const BAR = 14;
const GAP = 4;
const CASE_GAP = 16;
const TOP = 74;
const BOTTOM = 40;

/** A power of ten as an axis label: "1 k/s", "10 M/s". */
function tick(power: number): string {
  const prefixes = ["", "k", "M", "G", "T"];
  const p = Math.min(Math.max(0, Math.floor(power / 3)), prefixes.length - 1);
  return `${10 ** (power - 3 * p)} ${prefixes[p]}/s`.replace(" /", "/");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(
    />/g,
    "&gt;",
  ).replace(/"/g, "&quot;");
}

/**
 * Renders the groups' medians as an SVG bar chart; `title` heads it and
 * `subtitle` (the machine and the run) goes under it.
 */
export function renderChart(
  groups: readonly ChartGroup[],
  options: { readonly title: string; readonly subtitle: string },
): string {
  const { title, subtitle } = options;
  const rates = groups.flatMap((g) => g.bars.map((k) => k.median))
    .filter((r) => Number.isFinite(r) && r > 0);
  const low = Math.floor(Math.log10(Math.min(...rates, 1e3)));
  const high = Math.ceil(Math.log10(Math.max(...rates, 1e4)));
  const span = WIDTH - LABEL - RIGHT;
  const x = (rate: number) =>
    LABEL + ((Math.log10(rate) - low) / (high - low)) * span;
  const rows = groups.reduce((n, g) => n + g.bars.length, 0);
  const height = TOP + rows * (BAR + GAP) + groups.length * CASE_GAP + BOTTOM;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${LABEL}" y="20" font-size="14" font-weight="bold">${
      escapeXml(title)
    }</text>`,
    `<text x="${LABEL}" y="36" fill="#4b5563">${escapeXml(subtitle)}</text>`,
  ];
  // Legend: the sides that have a bar.
  const present = new Set(groups.flatMap((g) => g.bars.map((k) => k.side)));
  let lx = LABEL;
  for (const [side, color] of Object.entries(COLORS)) {
    if (!present.has(side as ChartSide)) continue;
    const name = side === "ring" ? "this ring" : side;
    out.push(
      `<rect x="${lx}" y="48" width="10" height="10" fill="${color}"/>`,
      `<text x="${lx + 14}" y="57">${escapeXml(name)}</text>`,
    );
    lx += 24 + name.length * 6.5;
  }
  // Grid: one line per power of ten.
  const axisY = height - BOTTOM + 4;
  for (let p = low; p <= high; p++) {
    const gx = x(10 ** p).toFixed(1);
    out.push(
      `<line x1="${gx}" y1="${
        TOP - 6
      }" x2="${gx}" y2="${axisY}" stroke="#e5e7eb"/>`,
      `<text x="${gx}" y="${axisY + 14}" text-anchor="middle" fill="#374151">${
        tick(p)
      }</text>`,
    );
  }
  let y = TOP;
  for (const group of groups) {
    const unit = group.unit === "items" ? "items/s" : "round trips/s";
    out.push(
      `<text x="${LABEL - 8}" y="${
        y + BAR - 3
      }" text-anchor="end" font-weight="bold">${escapeXml(group.title)}</text>`,
    );
    group.bars.forEach((k, i) => {
      const rowY = y + i * (BAR + GAP);
      if (i > 0) {
        out.push(
          `<text x="${LABEL - 8}" y="${
            rowY + BAR - 3
          }" text-anchor="end" fill="#4b5563">${escapeXml(k.side)}</text>`,
        );
      }
      const ok = Number.isFinite(k.median) && k.median > 0;
      const end = ok ? Math.max(x(k.median), LABEL + 1) : LABEL + 1;
      out.push(
        `<rect x="${LABEL}" y="${rowY}" width="${
          (end - LABEL).toFixed(1)
        }" height="${BAR}" fill="${COLORS[k.side]}"><title>${
          escapeXml(`${k.side}, ${k.label}: ${si(k.median)} ${unit}`)
        }</title></rect>`,
        `<text x="${(end + 4).toFixed(1)}" y="${rowY + BAR - 3}">${
          ok ? `${si(k.median)} ${unit}` : "no verified run"
        }</text>`,
      );
    });
    y += group.bars.length * (BAR + GAP) + CASE_GAP;
  }
  out.push("</svg>", "");
  return out.join("\n");
}
