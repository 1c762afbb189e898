/**
 * Disentanglement metrics on plain arrays: codes `[N][D]` and factors `[N][K]`
 * (any finite numbers, treated as categories) in, plain objects of numbers out. This module imports nothing
 * outside `metrics/` (no tfjs), so any project can embed it to score
 * representations made anywhere. Defaults follow the protocol of Locatello et
 * al. (2019) so that scores are comparable with published ones, and every
 * result echoes the settings it was computed with.
 *
 * | metric                                   | takes                           |
 * | ---------------------------------------- | ------------------------------- |
 * | `mig`, `mic`, `modularity`, `dcimig`, `jemmig`, `mutualInfoMatrix` | codes, factors (histogram MI) |
 * | `posteriorMig`                           | posterior mean/log-variance, factors |
 * | `sap`, `dci` (`dciAsync` on Workers), `explicitness`, `downstreamTask` | train and test `{ codes, factors }` |
 * | `dciFromImportance`, `modularityFromMutualInfo` | your own `[D][K]` importance / MI matrix |
 * | `betaVaeScore`, `factorVaeScore`         | a ground-truth data set and an encoder |
 * | `irs`, `activeUnits`, `udr`, `spearmanCorrelation` | codes (and factors for IRS) |
 * | `unsupervisedScores`, `gaussianTotalCorrelation`, `gaussianWassersteinCorrelation` | codes or a covariance |
 *
 * Factor labels may be any finite numbers (dSprites' `latents_values`, say):
 * they are categories compared by value, as scikit-learn's `mutual_info_score`
 * treats them; bin continuous codes with `histogramDiscretize`.
 *
 * @example Mutual information gap of a perfectly disentangled code
 * ```ts
 * import { mig } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 400 }, (_, i) => [i % 4, Math.floor(i / 4) % 5]);
 * const codes = factors.map(([a, b]) => [a + 0.1, b - 0.2]);
 * const { score } = mig(codes, factors, { bins: 20 });
 * assert.ok(score > 0.9);
 * ```
 *
 * @module
 */
export * from "./histogram_discretize.ts";
export * from "./discrete_entropy.ts";
export * from "./discrete_mutual_info.ts";
export * from "./mutual_info_matrix.ts";
export * from "./mig.ts";
export * from "./posterior_mig.ts";
export * from "./dcimig.ts";
export * from "./jemmig.ts";
export * from "./mic.ts";
export * from "./modularity.ts";
export * from "./modularity_from_mutual_info.ts";
export * from "./gaussian_total_correlation.ts";
export * from "./gaussian_wasserstein_correlation.ts";
export * from "./unsupervised_scores.ts";
export * from "./irs.ts";
export * from "./active_units.ts";
export * from "./sap.ts";
export * from "./dci.ts";
export * from "./dci_async.ts";
export * from "./dci_from_importance.ts";
export * from "./explicitness.ts";
export * from "./downstream_task.ts";
export * from "./logistic_regression.ts";
export * from "./beta_vae_score.ts";
export * from "./factor_vae_score.ts";
export * from "./spearman_correlation.ts";
export * from "./udr.ts";
