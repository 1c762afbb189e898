import * as tf from "@tensorflow/tfjs-core";
import { gaussianKlPerDimension } from "./gaussian_kl_per_dimension.ts";
import type { GaussianPosterior } from "./types.ts";

/**
 * Closed-form KL(q(z|x_i) ‖ N(0, I)) of a diagonal Gaussian posterior, summed
 * over latent dimensions: one value per sample.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { gaussianKl } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const kl = gaussianKl({ mean: tf.tensor2d([[0, 0], [1, 1]]), logVar: tf.zeros([2, 2]) });
 * assert.deepEqual(kl.arraySync(), [0, 1]);
 * ```
 *
 * @param posterior `{ mean, logVar }`, each `[B, D]`.
 * @returns KL per sample, `[B]`.
 */
export function gaussianKl(posterior: GaussianPosterior): tf.Tensor1D {
  return tf.tidy(() => tf.sum(gaussianKlPerDimension(posterior), 1));
}
