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

/** A hyper-parameter as a function of the training step (optax style). */
export type Schedule = (step: number) => number;

/** A hyper-parameter given as a constant or as a {@link Schedule}. */
export type Hyperparameter = number | Schedule;

/**
 * One minibatch through a VAE: the sampled codes, the posterior they were
 * drawn from, and the reconstruction log-likelihood of each sample.
 */
export interface VaeSample {
  /** z_i ~ q(z|x_i) by reparameterisation, `[B, D]`. */
  readonly z: tf.Tensor2D;
  /** q(z|x_i): means and log-variances, `[B, D]` each. */
  readonly posterior: GaussianPosterior;
  /** log p(x_i|z_i) per sample, `[B]` (see `logPxGivenZ`). */
  readonly logPxGivenZ: tf.Tensor1D;
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

/**
 * The per-sample terms of the ELBO decomposition, each `[B]`:
 * MI + TC + DWKL = logQzGivenX − logPz.
 */
export type ElboTerms = {
  /** log p(x_i|z_i), the reconstruction log-likelihood. */
  readonly logPxGivenZ: tf.Tensor1D;
  /** log q(z_i|x_i) = Σ_d log N(z_{i,d}; μ_{i,d}, σ²_{i,d}). */
  readonly logQzGivenX: tf.Tensor1D;
  /** log p(z_i) under the N(0, I) prior. */
  readonly logPz: tf.Tensor1D;
  /** log q(z_i), estimated. */
  readonly logQz: tf.Tensor1D;
  /** Σ_d log q(z_{i,d}), estimated. */
  readonly logProdQz: tf.Tensor1D;
  /** Index-code mutual information: logQzGivenX − logQz. */
  readonly mi: tf.Tensor1D;
  /** Total correlation: logQz − logProdQz. */
  readonly tc: tf.Tensor1D;
  /** Dimension-wise KL: logProdQz − logPz. */
  readonly dwkl: tf.Tensor1D;
};

/** What the loss presets return: the scalar to minimise and its parts. */
export type LossResult = {
  /** The objective, averaged over the batch (a scalar to minimise). */
  readonly loss: tf.Scalar;
  /** The ELBO decomposition per sample. */
  readonly terms: ElboTerms;
  /** Closed-form KL(q(z|x_i) ‖ N(0, I)) per sample, `[B]`. */
  readonly kl: tf.Tensor1D;
};
