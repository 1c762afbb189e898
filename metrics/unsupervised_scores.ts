import { checkInteger, checkMatrix } from "./_validate.ts";
import { checkPsdCovariance, totalCorrelationOrInfinity, wassersteinOf } from "./_gaussian.ts";
import { denseLabels, mutualInfoOf } from "./_contingency.ts";
import { discretizeColumn } from "./_histogram.ts";

/** Options of {@link unsupervisedScores}. */
export interface UnsupervisedScoresOptions {
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into for the mutual information score (see `histogramDiscretize`); an
   * integer ≥ 1. 20 is the Locatello et al. (2019) protocol.
   * @default {20}
   */
  bins?: number;
}

/** Result of {@link unsupervisedScores}. */
export interface UnsupervisedScoresResult {
  /**
   * Total correlation (nats) of a Gaussian with the codes' covariance, over
   * the dimensions that vary (a constant one is independent of the rest);
   * +Infinity when one varying dimension is a linear combination of others.
   */
  gaussianTotalCorrelation: number;
  /** Squared 2-Wasserstein distance from that Gaussian to the product of its marginals. */
  gaussianWassersteinCorrelation: number;
  /** {@link UnsupervisedScoresResult.gaussianWassersteinCorrelation} divided by tr Σ. */
  gaussianWassersteinCorrelationNorm: number;
  /** Mean discrete mutual information (nats) over ordered pairs of distinct code dimensions. */
  mutualInfoScore: number;
  /** `[D][D]` sample covariance of the codes (divisor N − 1, as numpy's `cov`). */
  covariance: number[][];
  /** The number of histogram bins used. */
  bins: number;
  /** The number of samples N. */
  samples: number;
}

/**
 * The unsupervised scores of disentanglement_lib's `unsupervised_metrics`,
 * which need no factors: with Σ the sample covariance of the codes (divisor
 * N − 1), the Gaussian total correlation ½(Σ log Σ_ii − log det Σ), the
 * Gaussian Wasserstein correlation 2 tr Σ − 2 tr (diag(Σ)·Σ)^{1/2} and its
 * normalised form (divided by tr Σ), and the mean over pairs j ≠ j' of the
 * discrete mutual information between the codes discretised into `bins`
 * equal-width bins. Lower is more factorised for all four.
 *
 * Singular covariances are accepted. A constant dimension (a collapsed
 * latent, say) is independent of the others: it adds 0 to the Wasserstein
 * scores (as in the reference) and is left out of the total correlation
 * (where the reference's log 0 − log 0 gives NaN). A dimension that duplicates
 * another, or any linear dependence, gives the Wasserstein scores their
 * reference value (the square root is defined for a singular Σ) and a total
 * correlation of +Infinity (the reference's log det is −∞ there).
 *
 * @param codes `[N][D]` finite numbers, N ≥ 2 samples, D ≥ 2 dimensions.
 * @param options See {@link UnsupervisedScoresOptions}.
 * @returns The four scores, the covariance and the settings used.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples or dimensions, NaN/±Infinity, `bins` < 1,
 *   or codes that are all constant (the normalised score divides by tr Σ = 0).
 *
 * @example Independent codes score 0; a code and its sum with another do not
 * ```ts
 * import { unsupervisedScores } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const grid = Array.from({ length: 400 }, (_, i) => [i % 20, Math.floor(i / 20)]);
 * assert.ok(unsupervisedScores(grid).gaussianTotalCorrelation < 1e-12);
 * // covariance [[2v, v], [v, v]]: correlation² = ½, so TC = −½ log(1 − ½)
 * const mixed = unsupervisedScores(grid.map(([a, b]) => [a + b, a]));
 * assert.ok(Math.abs(mixed.gaussianTotalCorrelation - 0.5 * Math.log(2)) < 1e-12);
 * assert.ok(mixed.mutualInfoScore > 0.4);
 * ```
 */
export function unsupervisedScores(
  codes: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: UnsupervisedScoresOptions = {},
): UnsupervisedScoresResult {
  const action = "compute unsupervised scores";
  checkInteger(bins, "bins", action, 1);
  const { n, d, cols } = checkMatrix(codes, "codes", action, { minRows: 2, minCols: 2 });
  const centred = cols.map((c) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += c[i];
    mean /= n;
    return Float64Array.from(c, (v) => v - mean);
  });
  const covariance = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const x = centred[a], y = centred[b];
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * y[i];
      covariance[a][b] = covariance[b][a] = s / (n - 1);
    }
  }
  const a = checkPsdCovariance(covariance, "the covariance of codes", action);
  const w = wassersteinOf(a);
  if (!(w.trace > 0)) {
    throw new RangeError(
      `Cannot ${action}: every codes column is constant (covariance trace 0), so the ` +
        `normalised Wasserstein score, divided by it, is undefined`,
    );
  }
  const varying = a.map((_, i) => i).filter((i) => a[i][i] > 0);
  const tc = totalCorrelationOrInfinity(
    varying.map((i) => Float64Array.from(varying, (j) => a[i][j])),
  );
  const scratch = new Int32Array(n);
  const labels = cols.map((c, j) =>
    denseLabels(discretizeColumn(c, bins, scratch, `codes column ${j}`, action))
  );
  let miSum = 0;
  for (let x = 0; x < d; x++) {
    for (let y = x + 1; y < d; y++) miSum += mutualInfoOf(labels[x], labels[y]);
  }
  return {
    gaussianTotalCorrelation: tc,
    gaussianWassersteinCorrelation: w.value,
    gaussianWassersteinCorrelationNorm: w.value / w.trace,
    mutualInfoScore: (2 * miSum) / (d * d - d),
    covariance,
    bins,
    samples: n,
  };
}
