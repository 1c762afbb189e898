/**
 * A minimal VAE training step (Bernoulli reconstruction on logits plus the
 * closed-form Gaussian KL, mean over the batch) used by this folder's tests and
 * benchmarks to exercise the models and kernels. Not the library's train step.
 */
import * as tf from "@tensorflow/tfjs";
import type { Vae } from "./build_vae.ts";

/** Negative ELBO of a batch, averaged over the batch (a scalar). */
export function referenceLoss(vae: Vae, x: tf.Tensor, eps: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const stats = vae.encoder.apply(x) as tf.Tensor2D;
    const d = stats.shape[1] / 2;
    const mu = tf.slice(stats, [0, 0], [-1, d]);
    const logVar = tf.slice(stats, [0, d], [-1, d]);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const logits = vae.decoder.apply(z) as tf.Tensor;
    const batch = x.shape[0];
    const flatLogits = tf.reshape(logits, [batch, -1]);
    const flatX = tf.reshape(x, [batch, -1]);
    // −log p(x|z) for Bernoulli logits l: softplus(l) − x·l.
    const nll = tf.sum(tf.sub(tf.softplus(flatLogits), tf.mul(flatX, flatLogits)), 1);
    const kl = tf.mul(
      tf.sum(tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1), 1),
      0.5,
    );
    return tf.mean(tf.add(nll, kl)) as tf.Scalar;
  });
}

/** One optimizer step on `referenceLoss`; returns the loss before the step. */
export function referenceStep(
  vae: Vae,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  eps: tf.Tensor,
): number {
  const loss = optimizer.minimize(() => referenceLoss(vae, x, eps), true);
  const value = loss!.dataSync()[0];
  loss!.dispose();
  return value;
}
