import * as tf from "@tensorflow/tfjs-core";
import { checkPosterior } from "../estimators/checks.ts";
import { checkFinite } from "./_validate.ts";
import type { GaussianPosterior } from "./types.ts";

/** Options of {@link reparameterize}. */
export interface ReparameterizeOptions {
  /**
   * Seed of the standard normal noise ε; the same seed gives the same z
   * (0 included). Omit it only where repeatability does not matter.
   * @default {undefined}
   */
  readonly seed?: number;
}

/**
 * Draws z = μ + σ·ε with ε ~ N(0, I): a sample of q(z|x) through which
 * gradients reach μ and log σ² (the reparameterisation trick).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { reparameterize } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const posterior = { mean: tf.tensor2d([[3]]), logVar: tf.tensor2d([[-40]]) };
 * const [[z]] = reparameterize(posterior, { seed: 1 }).arraySync();
 * assert.ok(Math.abs(z - 3) < 1e-6); // σ ≈ 2e−9
 * ```
 *
 * @param posterior `{ mean, logVar }`, each `[B, D]`.
 * @param options The noise seed.
 * @returns z, `[B, D]`.
 */
export function reparameterize(
  posterior: GaussianPosterior,
  options: ReparameterizeOptions = {},
): tf.Tensor2D {
  const action = "sample from the posterior";
  const { mean, logVar } = checkPosterior(posterior, "posterior", action);
  const { seed } = options;
  if (seed !== undefined) checkFinite(seed, "options.seed", action);
  // tfjs treats a seed of 0 as "no seed": shift non-negative seeds by one so
  // every given seed, 0 included, names its own repeatable stream.
  const stream = seed === undefined ? undefined : seed >= 0 ? seed + 1 : seed;
  return tf.tidy(() => {
    const eps = tf.randomNormal(mean.shape, 0, 1, "float32", stream);
    return tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps));
  });
}
