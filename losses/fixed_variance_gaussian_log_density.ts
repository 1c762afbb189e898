import * as tf from "@tensorflow/tfjs-core";
import { LOG_2PI } from "../estimators/log_normal.ts";
import { checkSameShape, checkTensor } from "../estimators/checks.ts";
import { checkFinite } from "./_validate.ts";

/** Options of {@link fixedVarianceGaussianLogDensity}. */
export interface FixedVarianceGaussianOptions {
  /**
   * The variance σ² shared by every element.
   * @default {1}
   */
  readonly variance?: number;
}

/**
 * Elementwise log-density of a Gaussian with a fixed variance around the
 * decoder's mean: −½·(log 2πσ² + (x − μ)²/σ²). With σ² = ½ this is −(x − μ)²
 * up to a constant: the mean-squared-error reconstruction.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { fixedVarianceGaussianLogDensity } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const logp = fixedVarianceGaussianLogDensity(tf.tensor1d([2]), tf.tensor1d([0]), { variance: 4 });
 * const expected = -0.5 * (Math.log(2 * Math.PI * 4) + 1);
 * assert.ok(Math.abs(logp.dataSync()[0] - expected) < 1e-6);
 * ```
 *
 * @param x Observations, any shape.
 * @param mean The decoder's means, the shape of `x`.
 * @param options The variance.
 * @returns log N(x; mean, σ²) elementwise, the shape of `x`.
 */
export function fixedVarianceGaussianLogDensity<T extends tf.Tensor>(
  x: T,
  mean: tf.Tensor,
  options: FixedVarianceGaussianOptions = {},
): T {
  const action = "compute a fixed-variance Gaussian log-density";
  const { variance = 1 } = options;
  checkTensor(x, "x", action);
  checkTensor(mean, "mean", action);
  checkSameShape(mean, "mean", x, "x", action);
  checkFinite(variance, "options.variance", action);
  if (variance <= 0) {
    throw new RangeError(`Cannot ${action}: options.variance must be > 0, got ${variance}`);
  }
  const constant = -0.5 * (LOG_2PI + Math.log(variance));
  return tf.tidy(() => tf.add(tf.mul(-0.5 / variance, tf.square(tf.sub(x, mean))), constant)) as T;
}
