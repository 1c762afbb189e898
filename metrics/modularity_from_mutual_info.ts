import { modularityFromMi } from "./_modularity_from_mi.ts";
import { checkNonNegativeMatrix } from "./_validate.ts";

/** Result of {@link modularityFromMutualInfo}. */
export interface ModularityFromMutualInfoResult {
  /** Mean of {@link ModularityFromMutualInfoResult.perCode}, in [0, 1]. */
  readonly score: number;
  /** 1 − δ_j of every code dimension: `[D]` (0 for a row of zeros). */
  readonly perCode: number[];
}

/**
 * Modularity (Ridgeway & Mozer 2018) of a mutual information matrix you
 * already have (from your own estimator, say), as disentanglement_lib's
 * `modularity` computes it; the step {@link modularity} ends with. With I the
 * `[D][K]` matrix (rows code dimensions, columns factors), per code j:
 * θ_j = max_k I_jk², δ_j = (Σ_k I_jk² − θ_j) / (θ_j·(K − 1)), the dimension
 * scores 1 − δ_j, and a row of zeros scores 0 (it informs about nothing). The
 * score is the mean over code dimensions. The units of I do not matter.
 *
 * @param mi `[D][K]` non-negative finite numbers, D ≥ 1, K ≥ 2 (δ divides by K − 1).
 * @returns The score and the per-code modularity.
 * @throws {TypeError} If `mi` is not a rectangular array of numbers, is empty,
 *   or has fewer than 2 columns.
 * @throws {RangeError} If an entry is negative, NaN or ±Infinity.
 *
 * @example One modular code, one split evenly between two factors, one dead
 * ```ts
 * import { modularityFromMutualInfo } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const { score, perCode } = modularityFromMutualInfo([[0.7, 0], [0.5, 0.5], [0, 0]]);
 * assert.deepEqual(perCode, [1, 0, 0]);
 * assert.ok(Math.abs(score - 1 / 3) < 1e-12);
 * ```
 */
export function modularityFromMutualInfo(
  mi: ReadonlyArray<ArrayLike<number>>,
): ModularityFromMutualInfoResult {
  const action = "compute modularity from a mutual information matrix";
  const m = checkNonNegativeMatrix(mi, "mi", action, { minCols: 2 });
  const { score, perCode } = modularityFromMi(m);
  return { score, perCode };
}
