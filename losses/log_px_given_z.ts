import * as tf from "@tensorflow/tfjs-core";
import { bernoulliLogDensity } from "./bernoulli_log_density.ts";
import { fixedVarianceGaussianLogDensity } from "./fixed_variance_gaussian_log_density.ts";
import { laplaceLogDensity } from "./laplace_log_density.ts";
import { checkSameShape, checkTensor } from "../estimators/checks.ts";

/** The observation models a decoder's output can parameterise. */
export type Likelihood = "bernoulli" | "gaussian" | "laplace";

/** The likelihoods {@link logPxGivenZ} accepts. */
export const LIKELIHOODS: readonly Likelihood[] = ["bernoulli", "gaussian", "laplace"];

/** Options of {@link logPxGivenZ}. */
export interface LogPxGivenZOptions {
  /**
   * How the decoder's output is read: `"bernoulli"` (logits), `"gaussian"`
   * (means, fixed variance) or `"laplace"` (locations, fixed scale).
   * @default {"bernoulli"}
   */
  readonly likelihood?: Likelihood;
  /**
   * The variance of the `"gaussian"` likelihood.
   * @default {1}
   */
  readonly variance?: number;
  /**
   * The scale of the `"laplace"` likelihood.
   * @default {1}
   */
  readonly scale?: number;
}

/**
 * The reconstruction log-likelihood log p(x_i|z_i) of each sample: the
 * elementwise log-density of the chosen likelihood, summed over every axis
 * but the first (the batch).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { logPxGivenZ } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const x = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
 * const logits = tf.zeros([1, 2, 2, 1]);
 * const [logp] = logPxGivenZ(x, logits).arraySync();
 * assert.ok(Math.abs(logp - 4 * Math.log(0.5)) < 1e-5);
 * ```
 *
 * @param x Observations `[B, ...]`.
 * @param decoded The decoder's output for the same samples (logits, means or
 *   locations), the shape of `x`.
 * @param options The likelihood and its fixed parameter.
 * @returns log p(x_i|z_i) per sample, `[B]`.
 */
export function logPxGivenZ(
  x: tf.Tensor,
  decoded: tf.Tensor,
  options: LogPxGivenZOptions = {},
): tf.Tensor1D {
  const action = "compute the reconstruction log-likelihood";
  const { likelihood = "bernoulli", variance = 1, scale = 1 } = options;
  checkTensor(x, "x", action);
  checkTensor(decoded, "decoded", action);
  checkSameShape(decoded, "decoded", x, "x", action);
  if (x.rank < 1) {
    throw new TypeError(`Cannot ${action}: x must have a batch axis, got shape [${x.shape}]`);
  }
  if (!LIKELIHOODS.includes(likelihood)) {
    throw new RangeError(
      `Cannot ${action}: options.likelihood must be one of ${LIKELIHOODS.join(", ")}, got ${
        String(likelihood)
      }`,
    );
  }
  return tf.tidy(() => {
    const elementwise = likelihood === "bernoulli"
      ? bernoulliLogDensity(x, decoded)
      : likelihood === "gaussian"
      ? fixedVarianceGaussianLogDensity(x, decoded, { variance })
      : laplaceLogDensity(x, decoded, { scale });
    const batch = x.shape[0];
    return tf.sum(tf.reshape(elementwise, [batch, -1]), 1) as tf.Tensor1D;
  });
}
