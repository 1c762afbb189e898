import * as tf from "@tensorflow/tfjs-core";
import { checkTensor } from "./checks.ts";

/**
 * The loss that trains the discriminator of `densityRatioTc` (Kim & Mnih
 * 2018): the cross-entropy of telling samples of q(z) (class 0) from samples
 * of ∏_d q(z_d) (class 1), each class weighted ½:
 * −½·mean_i log D(z_i) − ½·mean_j log(1 − D(z̃_j)), with D = softmax(ℓ)₀.
 * Its minimiser makes ℓ₀ − ℓ₁ the log density ratio log q(z) − log ∏_d q(z_d).
 * Feed it codes the VAE's gradient must not reach (the discriminator's
 * update changes only the discriminator).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { densityRatioDiscriminatorLoss } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * // A discriminator that cannot tell the classes apart: log 2 nats.
 * const even = tf.zeros([4, 2]) as tf.Tensor2D;
 * const loss = densityRatioDiscriminatorLoss(even, even).arraySync();
 * assert.ok(Math.abs(loss - Math.log(2)) < 1e-6);
 * ```
 *
 * @param jointLogits Logits `[B, 2]` at samples of q(z) (the target class is 0).
 * @param productLogits Logits `[B', 2]` at samples of ∏_d q(z_d), e.g. at
 *   `permuteDimensions` of a second minibatch's codes (the target class is 1).
 * @returns The scalar loss in nats.
 */
export function densityRatioDiscriminatorLoss(
  jointLogits: tf.Tensor2D,
  productLogits: tf.Tensor2D,
): tf.Scalar {
  const action = "compute the density-ratio discriminator loss";
  for (const [value, name] of [[jointLogits, "jointLogits"], [productLogits, "productLogits"]]) {
    checkTensor(value, name as string, action, 2);
    if ((value as tf.Tensor).shape[1] !== 2) {
      throw new TypeError(
        `Cannot ${action}: ${name} must be [B, 2] (two classes), got shape [${
          (value as tf.Tensor).shape
        }]`,
      );
    }
  }
  return tf.tidy(() => {
    const joint = tf.mean(tf.slice(tf.logSoftmax(jointLogits), [0, 0], [-1, 1]));
    const product = tf.mean(tf.slice(tf.logSoftmax(productLogits), [0, 1], [-1, 1]));
    return tf.mul(-0.5, tf.add(joint, product)) as tf.Scalar;
  });
}
