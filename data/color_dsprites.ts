import type { Observations, Rng } from "./ground_truth_data.ts";
import type { GroundTruthDataset } from "./dataset.ts";
import { checkVariantSeed, dspritesVariant } from "./_dsprites_variant.ts";

/** A dSprites variant with RGB images (Color-, Noisy-, Scream-dSprites). */
export interface DspritesVariantDataset extends GroundTruthDataset {
  /** `["square", "ellipse", "heart"]`, indexed by the shape factor. */
  readonly shapeNames: readonly string[];
  /**
   * The images at `indices`: `[n, 64, 64, 3]` in [0, 1]. The nuisance of index
   * i is drawn from a stream of the data set's seed and i, so index i always
   * gives the same image.
   */
  observations(indices: ArrayLike<number>): Observations;
  /** One image per factor vector, its nuisance drawn with `rng`. */
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng: Rng): Observations;
}

/** Options of the procedural dSprites variants. */
export interface DspritesVariantOptions {
  /**
   * Seed of the nuisance of `observations(indices)` (an integer in 0..2³²−1).
   * @default {0}
   */
  seed?: number;
}

/**
 * Color-dSprites (Locatello et al. 2019, as disentanglement_lib defines it):
 * procedural dSprites ({@link createDsprites}: the same 737 280 indices and
 * factor grid) with the sprite in a random colour, each of R, G, B uniform in
 * [0.5, 1], on black. The colour is a nuisance, not a factor.
 *
 * @param options The seed of the colours.
 * @returns The data set (`[64, 64, 3]` observations, rendered on demand).
 *
 * @example Same seed, same images; the colour lies in [0.5, 1]
 * ```ts
 * import assert from "node:assert/strict";
 * import { createColorDsprites } from "@disentangle/vae/data";
 * const a = createColorDsprites({ seed: 3 }), b = createColorDsprites({ seed: 3 });
 * const [index] = a.indexOfFactors([[0, 5, 0, 16, 16]]);
 * const image = a.observations([index]).data;
 * assert.deepEqual(image, b.observations([index]).data);
 * const lit = image.filter((v) => v > 0);
 * assert.equal(lit.length, 3 * 400);
 * assert.ok(lit.every((v) => v >= 0.5 && v <= 1));
 * ```
 */
export function createColorDsprites(options: DspritesVariantOptions = {}): DspritesVariantDataset {
  const { seed = 0 } = options;
  checkVariantSeed(seed, "create Color-dSprites");
  return dspritesVariant("color-dsprites", seed, (mask, m, out, o, rng) => {
    const r = 0.5 + 0.5 * rng(), g = 0.5 + 0.5 * rng(), b = 0.5 + 0.5 * rng();
    for (let p = 0; p < 4096; p++) {
      if (mask[m + p] === 0) continue;
      out[o + 3 * p] = r;
      out[o + 3 * p + 1] = g;
      out[o + 3 * p + 2] = b;
    }
  });
}
