import { checkInteger, checkMatrix } from "./_validate.ts";
import { checkCovariance, totalCorrelationOf, wassersteinOf } from "./_gaussian.ts";
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
  /** Total correlation (nats) of a Gaussian with the codes' covariance. */
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
 * The Gaussian scores need Σ positive definite, so every code dimension must
 * vary and no dimension may be a linear combination of others: a constant
 * dimension (a collapsed latent, say) throws a RangeError naming it, where
 * disentanglement_lib would return NaN; drop such dimensions first.
 *
 * @param codes `[N][D]` finite numbers, N ≥ 2 samples, D ≥ 2 dimensions.
 * @param options See {@link UnsupervisedScoresOptions}.
 * @returns The four scores, the covariance and the settings used.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples or dimensions, NaN/±Infinity, `bins` < 1,
 *   a constant code dimension, or linearly dependent dimensions.
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
    if (!(covariance[a][a] > 0)) {
      throw new RangeError(
        `Cannot ${action}: codes column ${a} is constant (variance 0), so the code ` +
          `covariance is singular; drop constant dimensions first`,
      );
    }
  }
  const { a, logDet } = checkCovariance(covariance, "the covariance of codes", action);
  const w = wassersteinOf(a);
  const scratch = new Int32Array(n);
  const labels = cols.map((c, j) =>
    denseLabels(discretizeColumn(c, bins, scratch, `codes column ${j}`, action))
  );
  let miSum = 0;
  for (let x = 0; x < d; x++) {
    for (let y = x + 1; y < d; y++) miSum += mutualInfoOf(labels[x], labels[y]);
  }
  return {
    gaussianTotalCorrelation: totalCorrelationOf(a, logDet),
    gaussianWassersteinCorrelation: w.value,
    gaussianWassersteinCorrelationNorm: w.value / w.trace,
    mutualInfoScore: (2 * miSum) / (d * d - d),
    covariance,
    bins,
    samples: n,
  };
}
