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
