import * as tf from "@tensorflow/tfjs-core";
import { logSumExp } from "./_log_sum_exp.ts";
import { checkCodes } from "./checks.ts";
import type { GaussianPosterior, LogQzEstimate, LogQzEstimatorOptions } from "./types.ts";
import { checkDatasetSize } from "./_check_dataset_size.ts";
import { logQzMatrix } from "./log_qz_matrix.ts";

/**
 * Minibatch weighted sampling (Chen et al. 2018): log q(z_i) ≈
 * logsumexp_j Σ_d L[i,j,d] − log(B·N) and log ∏_d q(z_{i,d}) ≈
 * Σ_d [logsumexp_j L[i,j,d] − log(B·N)], with L from {@link logQzMatrix}.
 *
 * As published, the estimator carries a constant offset: with the whole data
 * set as the batch (B = N) it gives the exact log q(z) − log N and the exact
 * log ∏ q(z_d) − D·log N. Constants do not change gradients, so training is
 * unaffected, but reported MI, TC and dimension-wise KL are shifted by
 * +log N, +(D−1)·log N and −D·log N; prefer {@link mssLogQz} for values.
 *
 * @example Identical N(0, I) posteriors: MI = log N under MWS
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { mwsLogQz } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const z = tf.randomNormal([8, 2], 0, 1, "float32", 1) as tf.Tensor2D;
 * const posterior = { mean: tf.zeros([8, 2]) as tf.Tensor2D, logVar: tf.zeros([8, 2]) as tf.Tensor2D };
 * const { logQz } = mwsLogQz(z, posterior, { datasetSize: 1000 });
 * const logQzGivenX = tf.sum(tf.mul(-0.5, tf.add(tf.square(z), Math.log(2 * Math.PI))), 1);
 * const mi = Array.from(tf.sub(logQzGivenX, logQz).dataSync());
 * assert.ok(mi.every((v) => Math.abs(v - Math.log(1000)) < 1e-4));
 * ```
 *
 * @param z Codes `[B, D]`, z_i drawn from the i-th posterior.
 * @param posterior `{ mean, logVar }`, each `[B, D]`.
 * @param options `datasetSize`: N, the size of the whole data set (≥ B).
 * @returns `{ logQz, logProdQz }`, `[B]` each.
 */
export function mwsLogQz(
  z: tf.Tensor2D,
  posterior: GaussianPosterior,
  options: LogQzEstimatorOptions,
): LogQzEstimate {
  const action = "estimate log q(z) by minibatch weighted sampling";
  checkCodes(z, posterior, action);
  const batchSize = z.shape[0];
  const datasetSize = checkDatasetSize(options?.datasetSize, batchSize, action);
  const logBN = Math.log(batchSize) + Math.log(datasetSize);
  const dims = z.shape[1];
  return tf.tidy(() => {
    const l = logQzMatrix(z, posterior);
    const logQz = tf.sub(logSumExp(tf.sum(l, 2), 1), logBN) as tf.Tensor1D;
    const logProdQz = tf.sub(tf.sum(logSumExp(l, 1), 1), dims * logBN) as tf.Tensor1D;
    return { logQz, logProdQz };
  });
}
