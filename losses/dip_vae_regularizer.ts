import * as tf from "@tensorflow/tfjs-core";
import { checkPosterior } from "../estimators/checks.ts";
import { checkFinite } from "./_validate.ts";
import type { GaussianPosterior } from "./types.ts";

/** Options of {@link dipVaeRegularizer}. */
export interface DipVaeRegularizerOptions {
  /**
   * `"i"`: C = Cov[μ(x)] (DIP-VAE-I); `"ii"`: C = E[diag σ²(x)] + Cov[μ(x)]
   * (DIP-VAE-II), the covariance of the aggregate posterior.
   * @default {"i"}
   */
  readonly variant?: "i" | "ii";
  /**
   * λ_od, the weight of the off-diagonal entries Σ_{i≠j} C_ij².
   * @default {10}
   */
  readonly lambdaOd?: number;
  /**
   * λ_d, the weight of the diagonal entries Σ_i (C_ii − 1)².
   * @default {10·lambdaOd for "i", lambdaOd for "ii"}
   */
  readonly lambdaD?: number;
}

/**
 * The DIP-VAE regulariser (Kumar et al. 2018, "Variational inference of
 * disentangled latent concepts from unlabeled observations"):
 * λ_od·Σ_{i≠j} C_ij² + λ_d·Σ_i (C_ii − 1)², which pushes the covariance C of
 * the codes over the minibatch towards the identity. C is Cov[μ(x)] (DIP-VAE-I)
 * or E[diag σ²(x)] + Cov[μ(x)] (DIP-VAE-II); the covariance of the means is
 * over the batch with divisor B (the population covariance, as
 * disentanglement_lib computes it). It is 0 exactly when C = I.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { dipVaeRegularizer } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * // Means ±1 in both dimensions, uncorrelated: Cov[μ] = I, so DIP-VAE-I gives 0.
 * const mean = tf.tensor2d([[1, 1], [1, -1], [-1, 1], [-1, -1]]);
 * const posterior = { mean, logVar: tf.zeros([4, 2]) as tf.Tensor2D };
 * assert.equal(dipVaeRegularizer(posterior, { variant: "i" }).arraySync(), 0);
 * // DIP-VAE-II adds E[σ²] = 1 to the diagonal: C = 2I, so λ_d·Σ(2 − 1)² = 10·2.
 * assert.equal(dipVaeRegularizer(posterior, { variant: "ii" }).arraySync(), 20);
 * ```
 *
 * @param posterior `{ mean, logVar }`, each `[B, D]`, of one minibatch.
 * @param options The variant and the weights λ_od and λ_d.
 * @returns The regulariser, a scalar.
 */
export function dipVaeRegularizer(
  posterior: GaussianPosterior,
  options: DipVaeRegularizerOptions = {},
): tf.Scalar {
  const action = "compute the DIP-VAE regulariser";
  checkPosterior(posterior, "posterior", action);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${String(options)}`);
  }
  const { variant = "i", lambdaOd = 10 } = options;
  if (variant !== "i" && variant !== "ii") {
    throw new RangeError(`Cannot ${action}: options.variant must be "i" or "ii", got ${variant}`);
  }
  checkFinite(lambdaOd, "options.lambdaOd", action, 0);
  const lambdaD = checkFinite(
    options.lambdaD ?? (variant === "i" ? 10 * lambdaOd : lambdaOd),
    "options.lambdaD",
    action,
    0,
  );
  const [b, d] = posterior.mean.shape;
  if (b < 1) throw new RangeError(`Cannot ${action}: the minibatch is empty`);
  return tf.tidy(() => {
    const centred = tf.sub(posterior.mean, tf.mean(posterior.mean, 0, true));
    let c: tf.Tensor2D = tf.div(tf.matMul(centred, centred, true, false), b);
    const eye = tf.eye(d);
    if (variant === "ii") {
      const variance = tf.mean(tf.exp(posterior.logVar), 0, true); // [1, D]
      c = tf.add(c, tf.mul(eye, variance));
    }
    const offDiagonal = tf.sum(tf.square(tf.mul(c, tf.sub(1, eye))));
    const diagonal = tf.sum(tf.square(tf.sub(tf.sum(tf.mul(c, eye), 1), 1)));
    return tf.add(tf.mul(lambdaOd, offDiagonal), tf.mul(lambdaD, diagonal)) as tf.Scalar;
  });
}
