import { preset } from "./_preset.ts";
import { checkFinite, resolveHyperparameter } from "./_validate.ts";
import type { ElboTermsOptions } from "./elbo_terms.ts";
import { weightElboTerms } from "./weight_elbo_terms.ts";
import type { Hyperparameter, LossResult, VaeSample } from "./types.ts";

/** Options of {@link betaTcvaeLoss}. */
export interface BetaTcvaeLossOptions extends ElboTermsOptions {
  /**
   * β, the weight of the total correlation (a number or a schedule).
   * @default {6}
   */
  readonly beta?: Hyperparameter;
  /**
   * α, the weight of the index-code mutual information.
   * @default {1}
   */
  readonly alpha?: Hyperparameter;
  /**
   * γ, the weight of the dimension-wise KL.
   * @default {1}
   */
  readonly gamma?: Hyperparameter;
  /**
   * The training step at which schedules are evaluated.
   * @default {0}
   */
  readonly step?: number;
}

/**
 * The β-TCVAE objective (Chen et al. 2018), averaged over the batch:
 * −log p(x|z) + α·MI + β·TC + γ·DWKL with α = γ = 1 by default, the total
 * correlation estimated with `options.estimator` (MWS by default, as in the
 * paper; MSS is the other choice).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { betaTcvaeLoss } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const mean = tf.randomNormal([8, 3], 0, 1, "float32", 3) as tf.Tensor2D;
 * const posterior = { mean, logVar: tf.fill([8, 3], -1) as tf.Tensor2D };
 * const sample = { z: mean, posterior, logPxGivenZ: tf.fill([8], -5) as tf.Tensor1D };
 * const { loss, terms } = betaTcvaeLoss(sample, { beta: 6, datasetSize: 1000, estimator: "mss" });
 * assert.ok(Number.isFinite(loss.arraySync()));
 * assert.equal(terms.tc.shape[0], 8);
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options α, β, γ, the estimator, the data-set size, the step.
 * @returns `{ loss, terms, kl }`.
 */
export function betaTcvaeLoss(sample: VaeSample, options: BetaTcvaeLossOptions = {}): LossResult {
  const action = "compute the β-TCVAE loss";
  const { beta = 6, alpha = 1, gamma = 1, step = 0, ...estimation } = options;
  checkFinite(step, "options.step", action, 0);
  // Resolve (and check) the weights before any tensor work.
  const weights = {
    alpha: resolveHyperparameter(alpha, "options.alpha", action, step),
    beta: resolveHyperparameter(beta, "options.beta", action, step),
    gamma: resolveHyperparameter(gamma, "options.gamma", action, step),
  };
  return preset(sample, estimation, (terms) => weightElboTerms(terms, weights));
}
