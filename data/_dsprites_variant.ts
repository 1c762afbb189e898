// Private: the dSprites variants of Locatello et al. (2019): procedural
// dSprites' binary sprite, given three channels and a nuisance (a colour,
// noise, a picture) drawn per image. `observations(i)` draws the nuisance of
// index i from its own stream of the data set's seed (so an index always
// gives the same image); `observationsFromFactors` draws it from the rng given.
import type { Observations, Rng } from "./ground_truth_data.ts";
import type { DspritesVariantDataset } from "./color_dsprites.ts";
import { createDsprites } from "./dsprites.ts";
import { createRng } from "./create_rng.ts";
import { checkIndices } from "./_factor_grid.ts";

/** Writes image `j` of the batch: the 0/1 sprite `mask` → RGB `out`, nuisance drawn from `rng`. */
export type Painter = (
  mask: Float32Array,
  maskOffset: number,
  out: Float32Array,
  outOffset: number,
  rng: Rng,
) => void;

const PIXELS = 64 * 64;
/** Indices of dSprites fit in 20 bits: index i of seed s uses the stream s·2²⁰ + i. */
const INDEX_BITS = 2 ** 20;

/** Checks a variant's seed (an integer that keeps the per-index streams distinct). */
export function checkVariantSeed(seed: number, action: string): void {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`Cannot ${action}: seed must be an integer in 0..2^32−1, got ${seed}`);
  }
}

export function dspritesVariant(
  name: string,
  seed: number,
  paint: Painter,
): DspritesVariantDataset {
  const base = createDsprites();
  const colour = (mask: Observations, rngOf: (j: number) => Rng): Observations => {
    const n = mask.shape[0];
    const data = new Float32Array(n * PIXELS * 3);
    for (let j = 0; j < n; j++) paint(mask.data, j * PIXELS, data, j * PIXELS * 3, rngOf(j));
    return { data, shape: [n, 64, 64, 3] };
  };
  return {
    ...base,
    name,
    observationShape: Object.freeze([64, 64, 3]),
    observations(indices: ArrayLike<number>): Observations {
      checkIndices(indices, base.size, `render ${name} observations`);
      return colour(base.observations(indices), (j) => createRng(seed * INDEX_BITS + indices[j]));
    },
    observationsFromFactors(list: ReadonlyArray<ArrayLike<number>>, rng: Rng): Observations {
      if (typeof rng !== "function") {
        throw new TypeError(
          `Cannot render ${name} observations from factors: rng must be a function returning [0, 1) (it draws the nuisance), got ${
            String(rng)
          }`,
        );
      }
      return colour(base.observationsFromFactors(list), () => rng);
    },
  };
}
