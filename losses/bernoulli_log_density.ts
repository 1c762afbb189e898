import * as tf from "@tensorflow/tfjs-core";
import { checkSameShape, checkTensor } from "./_validate.ts";

/**
 * Elementwise log-probability of `x` under Bernoulli distributions given by
 * their logits ℓ: x·log σ(ℓ) + (1 − x)·log(1 − σ(ℓ)) = x·ℓ − softplus(ℓ),
 * computed stably for large |ℓ|. `x` may be fractional (in [0, 1]), as with
 * grey-level images; it is then the negative binary cross-entropy.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { bernoulliLogDensity } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * // Logit 0 means p = ½ for either outcome.
 * const [a, b] = bernoulliLogDensity(tf.tensor1d([0, 1]), tf.tensor1d([0, 0])).arraySync();
 * assert.ok(Math.abs(a - Math.log(0.5)) < 1e-6 && Math.abs(b - Math.log(0.5)) < 1e-6);
 * ```
 *
 * @param x Observations in [0, 1], any shape.
 * @param logits Logits of p(x = 1), the shape of `x`.
 * @returns log p(x | logits) elementwise, the shape of `x`.
 */
export function bernoulliLogDensity<T extends tf.Tensor>(x: T, logits: tf.Tensor): T {
  const action = "compute a Bernoulli log-density";
  checkTensor(x, "x", action);
  checkTensor(logits, "logits", action);
  checkSameShape(logits, "logits", x, "x", action);
  // x·ℓ − softplus(ℓ), with softplus(ℓ) = max(ℓ, 0) + log(1 + exp(−|ℓ|)).
  return tf.tidy(() =>
    tf.sub(
      tf.mul(x, logits),
      tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))),
    )
  ) as T;
}
