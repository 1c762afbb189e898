import { checkCovariance, totalCorrelationOf } from "./_gaussian.ts";

/**
 * Total correlation (nats) of a zero-mean Gaussian with covariance Σ: the KL
 * divergence from N(0, Σ) to the product of its marginals N(0, diag Σ),
 * TC = ½·(Σ_i log Σ_ii − log det Σ), as disentanglement_lib's
 * `gaussian_total_correlation`. It is 0 for a diagonal Σ and, for a 2×2
 * covariance with correlation ρ, −½·log(1 − ρ²). The log-determinant comes
 * from a Cholesky factorisation.
 *
 * @param cov `[D][D]` covariance: symmetric (to 1e-9 relative) and positive definite.
 * @returns The total correlation in nats, ≥ 0.
 * @throws {TypeError} If `cov` is not a square array of numbers.
 * @throws {RangeError} If `cov` holds NaN/±Infinity, is not symmetric, or is not
 *   positive definite (a variance ≤ 0, or linearly dependent rows).
 *
 * @example A 2×2 covariance with correlation 0.6
 * ```ts
 * import { gaussianTotalCorrelation } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const tc = gaussianTotalCorrelation([[4, 0.6 * 2 * 3], [0.6 * 2 * 3, 9]]);
 * assert.ok(Math.abs(tc + 0.5 * Math.log(1 - 0.36)) < 1e-12);
 * ```
 */
export function gaussianTotalCorrelation(cov: ReadonlyArray<ArrayLike<number>>): number {
  const { a, logDet } = checkCovariance(
    cov,
    "cov",
    "compute the Gaussian total correlation",
  );
  return totalCorrelationOf(a, logDet);
}
