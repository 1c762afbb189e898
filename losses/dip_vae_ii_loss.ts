import { dipVaeLoss } from "./_dip_vae.ts";
import type { ElboTermsOptions } from "./elbo_terms.ts";
import type { Hyperparameter, LossResult, VaeSample } from "./types.ts";

/** Options of {@link dipVaeIiLoss}. */
export interface DipVaeIiLossOptions extends ElboTermsOptions {
  /**
   * λ_od, the weight of the off-diagonal entries of C (a number or a schedule).
   * @default {10}
   */
  readonly lambdaOd?: Hyperparameter;
  /**
   * λ_d, the weight of the diagonal entries of C.
   * @default {lambdaOd}
   */
  readonly lambdaD?: Hyperparameter;
  /**
   * The training step at which schedules are evaluated.
   * @default {0}
   */
  readonly step?: number;
}

/**
 * The DIP-VAE-II objective (Kumar et al. 2018), averaged over the batch:
 * −log p(x|z) + KL(q(z|x) ‖ N(0, I)) + λ_od·Σ_{i≠j} C_ij² + λ_d·Σ_i (C_ii − 1)²
 * with C = E[diag σ²(x)] + Cov[μ(x)] over the minibatch, the covariance of
 * the aggregate posterior (see `dipVaeRegularizer`), and the closed-form KL.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { dipVaeIiLoss } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * // All means equal and σ² = 1: C = I, so the loss is the negative ELBO 3 + 1.
 * const posterior = { mean: tf.ones([4, 2]) as tf.Tensor2D, logVar: tf.zeros([4, 2]) as tf.Tensor2D };
 * const sample = { z: tf.ones([4, 2]) as tf.Tensor2D, posterior, logPxGivenZ: tf.fill([4], -3) as tf.Tensor1D };
 * const { loss } = dipVaeIiLoss(sample, { lambdaOd: 5, datasetSize: 100 });
 * assert.ok(Math.abs(loss.arraySync() - (3 + 1)) < 1e-5);
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options λ_od, λ_d, the estimator for the logged terms, the data-set size, the step.
 * @returns `{ loss, terms, kl }`.
 */
export function dipVaeIiLoss(sample: VaeSample, options: DipVaeIiLossOptions = {}): LossResult {
  return dipVaeLoss(sample, options, "ii", "compute the DIP-VAE-II loss");
}
