import { checkPsdCovariance, wassersteinOf } from "./_gaussian.ts";

/** Options of {@link gaussianWassersteinCorrelation}. */
export interface GaussianWassersteinCorrelationOptions {
  /**
   * Divide by tr Σ (disentanglement_lib's `gaussian_wasserstein_correlation_norm`),
   * which makes the score invariant to a common rescaling of the codes.
   * @default {false}
   */
  normalize?: boolean;
}

/**
 * Squared 2-Wasserstein distance between a zero-mean Gaussian N(0, Σ) and the
 * product of its marginals N(0, Λ), Λ = diag Σ, as disentanglement_lib's
 * `gaussian_wasserstein_correlation`: 2·tr Σ − 2·tr (ΛΣ)^{1/2}. The trace of the
 * matrix square root is Σ_i √μ_i over the eigenvalues μ_i of the symmetric
 * positive semi-definite matrix Λ^{1/2} Σ Λ^{1/2}, which is similar to ΛΣ (the
 * eigendecomposition square root, with eigenvalues that rounding left slightly
 * negative taken as 0). It is 0 for a diagonal Σ and, for [[1, ρ], [ρ, 1]],
 * 4 − 2(√(1+ρ) + √(1−ρ)). With `normalize`, the result is divided by tr Σ.
 *
 * Singular covariances are accepted and give the reference's value (scipy's
 * `sqrtm` is defined there): a duplicated dimension, Σ = v·[[1, 1], [1, 1]],
 * gives (4 − 2√2)·v; a constant dimension (a zero row and column) adds 0.
 *
 * @param cov `[D][D]` covariance: symmetric (to 1e-9 relative) and positive
 *   semi-definite (no eigenvalue below −1e-9·max|λ|).
 * @param options See {@link GaussianWassersteinCorrelationOptions}.
 * @returns The (normalised) squared Wasserstein distance, ≥ 0.
 * @throws {TypeError} If `cov` is not a square array of numbers.
 * @throws {RangeError} If `cov` holds NaN/±Infinity, is not symmetric, has a
 *   negative diagonal entry or a clearly negative eigenvalue, or (with
 *   `normalize`) has trace 0.
 *
 * @example Unit variances with correlation 0.9
 * ```ts
 * import { gaussianWassersteinCorrelation } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const cov = [[1, 0.9], [0.9, 1]];
 * const w = 4 - 2 * (Math.sqrt(1.9) + Math.sqrt(0.1));
 * assert.ok(Math.abs(gaussianWassersteinCorrelation(cov) - w) < 1e-12);
 * assert.ok(Math.abs(gaussianWassersteinCorrelation(cov, { normalize: true }) - w / 2) < 1e-12);
 * // a duplicated dimension: singular, still defined
 * const dup = gaussianWassersteinCorrelation([[1, 1], [1, 1]]);
 * assert.ok(Math.abs(dup - (4 - 2 * Math.SQRT2)) < 1e-12);
 * ```
 */
export function gaussianWassersteinCorrelation(
  cov: ReadonlyArray<ArrayLike<number>>,
  { normalize = false }: GaussianWassersteinCorrelationOptions = {},
): number {
  const action = "compute the Gaussian Wasserstein correlation";
  if (typeof normalize !== "boolean") {
    throw new TypeError(`Cannot ${action}: normalize must be a boolean, got ${String(normalize)}`);
  }
  const a = checkPsdCovariance(cov, "cov", action);
  const { value, trace } = wassersteinOf(a);
  if (!normalize) return value;
  if (!(trace > 0)) {
    throw new RangeError(
      `Cannot ${action}: cov has trace ${trace} (every variance is 0), so the normalised ` +
        `score, divided by it, is undefined`,
    );
  }
  return value / trace;
}
