import { malformed } from "./_npy_format.ts";
import { gridSize } from "./_factor_grid.ts";
import { type H5Dataset, hdf5Message, openHdf5 } from "./_hdf5.ts";
import { type ImageGridDataset, imageGridDataset } from "./_image_grid_dataset.ts";

/** Shapes3D read lazily from its HDF5 file: {@link ImageGridDataset} with 6 factors. */
export type Shapes3dDataset = ImageGridDataset;

/** Options of {@link loadShapes3d}. */
export interface LoadShapes3dOptions {
  /**
   * The factor sizes the file must have (checked against those its labels
   * give); the grid itself is always read from the labels.
   * @default {undefined} (whatever grid the labels form)
   */
  factorSizes?: readonly number[];
}

/** The factors of Shapes3D in the order of its grid and of its `labels` columns. */
const SHAPES3D_FACTOR_NAMES: readonly string[] = Object.freeze([
  "floor_hue",
  "wall_hue",
  "object_hue",
  "scale",
  "shape",
  "orientation",
]);

const FULL_SIZES: readonly number[] = Object.freeze([10, 10, 10, 8, 4, 15]);
const IMAGE = 64 * 64 * 3;

/**
 * Loads Shapes3D (DeepMind's `3dshapes.h5`) as a {@link GroundTruthDataset}
 * without reading its 5.9 GB of images: `images` uint8 `[N, 64, 64, 3]` is
 * read image by image through h5wasm (contiguous or chunked, compressed or
 * not), and only `labels` float64 `[N, 6]` (floor hue, wall hue, object hue,
 * scale, shape, orientation) is read whole. The labels must form a
 * row-major grid (the last factor fastest): the number of distinct values of
 * each column is that factor's size (10, 10, 10, 8, 4, 15 in the published
 * file) and `factorValues` are the label values in grid order. A file with
 * part of the grid works when its rows still form a grid. Observations are
 * `[n, 64, 64, 3]` in [0, 1].
 *
 * @param path Path of the `.h5` file.
 * @param options Factor sizes to insist on.
 * @returns The data set; `close()` it when done.
 * @throws {Error} `Cannot read <path>: ...` if the file is absent, not HDF5,
 *   truncated, lacks `images` or `labels`, has arrays of another shape or
 *   type, or labels that are not a row-major factor grid.
 *
 * @example A file of two images on a 2-value orientation grid, written here with h5wasm
 * ```ts
 * import assert from "node:assert/strict";
 * import h5wasm from "h5wasm/node";
 * import { loadShapes3d } from "@disentangle/vae/data";
 * await h5wasm.ready;
 * const path = await Deno.makeTempFile({ suffix: ".h5" });
 * const file = new h5wasm.File(path, "w");
 * const images = new Uint8Array(2 * 64 * 64 * 3).fill(255, 64 * 64 * 3); // image 1 white
 * file.create_dataset({ name: "images", data: images, shape: [2, 64, 64, 3], dtype: "<B" });
 * const labels = new Float64Array([0, 0, 0, 1, 0, -30, 0, 0, 0, 1, 0, 30]);
 * file.create_dataset({ name: "labels", data: labels, shape: [2, 6], dtype: "<d" });
 * file.close();
 * const shapes3d = await loadShapes3d(path);
 * assert.deepEqual(shapes3d.factorSizes, [1, 1, 1, 1, 1, 2]);
 * assert.deepEqual(shapes3d.factorValues[5], [-30, 30]);
 * assert.equal(shapes3d.observationsFromFactors([[0, 0, 0, 0, 0, 1]]).data[0], 1);
 * shapes3d.close();
 * await Deno.remove(path);
 * ```
 */
export async function loadShapes3d(
  path: string,
  options: LoadShapes3dOptions = {},
): Promise<Shapes3dDataset> {
  const { factorSizes } = options;
  const file = await openHdf5(path, "Shapes3D");
  try {
    const images = dataset(file.get("images"), "images", path, file.keys());
    const labels = dataset(file.get("labels"), "labels", path, file.keys());
    const im = images.metadata;
    const shape = images.shape ?? [];
    if (im.type !== 0 || im.size !== 1 || im.signed) {
      throw malformed(path, `images must be uint8, got ${describe(im)}`);
    }
    if (shape.length !== 4 || shape[1] !== 64 || shape[2] !== 64 || shape[3] !== 3) {
      throw malformed(path, `images must be [N, 64, 64, 3], got [${shape}]`);
    }
    const n = shape[0];
    const lm = labels.metadata;
    const lshape = labels.shape ?? [];
    if (lm.type !== 1 || lshape.length !== 2 || lshape[1] !== 6) {
      throw malformed(path, `labels must be float [N, 6], got ${describe(lm)} [${lshape}]`);
    }
    if (lshape[0] !== n) {
      throw malformed(path, `labels has ${lshape[0]} rows but images has ${n}`);
    }
    let values: ArrayLike<number>;
    try {
      values = labels.value as ArrayLike<number>;
    } catch (e) {
      throw malformed(path, `cannot read labels: ${hdf5Message(e)}`);
    }
    const grid = labelGrid(path, values, n);
    if (factorSizes !== undefined && factorSizes.length > 0) {
      if (factorSizes.length !== 6 || factorSizes.some((s, k) => s !== grid.sizes[k])) {
        throw new RangeError(
          `Cannot read ${path}: its labels form a grid of factor sizes ${
            grid.sizes.join(", ")
          }, not the ${factorSizes.join(", ")} asked for`,
        );
      }
    }
    const notes = grid.sizes.every((s, k) => s === FULL_SIZES[k]) ? [] : [
      `a subset of the Shapes3D grid: factor sizes ${grid.sizes.join(", ")} (published ${
        FULL_SIZES.join(", ")
      })`,
    ];
    const chunks = im.chunks;
    notes.push(
      chunks ? `images stored in chunks of [${chunks}]` : "images stored contiguously",
    );
    return imageGridDataset({
      name: "shapes3d",
      factorNames: SHAPES3D_FACTOR_NAMES,
      factorSizes: Object.freeze(grid.sizes),
      factorValues: Object.freeze(grid.values.map((v) => Object.freeze(v))),
      imageShape: [64, 64, 3],
      notes: Object.freeze(notes),
      readImage(index, into) {
        let bytes: Uint8Array;
        try {
          bytes = images.slice([[index, index + 1]]) as Uint8Array;
        } catch (e) {
          throw malformed(path, `cannot read image ${index}: ${hdf5Message(e)}`);
        }
        if (!(bytes instanceof Uint8Array) || bytes.length !== IMAGE) {
          throw malformed(path, `image ${index} did not read as ${IMAGE} bytes`);
        }
        into.set(bytes);
      },
      close: () => file.close(),
    });
  } catch (e) {
    file.close();
    throw e;
  }
}

function dataset(
  node: unknown,
  key: string,
  path: string,
  keys: string[],
): H5Dataset {
  const d = node as H5Dataset | null;
  if (!d || typeof (d as { slice?: unknown }).slice !== "function") {
    throw malformed(
      path,
      `not a Shapes3D file: it needs datasets "images" and "labels"; ${
        d ? `"${key}" is not a dataset` : `no "${key}"`
      } (it has ${keys.map((k) => JSON.stringify(k)).join(", ") || "nothing"})`,
    );
  }
  return d;
}

function describe(m: { type: number; size: number; signed: boolean }): string {
  const kind = m.type === 0 ? (m.signed ? "int" : "uint") : m.type === 1 ? "float" : "type";
  return `${kind}${8 * m.size}${m.type > 1 ? ` (HDF5 class ${m.type})` : ""}`;
}

/** The factor grid the labels form: sizes from the distinct values, checked row by row. */
function labelGrid(
  path: string,
  labels: ArrayLike<number>,
  n: number,
): { sizes: number[]; values: number[][] } {
  const K = 6;
  const sizes: number[] = [];
  for (let k = 0; k < K; k++) {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(labels[i * K + k]);
    sizes.push(seen.size);
  }
  if (gridSize(sizes) !== n) {
    throw malformed(
      path,
      `its ${n} labels do not form a factor grid: the distinct values per factor (${
        SHAPES3D_FACTOR_NAMES.map((f, k) => `${f} ${sizes[k]}`).join(", ")
      }) make ${gridSize(sizes)} combinations`,
    );
  }
  const strides = sizes.map((_, k) => gridSize(sizes.slice(k + 1)));
  const values = sizes.map((s, k) =>
    Array.from({ length: s }, (_, c) => labels[c * strides[k] * K + k])
  );
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const c = Math.floor(i / strides[k]) % sizes[k];
      const v = labels[i * K + k];
      if (v !== values[k][c]) {
        throw malformed(
          path,
          `its labels are not in row-major grid order: labels[${i}][${k}] (${
            SHAPES3D_FACTOR_NAMES[k]
          }) is ${v}, the grid has ${values[k][c]} there`,
        );
      }
    }
  }
  return { sizes, values };
}
