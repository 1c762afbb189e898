import * as tf from "@tensorflow/tfjs-core";
import { checkTensor } from "./checks.ts";

/**
 * The density-ratio estimate of the total correlation (Kim & Mnih 2018,
 * FactorVAE), per sample: a discriminator D told samples of q(z) (class 0)
 * from samples of ∏_d q(z_d) (class 1, see `permuteDimensions`); at its
 * optimum D(z) / (1 − D(z)) = q(z) / ∏_d q(z_d), so
 * TC = E_q[log q(z) − log ∏_d q(z_d)] ≈ mean_i [log D(z_i) − log(1 − D(z_i))].
 * With D's two logits (ℓ₀, ℓ₁) and D = softmax(ℓ)₀ that log-odds is ℓ₀ − ℓ₁.
 * Gradients flow into the logits (the VAE's update uses them).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { densityRatioTc } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * // D(z) = 0.75 is odds of 3 to 1: log 3 per sample.
 * const logits = tf.tensor2d([[Math.log(3), 0], [1 + Math.log(3), 1]]);
 * const tc = densityRatioTc(logits).arraySync();
 * assert.ok(tc.every((v) => Math.abs(v - Math.log(3)) < 1e-6));
 * ```
 *
 * @param logits The discriminator's logits `[B, 2]` at samples of q(z):
 *   column 0 "drawn from q(z)", column 1 "drawn from ∏_d q(z_d)".
 * @returns log D(z_i) − log(1 − D(z_i)), `[B]`; its mean estimates the TC in nats.
 */
export function densityRatioTc(logits: tf.Tensor2D): tf.Tensor1D {
  const action = "estimate the total correlation from discriminator logits";
  checkTensor(logits, "logits", action, 2);
  if (logits.shape[1] !== 2) {
    throw new TypeError(
      `Cannot ${action}: logits must be [B, 2] (two classes), got shape [${logits.shape}]`,
    );
  }
  return tf.tidy(() => {
    const [joint, product] = tf.split(logits, 2, 1);
    return tf.reshape(tf.sub(joint, product), [-1]) as tf.Tensor1D;
  });
}
