/**
 * Ground-truth factor data sets and loaders: the {@link GroundTruthData}
 * interface the metrics sample from.
 *
 * @example
 * ```ts
 * import type { GroundTruthData } from "@disentangle/vae/data";
 * const sizes: GroundTruthData["factorSizes"] = [3, 6, 40, 32, 32];
 * console.log(sizes.length); // 5
 * ```
 *
 * @module
 */
export type { GroundTruthData, Observations, Rng } from "./ground_truth_data.ts";
