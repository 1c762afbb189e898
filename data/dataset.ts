import type { GroundTruthData, Observations, Rng } from "./ground_truth_data.ts";

/**
 * Anything a training loop can draw minibatches from: a fixed number of
 * examples addressed by index `0..size−1`, each an image `[H, W, C]` with
 * values in [0, 1]. Labelled sets also give the factor labels of each index.
 *
 * @example A data set of four constant 1×1 grey images
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Dataset } from "@disentangle/vae/data";
 * const grey: Dataset = {
 *   name: "grey",
 *   size: 4,
 *   observationShape: [1, 1, 1],
 *   observations: (indices) => ({
 *     data: Float32Array.from(Array.from(indices), (i) => i / 3),
 *     shape: [indices.length, 1, 1, 1],
 *   }),
 * };
 * const batch = await grey.observations([3, 0]);
 * assert.deepEqual(Array.from(batch.data), [1, 0]);
 * ```
 */
export interface Dataset {
  /** A short name for logs and reports, e.g. `"dsprites"`. */
  readonly name: string;
  /** Number of examples; valid indices are the integers `0..size−1`. */
  readonly size: number;
  /** Shape of one observation, `[height, width, channels]`. */
  readonly observationShape: readonly number[];
  /**
   * The observations at `indices`, in the order given (indices may repeat),
   * as one NHWC batch `[indices.length, H, W, C]` with values in [0, 1].
   * Throws `TypeError`/`RangeError` for a non-integer or out-of-range index.
   */
  observations(indices: ArrayLike<number>): Observations | Promise<Observations>;
  /** For labelled sets: one name per factor (label), e.g. `["digit"]`. */
  readonly factorNames?: readonly string[];
  /** For labelled sets: factor k takes the integers `0..factorSizes[k]−1`. */
  readonly factorSizes?: readonly number[];
  /** For labelled sets: the factor classes of each index, `[indices.length][K]`. */
  factors?(indices: ArrayLike<number>): number[][];
}

/**
 * A data set whose examples are indexed by a grid of discrete factors (such as
 * dSprites): it is both a {@link Dataset} (draw minibatches by index) and a
 * {@link GroundTruthData} (sample factors, render observations from them), and
 * it maps between the two: `indexOfFactors(factors(i)) = i`.
 *
 * @example The index ↔ factors round trip of procedural dSprites
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDsprites, type GroundTruthDataset } from "@disentangle/vae/data";
 * const data: GroundTruthDataset = createDsprites();
 * const [f] = data.factors([12345]);
 * assert.deepEqual(data.indexOfFactors([f]), [12345]);
 * ```
 */
export interface GroundTruthDataset extends Dataset, GroundTruthData {
  /** One name per factor, in the order of the factor vectors. */
  readonly factorNames: readonly string[];
  /** Number of classes of each factor. */
  readonly factorSizes: readonly number[];
  /**
   * The real value of each class of each factor (e.g. dSprites' scale
   * `0.5, 0.6, …, 1`): `factorValues[k][c]` for class `c` of factor `k`.
   */
  readonly factorValues: readonly (readonly number[])[];
  /** The factor classes of each index, `[indices.length][K]` integers. */
  factors(indices: ArrayLike<number>): number[][];
  /**
   * The data-set index of each factor vector (the inverse of
   * {@link GroundTruthDataset.factors}); throws `RangeError` for a factor
   * vector that is out of range or not present in the set.
   */
  indexOfFactors(factors: ReadonlyArray<ArrayLike<number>>): number[];
  /** Draws `n` factor vectors; each present factor vector is equally likely. */
  sampleFactors(n: number, rng: Rng): number[][];
}
