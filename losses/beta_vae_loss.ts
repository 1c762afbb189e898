import * as tf from "@tensorflow/tfjs-core";
import { preset } from "./_preset.ts";
import { checkFinite, resolveHyperparameter } from "./_validate.ts";
import type { ElboTermsOptions } from "./elbo_terms.ts";
import { weightElboTerms } from "./weight_elbo_terms.ts";
import type { Hyperparameter, LossResult, VaeSample } from "./types.ts";

/** Options of {@link betaVaeLoss}. */
export interface BetaVaeLossOptions extends ElboTermsOptions {
  /**
   * β, the weight of the whole KL term (a number or a schedule of the step).
   * Higgins et al. (2017) report β = 4 for dSprites.
   * @default {4}
   */
  readonly beta?: Hyperparameter;
  /**
   * `"closed-form"` weights the analytic KL(q(z|x) ‖ N(0, I)); `"sampled"`
   * weights the Monte Carlo terms MI + TC + DWKL = log q(z|x) − log p(z).
   * @default {"closed-form"}
   */
  readonly kl?: "closed-form" | "sampled";
  /**
   * The training step at which schedules are evaluated.
   * @default {0}
   */
  readonly step?: number;
}

/**
 * The β-VAE objective (Higgins et al. 2017), averaged over the batch:
 * −log p(x|z) + β·KL(q(z|x) ‖ p(z)). The result also carries the ELBO terms
 * (estimated with `options.estimator`, for logging) and the closed-form KL.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { betaVaeLoss } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const posterior = { mean: tf.ones([4, 2]) as tf.Tensor2D, logVar: tf.zeros([4, 2]) as tf.Tensor2D };
 * const sample = { z: tf.ones([4, 2]) as tf.Tensor2D, posterior, logPxGivenZ: tf.fill([4], -3) as tf.Tensor1D };
 * const { loss } = betaVaeLoss(sample, { beta: 4, datasetSize: 100 });
 * assert.ok(Math.abs(loss.arraySync() - (3 + 4 * 1)) < 1e-5); // KL = ½·Σμ² = 1
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options β, the KL form, the estimator for the logged terms, the data-set size, the step.
 * @returns `{ loss, terms, kl }`.
 */
export function betaVaeLoss(sample: VaeSample, options: BetaVaeLossOptions = {}): LossResult {
  const action = "compute the β-VAE loss";
  const { beta = 4, kl: form = "closed-form", step = 0, ...estimation } = options;
  checkFinite(step, "options.step", action, 0);
  const b = resolveHyperparameter(beta, "options.beta", action, step, 0);
  if (form !== "closed-form" && form !== "sampled") {
    throw new RangeError(
      `Cannot ${action}: options.kl must be "closed-form" or "sampled", got ${String(form)}`,
    );
  }
  return preset(
    sample,
    estimation,
    (terms, kl) =>
      form === "closed-form"
        ? tf.sub(tf.mul(b, kl), terms.logPxGivenZ)
        : weightElboTerms(terms, { alpha: b, beta: b, gamma: b }),
  );
}
