import type * as tf from "@tensorflow/tfjs-core";
import type { GaussianPosterior } from "../estimators/types.ts";

// The posterior and estimator types belong to estimators/; re-exported so
// `@disentangle/vae/losses` keeps exporting them.
export type {
  GaussianPosterior,
  LogQzEstimate,
  LogQzEstimator,
  LogQzEstimatorOptions,
} from "../estimators/types.ts";

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
