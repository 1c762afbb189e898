/**
 * Disentangled variational autoencoders for TensorFlow.js: β-VAE, β-TCVAE and
 * their relatives, the estimators behind them, and the metrics that score
 * them.
 *
 * - `./losses`: composable ELBO terms — reconstruction, index-code mutual
 *   information, total correlation, dimension-wise KL — weighted by (α, β, γ),
 *   the objectives of β-VAE, β-TCVAE, AnnealedVAE, FactorVAE, DIP-VAE-I/II and
 *   the Grouped-VAE, and schedules (tfjs-core only).
 * - `./estimators`: minibatch estimators of log q(z) and log ∏ q(z_j): MWS, MSS
 *   and the exact mixture, and FactorVAE's density-ratio TC (tfjs-core only).
 * - `./metrics`: MIG, the β-VAE and FactorVAE scores, SAP, DCI, MIC, modularity,
 *   explicitness, IRS and unsupervised scores on plain arrays (no tfjs at all).
 * - `./models`: encoder/decoder builders, a complete and fast wasm backend for
 *   training, the train step, save/load and checkpoints.
 * - `./data`: ground-truth factor data sets (procedural dSprites, Shapes),
 *   MNIST, image folders, numpy readers, seeded minibatches.
 *
 * This root module re-exports all of them; import a sub-path to keep the
 * import graph small (e.g. `@disentangle/vae/metrics` pulls in no tfjs).
 *
 * @example Score a representation with the mutual information gap
 * ```ts
 * import { mig } from "@disentangle/vae";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 600 }, (_, i) => [i % 3, Math.floor(i / 3) % 4]);
 * const codes = factors.map(([shape, x]) => [x * 0.5, shape - 1, 0.1]);
 * assert.ok(mig(codes, factors).score > 0.9);
 * ```
 *
 * @module
 */
export * from "./losses/mod.ts";
export * from "./estimators/mod.ts";
export * from "./metrics/mod.ts";
export * from "./models/mod.ts";
export * from "./data/mod.ts";
