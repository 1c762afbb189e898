import * as tf from "@tensorflow/tfjs-core";
import { LOG_2PI } from "../estimators/log_normal.ts";
import { checkTensor } from "../estimators/checks.ts";

/**
 * Elementwise log-density of the standard normal, log N(x; 0, 1) =
 * −½·(log 2π + x²): the prior log p(z) of a VAE, per dimension.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { standardNormalLogDensity } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const [atZero, atOne] = standardNormalLogDensity(tf.tensor1d([0, 1])).arraySync();
 * assert.ok(Math.abs(atZero - atOne - 0.5) < 1e-6);
 * ```
 *
 * @param x Points, any shape.
 * @returns log N(x; 0, 1) elementwise, the shape of `x`.
 */
export function standardNormalLogDensity<T extends tf.Tensor>(x: T): T {
  checkTensor(x, "x", "compute a standard normal log-density");
  return tf.tidy(() => tf.mul(-0.5, tf.add(tf.square(x), LOG_2PI))) as T;
}
