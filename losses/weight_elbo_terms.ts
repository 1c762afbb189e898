import * as tf from "@tensorflow/tfjs-core";
import { checkSameShape, checkTensor } from "../estimators/checks.ts";
import { checkFinite, resolveHyperparameter } from "./_validate.ts";
import type { ElboTerms, Hyperparameter } from "./types.ts";

/** Options of {@link weightElboTerms}: the weights, constants or schedules. */
export interface WeightElboTermsOptions {
  /**
   * α, the weight of the index-code mutual information.
   * @default {1}
   */
  readonly alpha?: Hyperparameter;
  /**
   * β, the weight of the total correlation.
   * @default {1}
   */
  readonly beta?: Hyperparameter;
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
 * The per-sample objective to minimise, −log p(x|z) + α·MI + β·TC + γ·DWKL.
 * α = β = γ = 1 is the (negative) ELBO of a VAE; α = β = γ = β the β-VAE;
 * α = γ = 1 with β > 1 the β-TCVAE. Each weight may be a number or a schedule
 * (a function of `step`); a weight that is not finite is a RangeError.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { weightElboTerms } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const one = tf.tensor1d([1]);
 * const terms = {
 *   logPxGivenZ: tf.tensor1d([-10]), logQzGivenX: one, logPz: one, logQz: one,
 *   logProdQz: one, mi: tf.tensor1d([1]), tc: tf.tensor1d([2]), dwkl: tf.tensor1d([3]),
 * };
 * const objective = weightElboTerms(terms, { alpha: 1, beta: (step) => step, gamma: 1, step: 5 });
 * assert.deepEqual(objective.arraySync(), [10 + 1 + 5 * 2 + 3]);
 * ```
 *
 * @param terms The ELBO terms from `elboTerms`.
 * @param options α, β, γ and the step.
 * @returns The objective per sample, `[B]`.
 */
export function weightElboTerms(
  terms: ElboTerms,
  options: WeightElboTermsOptions = {},
): tf.Tensor1D {
  const action = "weight the ELBO terms";
  const { alpha = 1, beta = 1, gamma = 1, step = 0 } = options;
  checkFinite(step, "options.step", action, 0);
  const a = resolveHyperparameter(alpha, "options.alpha", action, step);
  const b = resolveHyperparameter(beta, "options.beta", action, step);
  const g = resolveHyperparameter(gamma, "options.gamma", action, step);
  if (terms === null || typeof terms !== "object") {
    throw new TypeError(`Cannot ${action}: terms must be the object elboTerms returns`);
  }
  const reference = checkTensor(terms.logPxGivenZ, "terms.logPxGivenZ", action, 1);
  for (const key of ["mi", "tc", "dwkl"] as const) {
    checkTensor(terms[key], `terms.${key}`, action, 1);
    checkSameShape(terms[key], `terms.${key}`, reference, "terms.logPxGivenZ", action);
  }
  return tf.tidy(() =>
    tf.addN([
      tf.neg(terms.logPxGivenZ),
      tf.mul(a, terms.mi),
      tf.mul(b, terms.tc),
      tf.mul(g, terms.dwkl),
    ]) as tf.Tensor1D
  );
}
