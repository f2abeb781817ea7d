// Number formatting shared by the Markdown table and the SVG chart.

/** `rate` with an SI prefix and three significant digits, e.g. "4.10 M". */
export function si(rate: number): string {
  if (!Number.isFinite(rate)) return "–";
  const prefixes = ["", "k", "M", "G", "T"];
  let value = rate;
  let p = 0;
  while (Math.abs(value) >= 1000 && p < prefixes.length - 1) {
    value /= 1000;
    p++;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${prefixes[p]}`.trimEnd();
}

/** A rate with its unit, e.g. "4.10 M items/s" or "1.1 M round trips/s (0.91 µs)". */
export function rateText(rate: number, unit: "items" | "round trips"): string {
  if (!Number.isFinite(rate)) return "no verified run";
  const text = `${si(rate)} ${unit}/s`;
  if (unit === "items") return text;
  return `${text} (${micros(1 / rate)})`;
}

/** Seconds as microseconds (or milliseconds when large), e.g. "0.91 µs". */
export function micros(seconds: number): string {
  const us = seconds * 1e6;
  if (us >= 1000) return `${(us / 1000).toPrecision(3)} ms`;
  return `${us.toPrecision(3)} µs`;
}

/** A ratio like "2.15×", or "–" when unknown. */
export function ratioText(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return "–";
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio.toPrecision(3)}×`;
}
