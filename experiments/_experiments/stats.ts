// Summaries of repeated measurements: the reports show spread, not only means.

/** Mean, sample standard deviation (n − 1; 0 for one value), min, max and count. */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The spread of finite values (NaN fields when there are none). */
export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: NaN, min: NaN, max: NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...v), max: Math.max(...v), n };
}

/** "0.123 ± 0.045 (0.07–0.18, n = 10)": a mean with its spread, for tables. */
export function formatSpread(s: Spread, digits = 3): string {
  if (s.n === 0) return "–";
  if (s.n === 1) return s.mean.toFixed(digits);
  return `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)} (${s.min.toFixed(digits)}–${
    s.max.toFixed(digits)
  }, n = ${s.n})`;
}

/**
 * The share of the variance of `values` that lies between the groups
 * `groupOf(i)` puts them in: Σ_g n_g (mean_g − mean)² / Σ_i (x_i − mean)²
 * (the rest lies within the groups); 0 when the values do not vary.
 */
export function betweenShare(values: readonly number[], groupOf: (i: number) => string): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const total = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  if (!(total > 0)) return 0;
  const groups = new Map<string, number[]>();
  values.forEach((v, i) => groups.set(groupOf(i), [...(groups.get(groupOf(i)) ?? []), v]));
  let between = 0;
  for (const g of groups.values()) {
    const m = g.reduce((s, v) => s + v, 0) / g.length;
    between += g.length * (m - mean) ** 2;
  }
  return between / total;
}
