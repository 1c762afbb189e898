import * as tf from "@tensorflow/tfjs-core";
import { checkTensor } from "../estimators/checks.ts";
import { densityRatioTc } from "../estimators/density_ratio_tc.ts";
import { checkFinite, resolveHyperparameter } from "./_validate.ts";
import { elboTerms, type ElboTermsOptions } from "./elbo_terms.ts";
import { gaussianKl } from "./gaussian_kl.ts";
import type { Hyperparameter, LossResult, VaeSample } from "./types.ts";

/** Options of {@link factorVaeLoss}. */
export interface FactorVaeLossOptions extends ElboTermsOptions {
  /**
   * The discriminator's logits `[B, 2]` at the sample's codes `z` (class 0:
   * drawn from q(z)), e.g. `discriminator.apply(z)`; the density-ratio TC
   * estimate is their log-odds (`densityRatioTc`).
   */
  readonly discriminatorLogits: tf.Tensor2D;
  /**
   * γ, the weight of the total correlation (a number or a schedule).
   * @default {10}
   */
  readonly gamma?: Hyperparameter;
  /**
   * The training step at which schedules are evaluated.
   * @default {0}
   */
  readonly step?: number;
}

/** What {@link factorVaeLoss} returns: the loss and its parts. */
export type FactorVaeLossResult = LossResult & {
  /** The discriminator's TC estimate per sample, log D(z_i) − log(1 − D(z_i)), `[B]`. */
  readonly densityRatioTc: tf.Tensor1D;
};

/**
 * The FactorVAE objective (Kim & Mnih 2018, "Disentangling by factorising"),
 * averaged over the batch: −log p(x|z) + KL(q(z|x) ‖ N(0, I)) + γ·TC, with the
 * closed-form KL and TC estimated by a discriminator's density ratio
 * (`densityRatioTc` of `options.discriminatorLogits`). Its gradient reaches
 * the encoder through z (and the discriminator's weights through the logits:
 * update only the VAE's weights with it; the discriminator is trained by
 * `densityRatioDiscriminatorLoss`). The result also carries the ELBO terms
 * (estimated with `options.estimator`, for logging).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { factorVaeLoss } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const posterior = { mean: tf.ones([2, 2]) as tf.Tensor2D, logVar: tf.zeros([2, 2]) as tf.Tensor2D };
 * const sample = { z: tf.ones([2, 2]) as tf.Tensor2D, posterior, logPxGivenZ: tf.fill([2], -3) as tf.Tensor1D };
 * // Log-odds 0.5 per sample: 3 (reconstruction) + 1 (KL) + 10·0.5.
 * const discriminatorLogits = tf.tensor2d([[0.5, 0], [1, 0.5]]);
 * const { loss } = factorVaeLoss(sample, { gamma: 10, discriminatorLogits, datasetSize: 10 });
 * assert.ok(Math.abs(loss.arraySync() - (3 + 1 + 5)) < 1e-5);
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options The discriminator's logits at `z`, γ, the estimator for the
 *   logged terms, the data-set size, the step.
 * @returns `{ loss, terms, kl, densityRatioTc }`.
 */
export function factorVaeLoss(
  sample: VaeSample,
  options: FactorVaeLossOptions,
): FactorVaeLossResult {
  const action = "compute the FactorVAE loss";
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${String(options)}`);
  }
  const { gamma = 10, step = 0, discriminatorLogits, ...estimation } = options;
  checkFinite(step, "options.step", action, 0);
  const g = resolveHyperparameter(gamma, "options.gamma", action, step, 0);
  checkTensor(discriminatorLogits, "options.discriminatorLogits", action, 2);
  const b = sample?.z?.shape?.[0];
  if (discriminatorLogits.shape[0] !== b) {
    throw new TypeError(
      `Cannot ${action}: options.discriminatorLogits has shape [${discriminatorLogits.shape}] but z has ${b} rows`,
    );
  }
  return tf.tidy(() => {
    const terms = elboTerms(sample, estimation);
    const kl = gaussianKl(sample.posterior);
    const tc = densityRatioTc(discriminatorLogits);
    const loss = tf.add(
      tf.mean(tf.sub(kl, terms.logPxGivenZ)),
      tf.mul(g, tf.mean(tc)),
    ) as tf.Scalar;
    return { loss, terms, kl, densityRatioTc: tc };
  });
}
