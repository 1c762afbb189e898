import { checkMatrix, checkNumber } from "./_validate.ts";

/** Options of {@link activeUnits}. */
export interface ActiveUnitsOptions {
  /**
   * A dimension is active when the variance of its means over the samples is
   * strictly greater than this (≥ 0).
   * @default {0.01}
   */
  threshold?: number;
}

/** Result of {@link activeUnits}. */
export interface ActiveUnitsResult {
  /** The number of active dimensions. */
  count: number;
  /** The indices of the active dimensions, ascending. */
  active: number[];
  /** Per dimension, the variance of its means over the samples (divided by N). */
  variances: number[];
  /** The threshold used. */
  threshold: number;
  /** The number of samples N. */
  samples: number;
}

/**
 * Active units (Burda et al. 2016): the latent dimensions j whose posterior
 * mean moves with the input, Var_x[μ_j(x)] > `threshold`. A collapsed
 * dimension, whose posterior stays at the prior whatever the input, has a
 * constant mean and is inactive. The variance is the population variance
 * over the N rows (two passes: mean, then mean squared deviation).
 *
 * @param means `[N][D]` posterior means (N ≥ 1) of finite numbers, rows are samples.
 * @param options See {@link ActiveUnitsOptions}.
 * @returns The active dimensions, every dimension's variance, and the settings used.
 * @throws {TypeError} If `means` is not an array of rows of numbers, is ragged,
 *   or `threshold` is not a number.
 * @throws {RangeError} If `means` has no rows or holds NaN/±Infinity, or
 *   `threshold` is negative or infinite.
 *
 * @example Dimension 0 follows the input, dimension 1 has collapsed
 * ```ts
 * import { activeUnits } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const means = [[-0.5, 0.001], [0, 0], [0.5, -0.001]];
 * const result = activeUnits(means);
 * assert.deepEqual(result.active, [0]);
 * assert.equal(result.count, 1);
 * assert.ok(Math.abs(result.variances[0] - 1 / 6) < 1e-15);
 * assert.equal(activeUnits(means, { threshold: 0.5 }).count, 0);
 * ```
 */
export function activeUnits(
  means: ReadonlyArray<ArrayLike<number>>,
  { threshold = 0.01 }: ActiveUnitsOptions = {},
): ActiveUnitsResult {
  const action = "count active units";
  checkNumber(threshold, "threshold", action, 0);
  const { n, cols } = checkMatrix(means, "means", action);
  const variances = cols.map((col) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += col[i];
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (col[i] - mean) ** 2;
    return squares / n;
  });
  const active = variances.flatMap((v, j) => v > threshold ? [j] : []);
  return { count: active.length, active, variances, threshold, samples: n };
}
