import type * as tf from "@tensorflow/tfjs-core";

/**
 * A diagonal Gaussian q(z|x) per sample, as an encoder gives it: means and
 * log-variances, both `[B, D]`.
 */
export interface GaussianPosterior {
  /** μ, shape `[B, D]`. */
  readonly mean: tf.Tensor2D;
  /** log σ², shape `[B, D]`. */
  readonly logVar: tf.Tensor2D;
}

/** Estimates of log q(z_i) and log ∏_d q(z_{i,d}) for each sample of a minibatch, `[B]` each. */
export type LogQzEstimate = {
  /** log q(z_i), the aggregate posterior at z_i. */
  readonly logQz: tf.Tensor1D;
  /** Σ_d log q(z_{i,d}), the product of its marginals at z_i. */
  readonly logProdQz: tf.Tensor1D;
};

/** Options every log q(z) estimator receives. */
export interface LogQzEstimatorOptions {
  /** N, the number of samples in the whole data set. */
  readonly datasetSize: number;
}

/**
 * A minibatch estimator of log q(z) and log ∏_d q(z_d), such as `mwsLogQz`
 * and `mssLogQz`, or a closure over `exactLogQz`.
 */
export type LogQzEstimator = (
  z: tf.Tensor2D,
  posterior: GaussianPosterior,
  options: LogQzEstimatorOptions,
) => LogQzEstimate;
