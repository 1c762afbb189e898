import { checkInteger, checkLabels, checkMatrix, checkSameRows } from "./_validate.ts";
import { codeFactorInformation } from "./_information.ts";
import { modularityFromMi } from "./_modularity_from_mi.ts";

/** Options of {@link modularity}. */
export interface ModularityOptions {
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into (see `histogramDiscretize`); an integer ≥ 1. 20 is the Locatello et
   * al. (2019) protocol.
   * @default {20}
   */
  bins?: number;
}

/** Result of {@link modularity}. */
export interface ModularityResult {
  /** Mean of {@link ModularityResult.perCode} over code dimensions, in [0, 1]. */
  score: number;
  /** Modularity of each code dimension (0 for a dimension with no information). */
  perCode: number[];
  /** `[D][K]` mutual information in nats between discretised codes and factors. */
  mutualInfo: number[][];
  /** The number of histogram bins used. */
  bins: number;
  /** The number of samples N. */
  samples: number;
}

/**
 * Modularity (Ridgeway & Mozer 2018) as in disentanglement_lib: from the
 * histogram mutual information matrix I (as in {@link mig}), per code
 * dimension j with θ_j = max_k I_jk², δ_j = (Σ_k I_jk² − θ_j) / (θ_j·(K − 1)),
 * the dimension scores 1 − δ_j, and a dimension whose mutual information is 0
 * with every factor (for instance a constant one) scores 0. The score is the
 * mean over dimensions: 1 when each dimension informs about one factor only.
 * Needs at least two factors (δ divides by K − 1).
 *
 * @param codes `[N][D]` finite numbers (N ≥ 2), rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite numbers, categories), K ≥ 2.
 * @param options See {@link ModularityOptions}.
 * @returns The score, per-dimension modularity, the MI matrix and the settings used.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples or factors, NaN/±Infinity, row-count
 *   mismatch, or `bins` < 1.
 *
 * @example Two modular dimensions and a dead one: 2/3
 * ```ts
 * import { modularity } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 60 }, (_, i) => [i % 3, Math.floor(i / 3) % 4]);
 * const codes = factors.map(([a, b]) => [a, b, 0]);
 * const { score, perCode } = modularity(codes, factors);
 * assert.deepEqual(perCode, [1, 1, 0]);
 * assert.ok(Math.abs(score - 2 / 3) < 1e-12);
 * ```
 */
export function modularity(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: ModularityOptions = {},
): ModularityResult {
  const action = "compute modularity";
  checkInteger(bins, "bins", action, 1);
  const c = checkMatrix(codes, "codes", action, { minRows: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2, minCols: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  const { mi } = codeFactorInformation(c, f, bins, action);
  const { score, perCode } = modularityFromMi(mi);
  return { score, perCode, mutualInfo: mi, bins, samples: c.n };
}
