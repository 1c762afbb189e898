import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Observations, Rng } from "./ground_truth_data.ts";
import type { GroundTruthDataset } from "./dataset.ts";
import { malformed } from "./_npy_format.ts";
import { readMat } from "./read_mat.ts";
import { readPath } from "./_read_path.ts";
import { imageGridDataset } from "./_image_grid_dataset.ts";
import { makeResizer } from "./_resize.ts";

/** Cars3D read from its `.mat` files. */
export interface Cars3dDataset extends GroundTruthDataset {
  /** The file of each car (its name without `.mat`), indexed by the car factor. */
  readonly carNames: readonly string[];
  /** What was noticed while loading (a subset of the 183 cars), for logs. */
  readonly notes: readonly string[];
  /** The images at `indices`: `[n, 64, 64, 3]` in [0, 1]. */
  observations(indices: ArrayLike<number>): Observations;
  /** The image of each factor vector (one per cell: the rng is not used). */
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng?: Rng): Observations;
}

/** Options of {@link loadCars3d}. */
export interface LoadCars3dOptions {
  /**
   * The grid the files must make, `[elevations, azimuths, cars]` (e.g.
   * `[4, 24, 183]` for the full set); the files are checked against it.
   * When undefined, it is read from the files: elevations and azimuths from
   * the shape of `im`, cars from the number of files.
   * @default {undefined}
   */
  factorSizes?: readonly number[];
}

const SIDE = 64;
const PIXELS = SIDE * SIDE * 3;
const NAMES = Object.freeze(["elevation", "azimuth", "car"]);
const FULL = [4, 24, 183];

/**
 * Loads Cars3D (Reed et al. 2015, "Deep visual analogy-making") from its
 * folder of `.mat` files (`cars/car_001_mesh.mat`, …: MATLAB v5 files,
 * compressed or not, each holding one car's `im`, uint8
 * `[128, 128, 3, 24, 4]` = height, width, RGB, azimuth, elevation), as the
 * {@link GroundTruthDataset} of disentanglement_lib: factors elevation 4,
 * azimuth 24, car 183, row-major (car fastest), each image resized to
 * 64×64×3 by 2×2 area averaging and kept as bytes (216 MB for the 17 568
 * images).
 *
 * `path` is the folder holding `cars/` or the `cars/` folder itself. The car
 * factor numbers the `.mat` files present in sorted name order, so a folder
 * with part of the 183 files loads those cars (said in `notes`), and the
 * numbers of elevations and azimuths are read from `im`'s shape (every file
 * must agree); `factorSizes` makes the loader check the grid instead.
 *
 * @param path The folder holding `cars/`, or `cars/` itself.
 * @param options The grid to expect.
 * @returns The data set.
 * @throws {Error} `Cannot read <file>: ...` for a folder without `.mat`
 *   files, a file that is not MAT v5, has no `im`, or whose `im` is not
 *   uint8 `[H, W, 3, azimuths, elevations]` like the others, and for a grid
 *   that is not `factorSizes`.
 *
 * @example One car of 2 azimuths × 1 elevation, written as a MAT v5 file here
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadCars3d } from "@disentangle/vae/data";
 * const folder = await Deno.makeTempDir();
 * await Deno.mkdir(join(folder, "cars"));
 * const header = new Uint8Array(128).fill(32);
 * header.set(new TextEncoder().encode("MATLAB 5.0 MAT-file"));
 * header.set([0, 1, 0x49, 0x4d], 124);
 * const n = 2 * 2 * 3 * 2; // im: 2 × 2 pixels, RGB, 2 azimuths (elevation dropped: 1)
 * const tags = new Uint32Array([14, 56 + n, 6, 8, 9, 0, 5, 16, 2, 2, 3, 2, (2 << 16) | 1, 0x6d69, 2, n]);
 * const file = new Uint8Array(128 + tags.byteLength + n);
 * file.set(header);
 * file.set(new Uint8Array(tags.buffer), 128);
 * file.fill(255, 128 + tags.byteLength + 12, 128 + tags.byteLength + 24); // azimuth 1 white
 * await Deno.writeFile(join(folder, "cars", "car_001_mesh.mat"), file);
 * const cars = await loadCars3d(folder);
 * assert.deepEqual(cars.factorSizes, [1, 2, 1]);
 * const [white] = cars.indexOfFactors([[0, 1, 0]]);
 * assert.equal(cars.observations([white]).data[0], 1);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function loadCars3d(
  path: string,
  options: LoadCars3dOptions = {},
): Promise<Cars3dDataset> {
  const { factorSizes: expected } = options;
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`Cannot read Cars3D: path must be a non-empty string, got ${String(path)}`);
  }
  if (
    expected !== undefined &&
    (!Array.isArray(expected) || expected.length !== 3 ||
      !expected.every((s) => Number.isInteger(s) && s > 0))
  ) {
    throw new TypeError(
      `Cannot read Cars3D: factorSizes must be 3 positive integers [elevations, azimuths, cars], got ${
        JSON.stringify(expected)
      }`,
    );
  }
  const folder = await carsFolder(path);
  const files = (await readdir(folder)).filter((n) => /\.mat$/i.test(n)).sort();
  if (files.length === 0) {
    throw new Error(
      `Cannot read Cars3D from ${path}: no .mat files in ${folder} (expected cars/car_001_mesh.mat, …)`,
    );
  }
  let grid: { h: number; w: number; az: number; el: number } | undefined;
  let images = new Uint8Array(0);
  const cars = files.length;
  let resize: ReturnType<typeof makeResizer> | undefined;
  for (let car = 0; car < cars; car++) {
    const file = join(folder, files[car]);
    const { variables, skipped } = readMat(await readPath(file, "Cars3D"), {
      name: file,
      variables: ["im"],
    });
    const im = variables.im;
    if (!im) {
      const has = [...Object.keys(variables), ...skipped.map((s) => s.split(":")[0])];
      throw malformed(
        file,
        `no variable im (a Cars3D file holds im; this one has ${has.join(", ") || "nothing"})`,
      );
    }
    const dims = [...im.dims, 1, 1, 1].slice(0, 5);
    if (im.className !== "uint8" || im.dims.length > 5 || dims[2] !== 3) {
      throw malformed(
        file,
        `im must be uint8 [height, width, 3, azimuths, elevations], got ${im.className} [${im.dims}]`,
      );
    }
    const [h, w, , az, el] = dims;
    if (!grid) {
      grid = { h, w, az, el };
      if (expected && (expected[0] !== el || expected[1] !== az || expected[2] !== cars)) {
        throw new Error(
          `Cannot read Cars3D from ${path}: the files make the grid [${el}, ${az}, ${cars}] (elevations, azimuths, cars), not the [${expected}] expected`,
        );
      }
      images = new Uint8Array(el * az * cars * PIXELS);
      resize = makeResizer(h, w, 3, SIDE, SIDE);
    } else if (h !== grid.h || w !== grid.w || az !== grid.az || el !== grid.el) {
      throw malformed(
        file,
        `im is [${im.dims}], but ${
          files[0]
        } has [${grid.h},${grid.w},3,${grid.az},${grid.el}]; every car must have the same images`,
      );
    }
    // Column-major: (r, c, k, a, e) is at r + h·(c + w·(k + 3·(a + az·e))).
    for (let e = 0; e < el; e++) {
      for (let a = 0; a < az; a++) {
        (resize as ReturnType<typeof makeResizer>)(
          {
            data: im.data as Uint8Array,
            offset: (a + az * e) * h * w * 3,
            height: h,
            width: w,
            channels: 3,
            rowStride: 1,
            colStride: h,
            channelStride: h * w,
          },
          images,
          ((e * az + a) * cars + car) * PIXELS,
        );
      }
    }
  }
  const { az, el } = grid as { az: number; el: number };
  const sizes = Object.freeze([el, az, cars]);
  const notes: string[] = [];
  if (cars !== FULL[2] || az !== FULL[1] || el !== FULL[0]) {
    notes.push(
      `a part of Cars3D: ${cars} of ${FULL[2]} cars, ${az} of ${FULL[1]} azimuths, ${el} of ${
        FULL[0]
      } elevations (the grid is read from the files)`,
    );
  }
  // A full row-major grid of images held in memory: the shared grid machinery
  // with a reader that copies from `images`.
  const dataset = imageGridDataset({
    name: "Cars3D",
    factorNames: NAMES,
    factorSizes: sizes,
    factorValues: Object.freeze(
      sizes.map((s) => Object.freeze(Array.from({ length: s }, (_, i) => i))),
    ),
    imageShape: [SIDE, SIDE, 3],
    readImage: (index, into) => into.set(images.subarray(index * PIXELS, (index + 1) * PIXELS)),
    close: () => {},
    notes: Object.freeze(notes),
  });
  return {
    ...dataset,
    name: "cars3d",
    carNames: Object.freeze(files.map((f) => f.replace(/\.mat$/i, ""))),
  };
}

/** `path/cars` when it is a folder, else `path` (which must be a folder). */
async function carsFolder(path: string): Promise<string> {
  const isDir = async (p: string) => {
    try {
      return (await stat(p)).isDirectory();
    } catch {
      return false;
    }
  };
  if (await isDir(join(path, "cars"))) return join(path, "cars");
  if (await isDir(path)) return path;
  throw new Error(
    `Cannot read Cars3D from ${path}: not a folder (give the folder holding cars/, or cars/ itself)`,
  );
}
