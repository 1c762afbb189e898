// Private: the dSprites factor grid shared by the procedural renderer and the
// .npz loader (the original's latents, without its constant colour).
import { linspace } from "./_factor_grid.ts";

/** Factor sizes: shape, scale, orientation, posX, posY. */
export const DSPRITES_FACTOR_SIZES: readonly number[] = Object.freeze([3, 6, 40, 32, 32]);

/** Factor names, in index order (posY varies fastest). */
export const DSPRITES_FACTOR_NAMES: readonly string[] = Object.freeze([
  "shape",
  "scale",
  "orientation",
  "posX",
  "posY",
]);

/** The original's `latents_values` for each class (shape is 1, 2, 3 as there). */
export const DSPRITES_FACTOR_VALUES: readonly (readonly number[])[] = Object.freeze([
  Object.freeze([1, 2, 3]),
  Object.freeze(linspace(0.5, 1, 6)),
  Object.freeze(linspace(0, 2 * Math.PI, 40)),
  Object.freeze(linspace(0, 1, 32)),
  Object.freeze(linspace(0, 1, 32)),
]);

/** Names of the shape classes. */
export const DSPRITES_SHAPE_NAMES: readonly string[] = Object.freeze([
  "square",
  "ellipse",
  "heart",
]);

/** Side of a sprite's box at scale 1, as a fraction of the image side. */
export const SPRITE_SIDE = 0.3125;
/** Sprite centres move over [¼, ¾] of the image side as a position goes 0 → 1. */
export const POSITION_MARGIN = 0.25;
