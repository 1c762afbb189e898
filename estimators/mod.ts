/**
 * Minibatch estimators of the aggregate posterior q(z) = (1/N)·Σ_n q(z|x_n)
 * and of the product of its marginals ∏_d q(z_d), which the ELBO
 * decomposition into index-code MI, total correlation and dimension-wise KL
 * needs: minibatch weighted sampling (MWS), minibatch stratified sampling
 * (MSS) and the exact mixture over a small data set; and the density-ratio
 * estimate of the total correlation (FactorVAE): a discriminator's log-odds
 * between samples of q(z) and of ∏_d q(z_d) (`permuteDimensions`), with the
 * loss that trains it. Tensor functions on tfjs-core; inputs are never
 * disposed.
 *
 * @example Total correlation of a minibatch under MSS
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { mssLogQz } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const mean = tf.randomNormal([16, 3], 0, 1, "float32", 7) as tf.Tensor2D;
 * const logVar = tf.fill([16, 3], -2) as tf.Tensor2D;
 * const z = tf.add(mean, tf.mul(Math.exp(-1), tf.randomNormal([16, 3], 0, 1, "float32", 8))) as tf.Tensor2D;
 * const { logQz, logProdQz } = mssLogQz(z, { mean, logVar }, { datasetSize: 10_000 });
 * const tc = tf.mean(tf.sub(logQz, logProdQz)).arraySync();
 * assert.ok(Number.isFinite(tc));
 * ```
 *
 * @module
 */
export * from "./log_qz_matrix.ts";
export * from "./mws_log_qz.ts";
export * from "./mss_log_qz.ts";
export * from "./log_importance_weights.ts";
export * from "./exact_log_qz.ts";
export * from "./permute_dimensions.ts";
export * from "./density_ratio_tc.ts";
export * from "./density_ratio_discriminator_loss.ts";
export type {
  GaussianPosterior,
  LogQzEstimate,
  LogQzEstimator,
  LogQzEstimatorOptions,
} from "./types.ts";
