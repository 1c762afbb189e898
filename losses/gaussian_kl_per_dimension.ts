import * as tf from "@tensorflow/tfjs-core";
import { checkPosterior } from "../estimators/checks.ts";
import type { GaussianPosterior } from "./types.ts";

/**
 * Closed-form KL(N(μ, σ²) ‖ N(0, 1)) for each sample and latent dimension:
 * ½·(μ² + σ² − 1 − log σ²). Used to count active units and to spot
 * collapsed dimensions; {@link gaussianKl} sums it over dimensions.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { gaussianKlPerDimension } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const kl = gaussianKlPerDimension({
 *   mean: tf.tensor2d([[0, 2]]),
 *   logVar: tf.tensor2d([[0, 0]]),
 * });
 * assert.deepEqual(kl.arraySync(), [[0, 2]]); // ½·μ² when σ = 1
 * ```
 *
 * @param posterior `{ mean, logVar }`, each `[B, D]`.
 * @returns KL per sample and dimension, `[B, D]`.
 */
export function gaussianKlPerDimension(posterior: GaussianPosterior): tf.Tensor2D {
  const { mean, logVar } = checkPosterior(
    posterior,
    "posterior",
    "compute the Gaussian KL per dimension",
  );
  return tf.tidy(() =>
    tf.mul(0.5, tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)))
  );
}
