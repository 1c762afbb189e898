import { assembleDci, fitDciFactor, prepareDci } from "./_dci_parts.ts";
import type { CodesAndFactors } from "./sap.ts";

/** Options of {@link dci}. */
export interface DciOptions {
  /**
   * Seed of the boosted trees (it only breaks exact ties between features
   * when choosing a split, as scikit-learn's `random_state`).
   * @default {0}
   */
  seed?: number;
  /**
   * Called after each factor's classifier is fitted with the factors done and
   * their total, for a progress display (DCI takes seconds to minutes).
   * @default {undefined}
   */
  onProgress?: (done: number, total: number) => void;
}

/** Result of {@link dci}, with the settings it was computed with. */
export interface DciResult {
  /** Disentanglement D in [0, 1]: each code informs about one factor. */
  readonly disentanglement: number;
  /** Completeness C in [0, 1]: each factor is captured by one code. */
  readonly completeness: number;
  /** Informativeness: mean accuracy over factors of the boosted trees on each split. */
  readonly informativeness: { readonly train: number; readonly test: number };
  /** Importance of code d for factor k, `[D][K]`; each factor's column sums to 1 (or is 0). */
  readonly importance: number[][];
  /** Seed used. */
  readonly seed: number;
  /** Number of training rows. */
  readonly numTrain: number;
  /** Number of test rows. */
  readonly numTest: number;
  /** Boosting stages per factor. */
  readonly nEstimators: number;
  /** Depth of every tree. */
  readonly maxDepth: number;
  /** Learning rate of the boosting. */
  readonly learningRate: number;
}

/**
 * Disentanglement, completeness and informativeness (Eastwood & Williams
 * 2018) with the protocol of disentanglement_lib: for every factor k a
 * gradient-boosting classifier (100 stages of depth-3 regression trees,
 * learning rate 0.1, log-loss, as scikit-learn's `GradientBoostingClassifier()`)
 * predicts factor k from all codes on the training split; its impurity-based
 * feature importances (normalised to sum 1) form column k of the importance
 * matrix R[D][K]. Then
 *
 * - D = Σ_d ρ_d (1 − H_K(P_d·)), P_d· = row d of R normalised, ρ_d = row sum / Σ R;
 * - C = Σ_k ρ_k (1 − H_D(P_·k)), entropies in base K and base D (a 1e-11 is added
 *   to every entry before normalising, as the reference does);
 * - informativeness = mean over factors of the classifier's accuracy on the
 *   training and on the test split.
 *
 * Throws a TypeError for ragged or mismatched inputs, a RangeError for
 * non-finite values, fewer than 2 rows or a factor that is constant in the
 * training split (naming the factor). `dciAsync` computes the same
 * result with the factors spread over Workers (about 1/W of the time on W cores).
 *
 * @example A code that copies each factor into its own dimension
 * ```ts
 * import { dci } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 120 }, (_, i) => [i % 3, Math.floor(i / 3) % 4]);
 * const codes = factors.map(([a, b]) => [a, b]);
 * const r = dci({ codes, factors }, { codes, factors });
 * assert.ok(r.disentanglement > 0.9 && r.completeness > 0.9);
 * assert.equal(r.informativeness.test, 1);
 * ```
 *
 * @param train Codes and factors (any finite numbers, categories) the trees are fitted on.
 * @param test Codes and factors (any finite numbers, categories) the test accuracy is measured on.
 * @param options See {@link DciOptions}.
 */
export function dci(
  train: CodesAndFactors,
  test: CodesAndFactors,
  options: DciOptions = {},
): DciResult {
  const { seed = 0, onProgress } = options;
  const problem = prepareDci(train, test, seed, "compute DCI");
  const fits = problem.jobs.map((job) => {
    const fit = fitDciFactor(problem, job);
    onProgress?.(job.k + 1, problem.jobs.length);
    return fit;
  });
  return assembleDci(problem, fits);
}
