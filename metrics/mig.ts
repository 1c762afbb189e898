import { checkInteger, checkLabels, checkMatrix, checkSameRows } from "./_validate.ts";
import { codeFactorInformation, requireFactorEntropy } from "./_information.ts";
import { gapsOf } from "./_gap.ts";

/** Options of {@link mig}. */
export interface MigOptions {
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into (see `histogramDiscretize`); an integer ≥ 1. 20 is the Locatello et
   * al. (2019) protocol.
   * @default {20}
   */
  bins?: number;
}

/** Result of {@link mig}: the score and everything it was computed from. */
export interface MigResult {
  /** Mean of {@link MigResult.perFactor} over the factors, in [0, 1]. */
  score: number;
  /** Per factor k: (top-1 − top-2 of I(code j; factor k) over j) / H(factor k). */
  perFactor: number[];
  /** Per factor, the code dimension with the largest mutual information (first on ties). */
  topCode: number[];
  /** `[D][K]` mutual information in nats between discretised codes and factors. */
  mutualInfo: number[][];
  /** H(factor k) in nats. */
  factorEntropy: number[];
  /** The number of histogram bins used. */
  bins: number;
  /** The number of samples N. */
  samples: number;
}

/**
 * Mutual Information Gap (Chen et al. 2018) with the histogram estimator of
 * disentanglement_lib (Locatello et al. 2019): codes are discretised into
 * `bins` equal-width bins per dimension, the [D][K] discrete mutual
 * information with the factor labels is counted, and per factor
 * (top-1 − top-2 mutual information over code dimensions) / H(factor) is
 * averaged over factors.
 *
 * A constant (or all-zero) code dimension falls in a single bin, so its mutual
 * information with every factor is 0 (never NaN): it can neither win nor
 * narrow a gap. Codes need at least two dimensions (there is no second-best
 * otherwise), and every factor must take at least two values: a factor with a
 * single value has entropy 0 and makes the score undefined, which throws a
 * RangeError naming the factor (disentanglement_lib would return NaN).
 *
 * @param codes `[N][D]` finite numbers (N ≥ 2, D ≥ 2), rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite numbers, categories).
 * @param options See {@link MigOptions}.
 * @returns The score, per-factor gaps, the MI matrix and the settings used.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples or code dimensions, NaN/±Infinity,
 *   row-count mismatch, `bins` < 1, or a factor with a single value.
 *
 * @example An axis-aligned code scores 1, a duplicated dimension 0
 * ```ts
 * import { mig } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 200 }, (_, i) => [i % 4, Math.floor(i / 4) % 5]);
 * assert.ok(mig(factors.map(([a, b]) => [2 * a, b - 1]), factors).score > 0.99);
 * assert.ok(mig(factors.map(([a]) => [a, a]), factors).perFactor[0] < 1e-12);
 * ```
 */
export function mig(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: MigOptions = {},
): MigResult {
  const action = "compute MIG";
  checkInteger(bins, "bins", action, 1);
  const c = checkMatrix(codes, "codes", action, { minRows: 2, minCols: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  const { mi, factorLabels, factorEntropy } = codeFactorInformation(c, f, bins, action);
  requireFactorEntropy(factorLabels, factorEntropy, action);
  const { perFactor, topCode } = gapsOf(mi, factorEntropy);
  return {
    score: perFactor.reduce((s, v) => s + v, 0) / perFactor.length,
    perFactor,
    topCode,
    mutualInfo: mi,
    factorEntropy,
    bins,
    samples: c.n,
  };
}
