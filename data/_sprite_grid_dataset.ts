// Private: a GroundTruthDataset over a full factor grid whose observations are
// rendered on demand by _render_sprite.ts. Used by dSprites and Shapes.
import type { GroundTruthDataset } from "./dataset.ts";
import type { Observations, Rng } from "./ground_truth_data.ts";
import {
  checkFactorList,
  checkIndices,
  factorsOfIndex,
  gridSize,
  indexOfFactorVector,
  sampleGridFactors,
} from "./_factor_grid.ts";
import { renderSprite } from "./_render_sprite.ts";

/** Where and how to draw the sprite of one factor vector. */
export interface SpritePose {
  shape: number;
  /** Side of the sprite's box in pixels. */
  side: number;
  angle: number;
  /** Centre in pixel units. */
  cx: number;
  cy: number;
}

/** What a sprite grid data set needs besides the shared machinery. */
export interface SpriteGridSpec {
  name: string;
  imageSize: number;
  factorNames: readonly string[];
  factorSizes: readonly number[];
  factorValues: readonly (readonly number[])[];
  /** Writes the pose of `factors` into `pose`. */
  pose(factors: ArrayLike<number>, pose: SpritePose): void;
}

/** A procedural ground-truth data set with synchronous rendering. */
export interface SpriteGridDataset extends GroundTruthDataset {
  observations(indices: ArrayLike<number>): Observations;
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng?: Rng): Observations;
}

export function spriteGridDataset(spec: SpriteGridSpec): SpriteGridDataset {
  const { name, imageSize, factorNames, factorSizes, factorValues } = spec;
  const size = gridSize(factorSizes);
  const pixels = imageSize * imageSize;
  const observationShape = Object.freeze([imageSize, imageSize, 1]);
  const pose: SpritePose = { shape: 0, side: 0, angle: 0, cx: 0, cy: 0 };
  const render = (list: ArrayLike<number>[]): Observations => {
    const data = new Float32Array(list.length * pixels);
    for (let i = 0; i < list.length; i++) {
      spec.pose(list[i], pose);
      renderSprite(
        data,
        i * pixels,
        imageSize,
        pose.shape,
        pose.side,
        pose.angle,
        pose.cx,
        pose.cy,
      );
    }
    return { data, shape: [list.length, imageSize, imageSize, 1] };
  };
  const factors = (indices: ArrayLike<number>): number[][] => {
    checkIndices(indices, size, `get ${name} factors`);
    return Array.from(indices, (i) => factorsOfIndex(factorSizes, i));
  };
  return {
    name,
    size,
    observationShape,
    factorNames,
    factorSizes,
    factorValues,
    factors,
    observations(indices: ArrayLike<number>): Observations {
      checkIndices(indices, size, `render ${name} observations`);
      return render(Array.from(indices, (i) => factorsOfIndex(factorSizes, i)));
    },
    indexOfFactors(list: ReadonlyArray<ArrayLike<number>>): number[] {
      const action = `find the ${name} index of factors`;
      checkFactorList(list, action);
      return list.map((f, row) => indexOfFactorVector(factorSizes, factorNames, f, row, action));
    },
    sampleFactors(n: number, rng: Rng): number[][] {
      return sampleGridFactors(factorSizes, n, rng, `sample ${name} factors`);
    },
    observationsFromFactors(list: ReadonlyArray<ArrayLike<number>>): Observations {
      const action = `render ${name} observations from factors`;
      checkFactorList(list, action);
      list.forEach((f, row) => indexOfFactorVector(factorSizes, factorNames, f, row, action));
      return render(list as ArrayLike<number>[]);
    },
  };
}
