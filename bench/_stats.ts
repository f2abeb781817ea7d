// Order statistics for the rounds of one contender.

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The smallest and largest of `values`. */
export function spread(values: readonly number[]): [number, number] {
  return values.length === 0
    ? [NaN, NaN]
    : [Math.min(...values), Math.max(...values)];
}
