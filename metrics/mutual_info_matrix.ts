import { checkInteger, checkLabels, checkMatrix, checkSameRows } from "./_validate.ts";
import { codeFactorInformation } from "./_information.ts";

/** Options of {@link mutualInfoMatrix}. */
export interface MutualInfoMatrixOptions {
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into (see `histogramDiscretize`); an integer ≥ 1.
   * @default {20}
   */
  bins?: number;
}

/**
 * The [D][K] matrix of mutual information (nats) between each code dimension,
 * discretised into `bins` equal-width bins, and each factor, taken as labels:
 * entry [j][k] = I(code j; factor k), as disentanglement_lib's
 * `discrete_mutual_info` on `_histogram_discretize`d codes. A constant code
 * dimension has mutual information 0 with every factor.
 *
 * @param codes `[N][D]` finite numbers, N ≥ 2, rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite numbers, categories).
 * @param options See {@link MutualInfoMatrixOptions}.
 * @returns `[D][K]` mutual information in nats.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples, NaN/±Infinity, row-count mismatch, `bins` < 1.
 *
 * @example Each code dimension copies one factor
 * ```ts
 * import { discreteEntropy, mutualInfoMatrix } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 40 }, (_, i) => [i % 2, Math.floor(i / 2) % 4]);
 * const codes = factors.map(([a, b]) => [a, b]);
 * const m = mutualInfoMatrix(codes, factors, { bins: 20 });
 * assert.ok(Math.abs(m[0][0] - Math.log(2)) < 1e-12);
 * assert.ok(Math.abs(m[1][1] - discreteEntropy(factors.map((f) => f[1]))) < 1e-12);
 * assert.ok(m[0][1] < 1e-12 && m[1][0] < 1e-12);
 * ```
 */
export function mutualInfoMatrix(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: MutualInfoMatrixOptions = {},
): number[][] {
  const action = "compute the mutual information matrix";
  checkInteger(bins, "bins", action, 1);
  const c = checkMatrix(codes, "codes", action, { minRows: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  return codeFactorInformation(c, f, bins, action).mi;
}
