import { betaVaeLoss } from "./beta_vae_loss.ts";
import type { ElboTermsOptions } from "./elbo_terms.ts";
import type { LossResult, VaeSample } from "./types.ts";

/** Options of {@link vaeLoss}. */
export interface VaeLossOptions extends ElboTermsOptions {
  /**
   * `"closed-form"` uses the analytic KL(q(z|x) ‖ N(0, I)); `"sampled"` the
   * Monte Carlo log q(z|x) − log p(z).
   * @default {"closed-form"}
   */
  readonly kl?: "closed-form" | "sampled";
}

/**
 * The negative ELBO of a plain VAE (Kingma & Welling 2014), averaged over the
 * batch: −log p(x|z) + KL(q(z|x) ‖ p(z)). The β-VAE loss with β = 1.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { vaeLoss } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const posterior = { mean: tf.zeros([4, 2]) as tf.Tensor2D, logVar: tf.zeros([4, 2]) as tf.Tensor2D };
 * const sample = { z: tf.zeros([4, 2]) as tf.Tensor2D, posterior, logPxGivenZ: tf.fill([4], -7) as tf.Tensor1D };
 * assert.ok(Math.abs(vaeLoss(sample, { datasetSize: 10 }).loss.arraySync() - 7) < 1e-6);
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options The KL form, the estimator for the logged terms, the data-set size.
 * @returns `{ loss, terms, kl }`.
 */
export function vaeLoss(sample: VaeSample, options: VaeLossOptions = {}): LossResult {
  return betaVaeLoss(sample, { ...options, beta: 1 });
}
