// What the benchmarks share to summarise repeated measurements.

/** The median of `xs` (of an even count, the upper of the middle two): a figure from n runs. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
