import * as tf from "@tensorflow/tfjs-core";
import { logNormal } from "../estimators/log_normal.ts";
import { checkSameShape, checkTensor } from "../estimators/checks.ts";

/** The parameters of a diagonal Gaussian, each the shape of the point it scores. */
export interface DiagonalGaussianParameters {
  /** μ, the same shape as `x`. */
  readonly mean: tf.Tensor;
  /** log σ², the same shape as `x`. */
  readonly logVar: tf.Tensor;
}

/**
 * Elementwise log-density of a diagonal Gaussian given its mean and
 * log-variance: log N(x; μ, σ²) = −½·(log 2π + log σ² + (x − μ)²/σ²).
 * Unreduced: the result has the shape of `x`; sum over the last axis for the
 * density of a vector.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { diagonalGaussianLogDensity } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const logp = diagonalGaussianLogDensity(tf.tensor1d([1]), {
 *   mean: tf.tensor1d([1]),
 *   logVar: tf.tensor1d([0]),
 * });
 * // At the mean of N(1, 1): −½·log 2π.
 * assert.ok(Math.abs(logp.dataSync()[0] + 0.5 * Math.log(2 * Math.PI)) < 1e-6);
 * ```
 *
 * @param x Points, any shape.
 * @param parameters `{ mean, logVar }`, each the shape of `x`.
 * @returns log N(x; μ, σ²) elementwise, the shape of `x`.
 */
export function diagonalGaussianLogDensity<T extends tf.Tensor>(
  x: T,
  parameters: DiagonalGaussianParameters,
): T {
  const action = "compute a diagonal Gaussian log-density";
  checkTensor(x, "x", action);
  if (parameters === null || typeof parameters !== "object") {
    throw new TypeError(
      `Cannot ${action}: parameters must be an object { mean, logVar }, got ${String(parameters)}`,
    );
  }
  const { mean, logVar } = parameters;
  checkTensor(mean, "parameters.mean", action);
  checkTensor(logVar, "parameters.logVar", action);
  checkSameShape(mean, "parameters.mean", x, "x", action);
  checkSameShape(logVar, "parameters.logVar", x, "x", action);
  return tf.tidy(() => logNormal(x, mean, logVar)) as T;
}
