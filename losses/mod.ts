/**
 * Composable ELBO terms for disentangled VAEs, as tensor functions on
 * tfjs-core: log densities (diagonal and standard Gaussian, Bernoulli,
 * fixed-variance Gaussian, Laplace), the closed-form Gaussian KL, the ELBO
 * decomposition into reconstruction, index-code mutual information (MI),
 * total correlation (TC) and dimension-wise KL (DWKL), their (α, β, γ)
 * weighting, the objectives of the VAE, β-VAE, β-TCVAE, the capacity
 * objective (AnnealedVAE), FactorVAE (with a discriminator's TC estimate),
 * DIP-VAE-I and DIP-VAE-II, the Grouped-VAE reconstruction terms, and
 * schedules for any hyper-parameter.
 *
 * Functions are pure: tensors in, tensors out, per sample and unreduced unless
 * the name says otherwise; inputs are never disposed. Training needs the
 * gradients registered, e.g. by importing the union package `@tensorflow/tfjs`.
 *
 * @example A β-TCVAE objective for one minibatch
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { betaTcvaeLoss, logPxGivenZ, reparameterize } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const x = tf.round(tf.randomUniform([8, 4], 0, 1, "float32", 1));
 * const posterior = {
 *   mean: tf.randomNormal([8, 2], 0, 1, "float32", 2) as tf.Tensor2D,
 *   logVar: tf.fill([8, 2], -1) as tf.Tensor2D,
 * };
 * const z = reparameterize(posterior, { seed: 3 });
 * const logits = tf.matMul(z, tf.ones([2, 4])); // a stand-in decoder
 * const sample = { z, posterior, logPxGivenZ: logPxGivenZ(x, logits) };
 * const { loss, terms } = betaTcvaeLoss(sample, { beta: 6, datasetSize: 737_280 });
 * assert.ok(Number.isFinite(loss.arraySync()));
 * assert.equal(terms.tc.shape[0], 8);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./diagonal_gaussian_log_density.ts";
export * from "./standard_normal_log_density.ts";
export * from "./bernoulli_log_density.ts";
export * from "./fixed_variance_gaussian_log_density.ts";
export * from "./laplace_log_density.ts";
export * from "./log_px_given_z.ts";
export * from "./gaussian_kl_per_dimension.ts";
export * from "./gaussian_kl.ts";
export * from "./reparameterize.ts";
export * from "./elbo_terms.ts";
export * from "./weight_elbo_terms.ts";
export * from "./vae_loss.ts";
export * from "./beta_vae_loss.ts";
export * from "./beta_tcvae_loss.ts";
export * from "./capacity_loss.ts";
export * from "./factor_vae_loss.ts";
export * from "./dip_vae_regularizer.ts";
export * from "./dip_vae_i_loss.ts";
export * from "./dip_vae_ii_loss.ts";
export * from "./constant_schedule.ts";
export * from "./linear_schedule.ts";
export * from "./cyclical_schedule.ts";
export * from "./grouped_latents.ts";
export * from "./grouped_log_px_given_z.ts";
