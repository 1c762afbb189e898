// The common path of the loss presets: ELBO terms + closed-form KL, then a
// per-sample objective averaged into the scalar loss.
import * as tf from "@tensorflow/tfjs-core";
import { elboTerms, type ElboTermsOptions } from "./elbo_terms.ts";
import { gaussianKl } from "./gaussian_kl.ts";
import type { ElboTerms, LossResult, VaeSample } from "./types.ts";

/** Computes the terms and KL, then `objective(terms, kl)` (per sample, or a scalar) as the loss. */
export function preset(
  sample: VaeSample,
  options: ElboTermsOptions,
  objective: (terms: ElboTerms, kl: tf.Tensor1D) => tf.Tensor,
): LossResult {
  return tf.tidy(() => {
    const terms = elboTerms(sample, options);
    const kl = gaussianKl(sample.posterior);
    const loss = tf.mean(objective(terms, kl)) as tf.Scalar;
    return { loss, terms, kl };
  });
}
