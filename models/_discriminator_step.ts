// FactorVAE's second update: the discriminator learns to tell codes of the
// step's minibatch (samples of q(z)) from codes of a second minibatch with
// every dimension permuted (samples of ∏_d q(z_d)). Its inputs are detached,
// so its gradient has no path into the VAE.
import * as tf from "@tensorflow/tfjs";
import { densityRatioDiscriminatorLoss } from "../estimators/density_ratio_discriminator_loss.ts";
import { permuteDimensions } from "../estimators/permute_dimensions.ts";
import { reparameterize } from "../losses/reparameterize.ts";
import type { Discriminator } from "./build_discriminator.ts";
import type { Vae } from "./build_vae.ts";

/** The identity whose gradient is zero: what goes through it is a constant to the tape. */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(
  ((x: tf.Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (x: tf.Tensor) => tf.Tensor;

/** Codes z ~ q(z|x) of a minibatch, with the reparameterisation noise of `seed`. */
export function encodeCodes(vae: Vae, x: tf.Tensor, seed: number, training: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const stats = vae.encoder.apply(x, { training }) as tf.Tensor2D;
    const d = stats.shape[1] / 2;
    return reparameterize({
      mean: tf.slice(stats, [0, 0], [-1, d]),
      logVar: tf.slice(stats, [0, d], [-1, d]),
    }, { seed });
  });
}

/**
 * The discriminator's loss on codes of q(z) (`joint`) and on the codes of a
 * second minibatch (`second`), each of whose dimensions is permuted along the
 * batch with the permutations of `seed`. Both inputs are detached.
 */
export function discriminatorObjective(
  discriminator: Discriminator,
  codes: { joint: tf.Tensor2D; second: tf.Tensor2D },
  seed: number,
  training: boolean,
): tf.Scalar {
  return tf.tidy(() => {
    const joint = stopGradient(codes.joint) as tf.Tensor2D;
    const product = permuteDimensions(stopGradient(codes.second) as tf.Tensor2D, { seed });
    const logits = (z: tf.Tensor2D) => discriminator.model.apply(z, { training }) as tf.Tensor2D;
    return densityRatioDiscriminatorLoss(logits(joint), logits(product));
  });
}

/** The discriminator's trainable variables, in the order its optimiser sees them. */
export function discriminatorVariables(discriminator: Discriminator): tf.Variable[] {
  return discriminator.model.trainableWeights.map((w) => w.read() as tf.Variable);
}
