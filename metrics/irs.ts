import { checkInteger, checkLabels, checkMatrix, checkNumber, checkSameRows } from "./_validate.ts";
import { denseLabels } from "./_contingency.ts";
import { discretizeColumn } from "./_histogram.ts";

/** Options of {@link irs}. */
export interface IrsOptions {
  /**
   * Quantile q of the within-group deviations |z − E[z | factor value]| that
   * measures how far a code moves when the other factors vary (numpy's default
   * linear-interpolation quantile); in [0, 1]. 1 is the maximum, as in the
   * paper; 0.99 is disentanglement_lib's default.
   * @default {0.99}
   */
  diffQuantile?: number;
  /**
   * The factors are grouped after discretising each into this many equal-width
   * histogram bins, as disentanglement_lib's IRS does (so a factor with more
   * than `bins` values has neighbouring values merged); `null` groups by the
   * factor labels as given.
   * @default {20}
   */
  bins?: number | null;
}

/** Result of {@link irs}. */
export interface IrsResult {
  /** Mean of {@link IrsResult.perCode} weighted by {@link IrsResult.maxDeviation}; 0 if every code is constant. */
  score: number;
  /** Per code dimension, max over factors of the IRS matrix (0 for a constant dimension). */
  perCode: number[];
  /** Per code dimension, the factor attaining {@link IrsResult.perCode} (−1 for a constant dimension). */
  parents: number[];
  /** `[D][K]`: 1 − (mean over values v of factor k of the q-quantile deviation) / max deviation. */
  matrix: number[][];
  /** Per code dimension, max |z − mean z| (0 for a constant dimension, which thus has no weight). */
  maxDeviation: number[];
  /** Indices of the non-constant code dimensions, the only ones scored. */
  activeCodes: number[];
  /** The quantile used. */
  diffQuantile: number;
  /** The number of bins the factors were discretised into (`null`: labels as given). */
  bins: number | null;
  /** The number of samples N. */
  samples: number;
}

/** numpy's default ("linear", Hyndman & Fan type 7) quantile of sorted values. */
function quantileSorted(x: Float64Array, q: number): number {
  const n = x.length;
  const vi = (n - 1) * q;
  if (vi >= n - 1) return x[n - 1];
  const lo = Math.floor(vi);
  const a = x[lo], b = x[lo + 1], t = vi - lo, diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Interventional Robustness Score (Suter et al. 2019) as in
 * disentanglement_lib's `irs.py`. Constant code dimensions are dropped. For
 * each remaining dimension j and factor k, the samples are grouped by the
 * (discretised) value v of factor k; within each group the deviations
 * |z_j − E[z_j | v]| are summarised by their `diffQuantile` quantile, and these
 * are averaged over the values v. Dividing by the dimension's largest deviation
 * from its overall mean, max |z_j − E z_j|, and subtracting from 1 gives the
 * IRS matrix; a dimension scores the maximum over factors (how robust it is to
 * changes of everything but its best factor), and the score is the average of
 * these weighted by the largest deviations. The protocol assumes the factors
 * vary independently (a grid or independent sampling).
 *
 * "Constant" means all values equal, exactly; disentanglement_lib tests the
 * variance, which rounding can leave slightly above 0 for a constant column.
 * With no non-constant dimension the score is 0, as in disentanglement_lib.
 *
 * @param codes `[N][D]` finite numbers (N ≥ 2), rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite numbers, categories).
 * @param options See {@link IrsOptions}.
 * @returns The score, the IRS matrix and per-dimension parts, and the settings used.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples, NaN/±Infinity, row-count mismatch,
 *   `diffQuantile` outside [0, 1], or `bins` < 1.
 *
 * @example The identity representation is robust, a shared code is not
 * ```ts
 * import { irs } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 100 }, (_, i) => [i % 10, Math.floor(i / 10)]);
 * assert.equal(irs(factors, factors).score, 1);
 * assert.ok(irs(factors.map(([a, b]) => [a + b, a - b]), factors).score < 0.6);
 * ```
 */
export function irs(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  { diffQuantile = 0.99, bins = 20 }: IrsOptions = {},
): IrsResult {
  const action = "compute IRS";
  checkNumber(diffQuantile, "diffQuantile", action, 0, 1);
  if (bins !== null) checkInteger(bins, "bins", action, 1);
  const c = checkMatrix(codes, "codes", action, { minRows: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  const { n, d } = c;
  const k = f.d;

  const perCode = new Array<number>(d).fill(0);
  const parents = new Array<number>(d).fill(-1);
  const maxDeviation = new Array<number>(d).fill(0);
  const matrix = Array.from({ length: d }, () => new Array<number>(k).fill(0));
  const activeCodes: number[] = [];
  for (let j = 0; j < d; j++) {
    const z = c.cols[j];
    let constant = true;
    for (let i = 1; i < n && constant; i++) constant = z[i] === z[0];
    if (!constant) activeCodes.push(j);
  }
  const result = (score: number): IrsResult => ({
    score,
    perCode,
    parents,
    matrix,
    maxDeviation,
    activeCodes,
    diffQuantile,
    bins,
    samples: n,
  });
  if (activeCodes.length === 0) return result(0);

  // Group the samples by each factor's (discretised) value: counting sort.
  const groupsOf = f.cols.map((col, fk) => {
    const labels = denseLabels(
      bins === null ? col : discretizeColumn(col, bins, undefined, `factors column ${fk}`, action),
    );
    const start = new Int32Array(labels.k + 1);
    for (const g of labels.index) start[g + 1]++;
    for (let g = 0; g < labels.k; g++) start[g + 1] += start[g];
    const order = new Int32Array(n);
    const fill = start.slice(0, labels.k);
    for (let i = 0; i < n; i++) order[fill[labels.index[i]]++] = i;
    return { start, order, count: labels.k };
  });

  let weighted = 0, weights = 0;
  for (const j of activeCodes) {
    const z = c.cols[j];
    let mean = 0;
    for (let i = 0; i < n; i++) mean += z[i];
    mean /= n;
    let maxDev = 0;
    for (let i = 0; i < n; i++) maxDev = Math.max(maxDev, Math.abs(z[i] - mean));
    maxDeviation[j] = maxDev;
    for (let fk = 0; fk < k; fk++) {
      const { start, order, count } = groupsOf[fk];
      let cum = 0;
      for (let g = 0; g < count; g++) {
        const size = start[g + 1] - start[g];
        const diffs = new Float64Array(size);
        let e = 0;
        for (let t = 0; t < size; t++) e += z[order[start[g] + t]];
        e /= size;
        for (let t = 0; t < size; t++) diffs[t] = Math.abs(z[order[start[g] + t]] - e);
        diffs.sort();
        cum += quantileSorted(diffs, diffQuantile);
      }
      matrix[j][fk] = 1 - cum / count / maxDev;
    }
    let best = -Infinity;
    for (let fk = 0; fk < k; fk++) {
      if (matrix[j][fk] > best) {
        best = matrix[j][fk];
        parents[j] = fk;
      }
    }
    perCode[j] = best;
    weighted += best * maxDev;
    weights += maxDev;
  }
  return result(weighted / weights);
}
