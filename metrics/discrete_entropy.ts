import { checkLabelVector } from "./_labels.ts";
import { denseLabels, entropyOf } from "./_contingency.ts";

/**
 * Entropy in nats of the empirical distribution of labels (any finite
 * numbers, compared by value as categories),
 * H = −Σ_c p_c log p_c with p_c the fraction of samples labelled c, from the
 * label counts (as scikit-learn's `entropy` and disentanglement_lib's
 * `discrete_entropy`). A single distinct label gives exactly 0.
 *
 * @param labels N ≥ 1 labels (any finite numbers; only equality matters).
 * @returns The entropy in nats, ≥ 0.
 * @throws {TypeError} If `labels` is not an array of numbers.
 * @throws {RangeError} If `labels` is empty or holds NaN or ±Infinity.
 *
 * @example Four equally frequent labels carry log 4 nats
 * ```ts
 * import { discreteEntropy } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * assert.ok(Math.abs(discreteEntropy([0, 1, 2, 3, 3, 2, 1, 0]) - Math.log(4)) < 1e-12);
 * assert.equal(discreteEntropy([5, 5, 5]), 0);
 * ```
 */
export function discreteEntropy(labels: ArrayLike<number>): number {
  return entropyOf(denseLabels(checkLabelVector(labels, "labels", "compute discrete entropy")));
}
