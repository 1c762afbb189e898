import * as tf from "@tensorflow/tfjs-core";
import { logSumExp } from "./_log_sum_exp.ts";
import { checkCodes } from "./checks.ts";
import type { GaussianPosterior, LogQzEstimate, LogQzEstimatorOptions } from "./types.ts";
import { checkDatasetSize } from "./_check_dataset_size.ts";
import { logImportanceWeights } from "./log_importance_weights.ts";
import { logQzMatrix } from "./log_qz_matrix.ts";

/**
 * Minibatch stratified sampling (Chen et al. 2018): log q(z_i) ≈
 * logsumexp_j (log W_ij + Σ_d L[i,j,d]) and log ∏_d q(z_{i,d}) ≈
 * Σ_d logsumexp_j (log W_ij + L[i,j,d]), with the weights of
 * {@link logImportanceWeights} (rows summing to 1) and L from
 * {@link logQzMatrix}. Needs B ≥ 2.
 *
 * @example Identical N(0, I) posteriors: MI = 0 under MSS
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { mssLogQz } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const z = tf.randomNormal([8, 2], 0, 1, "float32", 1) as tf.Tensor2D;
 * const posterior = { mean: tf.zeros([8, 2]) as tf.Tensor2D, logVar: tf.zeros([8, 2]) as tf.Tensor2D };
 * const { logQz, logProdQz } = mssLogQz(z, posterior, { datasetSize: 1000 });
 * const logPz = tf.sum(tf.mul(-0.5, tf.add(tf.square(z), Math.log(2 * Math.PI))), 1);
 * assert.ok(tf.max(tf.abs(tf.sub(logQz, logPz))).dataSync()[0] < 1e-4);
 * assert.ok(tf.max(tf.abs(tf.sub(logProdQz, logPz))).dataSync()[0] < 1e-4);
 * ```
 *
 * @param z Codes `[B, D]`, z_i drawn from the i-th posterior.
 * @param posterior `{ mean, logVar }`, each `[B, D]`.
 * @param options `datasetSize`: N, the size of the whole data set (≥ B).
 * @returns `{ logQz, logProdQz }`, `[B]` each.
 */
export function mssLogQz(
  z: tf.Tensor2D,
  posterior: GaussianPosterior,
  options: LogQzEstimatorOptions,
): LogQzEstimate {
  const action = "estimate log q(z) by minibatch stratified sampling";
  checkCodes(z, posterior, action);
  const batchSize = z.shape[0];
  if (batchSize < 2) {
    throw new RangeError(
      `Cannot ${action}: the batch must hold at least 2 samples (z has shape [${z.shape}])`,
    );
  }
  const datasetSize = checkDatasetSize(options?.datasetSize, batchSize, action);
  const logW = logImportanceWeights(batchSize, datasetSize);
  return tf.tidy(() => {
    const l = logQzMatrix(z, posterior);
    const w = tf.tensor2d(logW, [batchSize, batchSize]);
    const logQz = logSumExp(tf.add(tf.sum(l, 2), w), 1) as tf.Tensor1D;
    const logProdQz = tf.sum(
      logSumExp(tf.add(l, tf.expandDims(w, 2)), 1),
      1,
    ) as tf.Tensor1D;
    return { logQz, logProdQz };
  });
}
