import { checkCovariance, wassersteinOf } from "./_gaussian.ts";

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
 * matrix Λ^{1/2} Σ Λ^{1/2}, which is similar to ΛΣ. It is 0 for a diagonal Σ
 * and, for [[1, ρ], [ρ, 1]], 4 − 2(√(1+ρ) + √(1−ρ)). With `normalize`, the
 * result is divided by tr Σ.
 *
 * @param cov `[D][D]` covariance: symmetric (to 1e-9 relative) and positive definite.
 * @param options See {@link GaussianWassersteinCorrelationOptions}.
 * @returns The (normalised) squared Wasserstein distance, ≥ 0.
 * @throws {TypeError} If `cov` is not a square array of numbers.
 * @throws {RangeError} If `cov` holds NaN/±Infinity, is not symmetric, or is not
 *   positive definite.
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
  const { a } = checkCovariance(cov, "cov", action);
  const { value, trace } = wassersteinOf(a);
  return normalize ? value / trace : value;
}
