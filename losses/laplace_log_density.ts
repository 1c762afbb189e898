import * as tf from "@tensorflow/tfjs-core";
import { checkSameShape, checkTensor } from "../estimators/checks.ts";
import { checkFinite } from "./_validate.ts";

/** Options of {@link laplaceLogDensity}. */
export interface LaplaceOptions {
  /**
   * The scale b shared by every element.
   * @default {1}
   */
  readonly scale?: number;
}

/**
 * Elementwise log-density of a Laplace distribution with a fixed scale:
 * −|x − μ|/b − log 2b (the L1 reconstruction, up to a constant).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { laplaceLogDensity } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const logp = laplaceLogDensity(tf.tensor1d([3]), tf.tensor1d([1]), { scale: 2 });
 * assert.ok(Math.abs(logp.dataSync()[0] - (-1 - Math.log(4))) < 1e-6);
 * ```
 *
 * @param x Observations, any shape.
 * @param location The decoder's locations μ, the shape of `x`.
 * @param options The scale.
 * @returns log Laplace(x; μ, b) elementwise, the shape of `x`.
 */
export function laplaceLogDensity<T extends tf.Tensor>(
  x: T,
  location: tf.Tensor,
  options: LaplaceOptions = {},
): T {
  const action = "compute a Laplace log-density";
  const { scale = 1 } = options;
  checkTensor(x, "x", action);
  checkTensor(location, "location", action);
  checkSameShape(location, "location", x, "x", action);
  checkFinite(scale, "options.scale", action);
  if (scale <= 0) {
    throw new RangeError(`Cannot ${action}: options.scale must be > 0, got ${scale}`);
  }
  return tf.tidy(() =>
    tf.sub(tf.mul(-1 / scale, tf.abs(tf.sub(x, location))), Math.log(2 * scale))
  ) as T;
}
