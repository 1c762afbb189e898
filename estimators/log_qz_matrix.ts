import * as tf from "@tensorflow/tfjs-core";
import { logNormal } from "./log_normal.ts";
import { checkCodes } from "./checks.ts";
import type { GaussianPosterior } from "./types.ts";

/**
 * The B×B×D matrix L[i, j, d] = log N(z_{i,d}; μ_{j,d}, σ²_{j,d}): the
 * density of every sample's code under every sample's posterior, per
 * dimension. The minibatch estimators of log q(z) are log-sum-exps over j.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { logQzMatrix } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const z = tf.tensor2d([[0], [1]]);
 * const posterior = { mean: tf.tensor2d([[0], [1]]), logVar: tf.tensor2d([[0], [0]]) };
 * const l = logQzMatrix(z, posterior).arraySync();
 * const c = -0.5 * Math.log(2 * Math.PI);
 * assert.ok(Math.abs(l[0][0][0] - c) < 1e-6); // z_0 at its own mean
 * assert.ok(Math.abs(l[0][1][0] - (c - 0.5)) < 1e-6); // z_0 one σ from μ_1
 * ```
 *
 * @param z Codes `[B, D]`, z_i drawn from the i-th posterior.
 * @param posterior `{ mean, logVar }`, each `[B, D]`.
 * @returns L, `[B, B, D]`.
 */
export function logQzMatrix(z: tf.Tensor2D, posterior: GaussianPosterior): tf.Tensor3D {
  checkCodes(z, posterior, "compute the log q(z) matrix");
  const [b, d] = z.shape;
  return tf.tidy(() =>
    logNormal(
      tf.reshape(z, [b, 1, d]),
      tf.reshape(posterior.mean, [1, b, d]),
      tf.reshape(posterior.logVar, [1, b, d]),
    ) as tf.Tensor3D
  );
}
