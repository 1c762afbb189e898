import type { Observations, Rng } from "./ground_truth_data.ts";
import type { GroundTruthDataset } from "./dataset.ts";
import {
  DSPRITES_FACTOR_NAMES,
  DSPRITES_FACTOR_SIZES,
  DSPRITES_FACTOR_VALUES,
  DSPRITES_SHAPE_NAMES,
  POSITION_MARGIN,
  SPRITE_SIDE,
} from "./_dsprites_factors.ts";
import { spriteGridDataset } from "./_sprite_grid_dataset.ts";

/** Procedural dSprites: a {@link GroundTruthDataset} that renders synchronously. */
export interface DspritesDataset extends GroundTruthDataset {
  /** `["square", "ellipse", "heart"]`, indexed by the shape factor. */
  readonly shapeNames: readonly string[];
  /** Renders the images at `indices`: `[n, 64, 64, 1]`, values 0 or 1. */
  observations(indices: ArrayLike<number>): Observations;
  /** Renders one image per factor vector (the rng is not used: rendering is deterministic). */
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng?: Rng): Observations;
}

/**
 * Procedural dSprites (Matthey et al. 2017): the original's full factor grid
 * — shape 3 × scale 6 × orientation 40 × posX 32 × posY 32 = 737 280 binary
 * 64×64 images — rendered on demand by index, never held in memory.
 *
 * Indices follow the original archive (row-major over the factors, posY
 * fastest; its constant colour factor is dropped), so index i here is image i
 * of `dsprites_ndarray_co1sr2de3_64x64.npz`, and the factor values are the
 * original's: scale `linspace(0.5, 1, 6)`, orientation `linspace(0, 2π, 40)`
 * (both ends included, so classes 0 and 39 give the same image, as in the
 * original), positions `linspace(0, 1, 32)`.
 *
 * The original's pixel geometry is not published (its author drew vector
 * shapes with Love2D on a canvas of side 1), so this renderer is a documented
 * approximation, not a pixel copy: each shape lives in a box whose side is
 * `0.3125·64·scale` = 20·scale pixels; the square fills the box, the ellipse
 * has semi-axes ½ and ¼ of the box (long axis horizontal at orientation 0),
 * the heart (the sextic (X²+Y²−1)³ ≤ X²Y³, lobes up) fits the box's width.
 * The box is rotated clockwise on screen by the orientation and centred at
 * `(16 + 32·posX, 16 + 32·posY)` pixels (x to the right, y down, pixel
 * (r, c) covering [c, c+1) × [r, r+1)), so every rotation of every shape
 * stays inside the image; a pixel is 1 when its centre is inside the shape
 * (no anti-aliasing). Rendering is point-in-shape tests through the inverse
 * transform over the sprite's bounding square only.
 *
 * @returns The data set (it holds no images; a batch of 64 renders in well under a millisecond).
 *
 * @example Index ↔ factors, and a rendered square
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDsprites } from "@disentangle/vae/data";
 * const dsprites = createDsprites();
 * assert.equal(dsprites.size, 737280);
 * const [index] = dsprites.indexOfFactors([[0, 5, 0, 16, 16]]); // square, scale 1
 * const { data, shape } = dsprites.observations([index]);
 * assert.deepEqual(shape, [1, 64, 64, 1]);
 * assert.equal(data.reduce((s, v) => s + v, 0), 400); // a 20 × 20 square
 * ```
 */
export function createDsprites(): DspritesDataset {
  const imageSize = 64;
  const side = SPRITE_SIDE * imageSize;
  const [, scales, angles, xs, ys] = DSPRITES_FACTOR_VALUES;
  const span = (1 - 2 * POSITION_MARGIN) * imageSize;
  const margin = POSITION_MARGIN * imageSize;
  const base = spriteGridDataset({
    name: "dsprites",
    imageSize,
    factorNames: DSPRITES_FACTOR_NAMES,
    factorSizes: DSPRITES_FACTOR_SIZES,
    factorValues: DSPRITES_FACTOR_VALUES,
    pose(f, pose) {
      pose.shape = f[0];
      pose.side = side * scales[f[1]];
      pose.angle = angles[f[2]];
      pose.cx = margin + span * xs[f[3]];
      pose.cy = margin + span * ys[f[4]];
    },
  });
  return Object.assign(base, { shapeNames: DSPRITES_SHAPE_NAMES });
}
