// The common path of DIP-VAE-I and DIP-VAE-II: the ELBO (closed-form KL) plus
// the regulariser of the chosen variant, weights resolved at the step.
import * as tf from "@tensorflow/tfjs-core";
import { preset } from "./_preset.ts";
import { checkFinite, resolveHyperparameter } from "./_validate.ts";
import { dipVaeRegularizer } from "./dip_vae_regularizer.ts";
import type { ElboTermsOptions } from "./elbo_terms.ts";
import type { Hyperparameter, LossResult, VaeSample } from "./types.ts";

/** The options both DIP-VAE losses take. */
export interface DipVaeOptions extends ElboTermsOptions {
  readonly lambdaOd?: Hyperparameter;
  readonly lambdaD?: Hyperparameter;
  readonly step?: number;
}

/** −log p(x|z) + KL + the `variant` regulariser, averaged over the batch. */
export function dipVaeLoss(
  sample: VaeSample,
  options: DipVaeOptions,
  variant: "i" | "ii",
  action: string,
): LossResult {
  const { lambdaOd = 10, lambdaD, step = 0, ...estimation } = options;
  checkFinite(step, "options.step", action, 0);
  const od = resolveHyperparameter(lambdaOd, "options.lambdaOd", action, step, 0);
  const d = lambdaD === undefined
    ? (variant === "i" ? 10 * od : od)
    : resolveHyperparameter(lambdaD, "options.lambdaD", action, step, 0);
  return preset(sample, estimation, (terms, kl) =>
    tf.add(
      tf.sub(kl, terms.logPxGivenZ),
      dipVaeRegularizer(sample.posterior, { variant, lambdaOd: od, lambdaD: d }),
    ));
}
