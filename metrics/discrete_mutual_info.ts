import { checkLabelVector } from "./_labels.ts";
import { denseLabels, mutualInfoOf } from "./_contingency.ts";

/**
 * Mutual information in nats between two labelings of the same samples
 * (any finite numbers, compared by value as categories), from their contingency counts n_ab (as scikit-learn's
 * `mutual_info_score`, which disentanglement_lib uses):
 * I(a; b) = Σ_ab (n_ab/N) log(n_ab·N / (n_a·n_b)), clipped below at 0.
 * Independent labelings give 0, identical ones give their entropy, and a
 * labeling with a single distinct value gives exactly 0.
 *
 * @param a N ≥ 1 labels (any finite numbers).
 * @param b N labels of the same samples.
 * @returns The mutual information in nats, ≥ 0.
 * @throws {TypeError} If an argument is not an array of numbers.
 * @throws {RangeError} If `a` is empty, a value is not finite, or the lengths differ.
 *
 * @example Identical labels share all their entropy; independent ones none
 * ```ts
 * import { discreteEntropy, discreteMutualInfo } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const a = [0, 0, 1, 1];
 * assert.ok(Math.abs(discreteMutualInfo(a, a) - discreteEntropy(a)) < 1e-12);
 * assert.equal(discreteMutualInfo(a, [0, 1, 0, 1]), 0);
 * ```
 */
export function discreteMutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const action = "compute discrete mutual information";
  const x = checkLabelVector(a, "a", action);
  const y = checkLabelVector(b, "b", action);
  if (x.length !== y.length) {
    throw new RangeError(
      `Cannot ${action}: a has ${x.length} labels but b has ${y.length}; they must match`,
    );
  }
  return mutualInfoOf(denseLabels(x), denseLabels(y));
}
