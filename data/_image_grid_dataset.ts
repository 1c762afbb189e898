// Private: a GroundTruthDataset over a full row-major factor grid of stored
// uint8 images (Shapes3D, MPI3D): index i is grid cell i (last factor
// fastest), its image read on demand by the loader and scaled to [0, 1].
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

/** What a stored image grid needs besides the shared machinery. */
export interface ImageGridSpec {
  name: string;
  factorNames: readonly string[];
  factorSizes: readonly number[];
  factorValues: readonly (readonly number[])[];
  /** `[height, width, channels]` of one stored image. */
  imageShape: readonly [number, number, number];
  /** Copies the stored bytes of image `index` into `into` (one image long). */
  readImage(index: number, into: Uint8Array): void;
  /** Releases the file. */
  close(): void;
  notes: readonly string[];
}

/** A data set of stored images on a factor grid, read lazily from its file. */
export interface ImageGridDataset extends GroundTruthDataset {
  /** What was noticed while loading (a subset of the published grid, the layout), for logs. */
  readonly notes: readonly string[];
  /** The images at `indices`, values in [0, 1]. */
  observations(indices: ArrayLike<number>): Observations;
  /** The images of these factor vectors. */
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng?: Rng): Observations;
  /** Closes the file the images are read from (the data set is unusable afterwards). */
  close(): void;
}

const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export function imageGridDataset(spec: ImageGridSpec): ImageGridDataset {
  const { name, factorNames, factorSizes, factorValues, imageShape } = spec;
  const size = gridSize(factorSizes);
  const pixels = imageShape[0] * imageShape[1] * imageShape[2];
  const scratch = new Uint8Array(pixels);
  const read = (list: ArrayLike<number>): Observations => {
    const data = new Float32Array(list.length * pixels);
    for (let j = 0; j < list.length; j++) {
      spec.readImage(list[j], scratch);
      const out = j * pixels;
      for (let p = 0; p < pixels; p++) data[out + p] = SCALE[scratch[p]];
    }
    return { data, shape: [list.length, ...imageShape] };
  };
  const indexOf = (list: ReadonlyArray<ArrayLike<number>>, action: string): number[] => {
    checkFactorList(list, action);
    return list.map((f, row) => indexOfFactorVector(factorSizes, factorNames, f, row, action));
  };
  return {
    name,
    size,
    observationShape: Object.freeze([...imageShape]),
    factorNames,
    factorSizes,
    factorValues,
    notes: spec.notes,
    factors(indices: ArrayLike<number>): number[][] {
      checkIndices(indices, size, `get ${name} factors`);
      return Array.from(indices, (i) => factorsOfIndex(factorSizes, i));
    },
    indexOfFactors(list: ReadonlyArray<ArrayLike<number>>): number[] {
      return indexOf(list, `find the ${name} index of factors`);
    },
    sampleFactors(n: number, rng: Rng): number[][] {
      return sampleGridFactors(factorSizes, n, rng, `sample ${name} factors`);
    },
    observations(indices: ArrayLike<number>): Observations {
      checkIndices(indices, size, `read ${name} observations`);
      return read(indices);
    },
    observationsFromFactors(list: ReadonlyArray<ArrayLike<number>>): Observations {
      return read(indexOf(list, `read ${name} observations from factors`));
    },
    close(): void {
      spec.close();
    },
  };
}
