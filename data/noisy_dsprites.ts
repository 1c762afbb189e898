import { checkVariantSeed, dspritesVariant } from "./_dsprites_variant.ts";
import type { DspritesVariantDataset, DspritesVariantOptions } from "./color_dsprites.ts";

/**
 * Noisy-dSprites (Locatello et al. 2019, as disentanglement_lib defines it):
 * procedural dSprites ({@link createDsprites}: the same indices and factor
 * grid) in white on uniform noise: every pixel and channel is
 * min(sprite + u, 1) with u uniform in [0, 1), so the sprite is 1 and the
 * background noise. The noise is a nuisance, not a factor.
 *
 * @param options The seed of the noise.
 * @returns The data set (`[64, 64, 3]` observations, rendered on demand).
 *
 * @example The sprite is white, the background is noise
 * ```ts
 * import assert from "node:assert/strict";
 * import { createNoisyDsprites } from "@disentangle/vae/data";
 * const noisy = createNoisyDsprites({ seed: 1 });
 * const [index] = noisy.indexOfFactors([[0, 5, 0, 16, 16]]);
 * const image = noisy.observations([index]).data;
 * const centre = (32 * 64 + 32) * 3;
 * assert.deepEqual(Array.from(image.subarray(centre, centre + 3)), [1, 1, 1]);
 * const corner = Array.from(image.subarray(0, 3));
 * assert.ok(corner.every((v) => v >= 0 && v < 1));
 * ```
 */
export function createNoisyDsprites(options: DspritesVariantOptions = {}): DspritesVariantDataset {
  const { seed = 0 } = options;
  checkVariantSeed(seed, "create Noisy-dSprites");
  return dspritesVariant("noisy-dsprites", seed, (mask, m, out, o, rng) => {
    for (let p = 0; p < 4096; p++) {
      const s = mask[m + p];
      for (let k = 0; k < 3; k++) out[o + 3 * p + k] = Math.min(s + rng(), 1);
    }
  });
}
