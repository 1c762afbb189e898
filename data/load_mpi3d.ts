import { dtypeOf, malformed, parseNpyHeader } from "./_npy_format.ts";
import { storedMemberStart, zipEntriesOf } from "./_zip.ts";
import { openFileReader } from "./_file_reader.ts";
import { gridSize } from "./_factor_grid.ts";
import { type ImageGridDataset, imageGridDataset } from "./_image_grid_dataset.ts";

/** MPI3D read lazily from its file: {@link ImageGridDataset} with 7 factors. */
export type Mpi3dDataset = ImageGridDataset;

/** Options of {@link loadMpi3d}. */
export interface LoadMpi3dOptions {
  /**
   * The factor grid of a file holding part of MPI3D (the file has no labels):
   * 7 sizes in the published order, each at most the published size, whose
   * product is the number of images, the images in row-major order of them.
   * @default {[6, 6, 2, 3, 3, 40, 40]} (the published grid of 1 036 800 images)
   */
  factorSizes?: readonly number[];
}

/** The factors of MPI3D in the order of its grid. */
const MPI3D_FACTOR_NAMES: readonly string[] = Object.freeze([
  "object_color",
  "object_shape",
  "object_size",
  "camera_height",
  "background_color",
  "horizontal_axis",
  "vertical_axis",
]);

const FULL_SIZES: readonly number[] = Object.freeze([6, 6, 2, 3, 3, 40, 40]);
const IMAGE = 64 * 64 * 3;

/**
 * Loads MPI3D (`mpi3d_toy.npz`, `mpi3d_realistic.npz`, `mpi3d_real.npz` of
 * the NeurIPS 2019 disentanglement challenge) as a {@link GroundTruthDataset}
 * without reading it whole: the archive's one array `images`, uint8
 * `[1 036 800, 64, 64, 3]` (12 GB), is a stored zip member, and each
 * minibatch reads its own images from the file. The factors are object
 * colour 6, object shape 6, object size 2, camera height 3, background
 * colour 3, horizontal axis 40, vertical axis 40, in row-major order (the
 * last fastest); their values are the class numbers. Observations are
 * `[n, 64, 64, 3]` in [0, 1].
 *
 * The file may also be the `images.npy` unzipped from the archive. An
 * archive whose member is compressed (`numpy.savez_compressed`) cannot be
 * read piece by piece: it is refused with a message saying to decompress it
 * first. A file with part of the grid needs `factorSizes`; the CRC-32 of
 * the member is not checked (that would read all of it).
 *
 * @param path Path of the `.npz` (or `.npy`) file.
 * @param options The factor grid of a subset.
 * @returns The data set; `close()` it when done.
 * @throws {Error} `Cannot read <path>: ...` if the file is absent, not an
 *   .npz or .npy, has no `images`, has images of another shape or dtype, is
 *   truncated, or holds a number of images that is not the factor grid's.
 *
 * @example A two-image subset written here
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMpi3d, writeNpz } from "@disentangle/vae/data";
 * const images = new Uint8Array(2 * 64 * 64 * 3);
 * images[64 * 64 * 3] = 255; // image 1 starts with a red pixel
 * const path = await Deno.makeTempFile({ suffix: ".npz" });
 * await Deno.writeFile(path, await writeNpz({ images: { shape: [2, 64, 64, 3], data: images } }));
 * const mpi3d = loadMpi3d(path, { factorSizes: [1, 1, 1, 1, 1, 1, 2] });
 * assert.equal(mpi3d.size, 2);
 * assert.deepEqual(mpi3d.factors([1]), [[0, 0, 0, 0, 0, 0, 1]]);
 * assert.equal(mpi3d.observationsFromFactors([[0, 0, 0, 0, 0, 0, 1]]).data[0], 1);
 * mpi3d.close();
 * await Deno.remove(path);
 * ```
 */
export function loadMpi3d(path: string, options: LoadMpi3dOptions = {}): Mpi3dDataset {
  const { factorSizes } = options;
  const file = openFileReader(path, "MPI3D");
  try {
    const { dataStart, count } = locateImages(path, file);
    const sizes = checkSizes(path, count, factorSizes);
    const notes = sizes.every((s, k) => s === FULL_SIZES[k]) ? [] : [
      `a subset of the MPI3D grid: factor sizes ${sizes.join(", ")} (published ${
        FULL_SIZES.join(", ")
      }); factor classes count from 0 within it`,
    ];
    return imageGridDataset({
      name: "mpi3d",
      factorNames: MPI3D_FACTOR_NAMES,
      factorSizes: Object.freeze(sizes),
      factorValues: Object.freeze(
        sizes.map((s) => Object.freeze(Array.from({ length: s }, (_, c) => c))),
      ),
      imageShape: [64, 64, 3],
      notes: Object.freeze(notes),
      readImage(index, into) {
        if (file.readInto(dataStart + index * IMAGE, into) !== IMAGE) {
          throw malformed(path, `truncated while reading image ${index}`);
        }
      },
      close: () => file.close(),
    });
  } catch (e) {
    file.close();
    throw e;
  }
}

/** Finds the images array (in the zip member or the bare .npy) and checks its header. */
function locateImages(
  path: string,
  file: ReturnType<typeof openFileReader>,
): { dataStart: number; count: number } {
  const head = file.read(0, 6);
  let start = 0;
  let length = file.size;
  let what = path;
  if (file.size === 0) throw malformed(path, "the file is empty");
  if (head[0] === 0x50 && head[1] === 0x4b) {
    const read = (at: number, n: number) => file.read(at, n);
    const entries = zipEntriesOf(read, file.size, path);
    const entry = entries.find((e) => e.name === "images.npy");
    if (!entry) {
      throw malformed(
        path,
        `not an MPI3D archive: it needs an array "images", it has ${
          entries.map((e) => JSON.stringify(e.name.replace(/\.npy$/, ""))).join(", ") || "none"
        }`,
      );
    }
    start = storedMemberStart(read, file.size, entry, path);
    length = entry.uncompressedSize;
    what = `${path} (member images.npy)`;
  } else if (!(head[0] === 0x93 && head[1] === 0x4e && head[2] === 0x55)) {
    throw malformed(path, "not an .npz (zip) or .npy file");
  }
  let want = Math.min(length, 4096);
  let header = parseNpyHeader(file.read(start, want), what);
  while (typeof header === "number") {
    if (header > length || want >= length) throw malformed(what, "truncated .npy header");
    want = Math.min(length, Math.max(header, 2 * want));
    header = parseNpyHeader(file.read(start, want), what);
  }
  const dtype = dtypeOf(header.descr);
  if (typeof dtype === "string" || dtype.kind !== "u" || dtype.itemsize !== 1) {
    throw malformed(what, `images must be uint8, got dtype ${JSON.stringify(header.descr)}`);
  }
  const s = header.shape;
  if (s.length !== 4 || s[1] !== 64 || s[2] !== 64 || s[3] !== 3) {
    throw malformed(what, `images must be [N, 64, 64, 3], got [${s}]`);
  }
  if (header.fortranOrder && s[0] > 1) {
    throw malformed(what, "Fortran-order images are not supported (MPI3D is C order)");
  }
  const count = s[0];
  const present = Math.floor(Math.max(0, length - header.dataOffset) / IMAGE);
  if (present < count || start + header.dataOffset + count * IMAGE > file.size) {
    const inFile = Math.floor(Math.max(0, file.size - start - header.dataOffset) / IMAGE);
    throw malformed(
      what,
      `truncated: the header gives ${count} images, ${Math.min(present, inFile)} are present`,
    );
  }
  return { dataStart: start + header.dataOffset, count };
}

/** The factor sizes of a file of `count` images: the published grid, or the given subset. */
function checkSizes(path: string, count: number, given: readonly number[] | undefined): number[] {
  if (given === undefined || given.length === 0) {
    if (count !== gridSize(FULL_SIZES)) {
      throw malformed(
        path,
        `it holds ${count} images, not the ${gridSize(FULL_SIZES)} of the MPI3D grid (${
          FULL_SIZES.join(", ")
        }); for a part of the grid give its factor sizes (factorSizes, --factor-sizes), ` +
          `7 numbers whose product is ${count}`,
      );
    }
    return [...FULL_SIZES];
  }
  if (!Array.isArray(given) || given.length !== 7 || !given.every((v) => Number.isInteger(v))) {
    throw new TypeError(
      `Cannot read ${path}: factor sizes must be 7 integers (${
        MPI3D_FACTOR_NAMES.join(", ")
      }), got ${JSON.stringify(given)}`,
    );
  }
  given.forEach((v, k) => {
    if (v < 1 || v > FULL_SIZES[k]) {
      throw new RangeError(
        `Cannot read ${path}: factor size ${MPI3D_FACTOR_NAMES[k]} = ${v} is outside 1..${
          FULL_SIZES[k]
        }`,
      );
    }
  });
  if (gridSize(given) !== count) {
    throw new RangeError(
      `Cannot read ${path}: it holds ${count} images, but factor sizes ${
        given.join(", ")
      } make a grid of ${gridSize(given)}`,
    );
  }
  return [...given];
}
