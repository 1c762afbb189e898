import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Observations, Rng } from "./ground_truth_data.ts";
import type { GroundTruthDataset } from "./dataset.ts";
import { malformed } from "./_npy_format.ts";
import { NORB_HEADER_MAX, parseNorbHeader } from "./_norb_format.ts";
import { readNorbMatrix } from "./read_norb_matrix.ts";
import { readPath } from "./_read_path.ts";
import { checkIndices } from "./_factor_grid.ts";
import { cellIndex } from "./_cell_index.ts";
import { makeResizer } from "./_resize.ts";

/** SmallNORB read from its six files. */
export interface SmallNorbDataset extends GroundTruthDataset {
  /** `["animal", "human", "airplane", "truck", "car"]`, indexed by the category factor. */
  readonly categoryNames: readonly string[];
  /** Rows of the training files come first, then the testing files': `[training, testing]` counts. */
  readonly splitSizes: readonly [number, number];
  /** What was noticed while loading (a missing split), for logs. */
  readonly notes: readonly string[];
  /** The instance (0..9, not a factor) of each index. */
  instances(indices: ArrayLike<number>): number[];
  /** The images at `indices`: `[n, 64, 64, 1]` in [0, 1]. */
  observations(indices: ArrayLike<number>): Observations;
  /**
   * One image per factor vector: the cell's images differ in instance, and
   * one of them is drawn with `rng` (as disentanglement_lib samples it).
   */
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng: Rng): Observations;
}

const SIZES = Object.freeze([5, 9, 18, 6]);
const NAMES = Object.freeze(["category", "elevation", "azimuth", "lighting"]);
const VALUES = Object.freeze([
  Object.freeze([0, 1, 2, 3, 4]),
  Object.freeze(Array.from({ length: 9 }, (_, i) => 30 + 5 * i)), // degrees
  Object.freeze(Array.from({ length: 18 }, (_, i) => 20 * i)), // degrees
  Object.freeze([0, 1, 2, 3, 4, 5]),
]);
const CATEGORIES = Object.freeze(["animal", "human", "airplane", "truck", "car"]);
const FILE = /^smallnorb-(.+)-(training|testing)-(dat|cat|info)\.mat$/;
const SIDE = 64;
const PIXELS = SIDE * SIDE;

/**
 * Loads SmallNORB (LeCun et al. 2004) from the folder holding its six files
 * `smallnorb-5x46789x9x18x6x2x96x96-training-{dat,cat,info}.mat` and
 * `smallnorb-5x01235x9x18x6x2x96x96-testing-{dat,cat,info}.mat` (NORB binary
 * matrices, decompressed; the part between `smallnorb-` and the split may be
 * anything), as the {@link GroundTruthDataset} of disentanglement_lib:
 * training rows first, then testing rows; of each stereo pair the first
 * (left) image, resized from 96×96 to 64×64 by area averaging and kept as
 * bytes (200 MB for the 48 600 images); factors category 5, elevation 9,
 * azimuth 18 (the files store 0, 2, …, 34; the factor is half of it),
 * lighting 6. The instance (0..9) is not a factor: each factor cell holds one
 * image per instance, `observationsFromFactors` draws one of them with its
 * rng, and `indexOfFactors` gives the first. `sampleFactors` draws uniformly
 * among the cells present (for the full set, each factor independently
 * uniform). The `dat` file is read in blocks, never whole.
 *
 * A folder with only one split's three files loads that split (noted in
 * `notes`); the files need not fill the grid (a subset works, absent cells are
 * never sampled).
 *
 * @param folder The folder of the `.mat` files.
 * @returns The data set.
 * @throws {Error} `Cannot read <file>: ...` for a missing file, a bad magic
 *   number, a truncated file, shapes that disagree, or a label outside the
 *   SmallNORB grid.
 *
 * @example The three files of a two-image training split, written here
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadSmallNorb } from "@disentangle/vae/data";
 * const folder = await Deno.makeTempDir();
 * const matrix = (magic: number, dims: number[], values: ArrayLike<number>, itemsize: number) => {
 *   const head = new Int32Array([magic, dims.length, ...dims, ...Array(Math.max(0, 3 - dims.length)).fill(1)]);
 *   const body = itemsize === 1 ? Uint8Array.from(values) : new Uint8Array(Int32Array.from(values).buffer);
 *   const out = new Uint8Array(head.byteLength + body.length);
 *   out.set(new Uint8Array(head.buffer));
 *   out.set(body, head.byteLength);
 *   return out;
 * };
 * const pixels = new Uint8Array(2 * 2 * 96 * 96).fill(255, 0, 96 * 96); // image 0 white
 * const base = join(folder, "smallnorb-5x46789x9x18x6x2x96x96-training-");
 * await Deno.writeFile(base + "dat.mat", matrix(0x1e3d4c55, [2, 2, 96, 96], pixels, 1));
 * await Deno.writeFile(base + "cat.mat", matrix(0x1e3d4c54, [2], [3, 0], 4));
 * await Deno.writeFile(base + "info.mat", matrix(0x1e3d4c54, [2, 4], [7, 8, 34, 5, 0, 0, 0, 0], 4));
 * const norb = await loadSmallNorb(folder);
 * assert.equal(norb.size, 2);
 * assert.deepEqual(norb.factors([0]), [[3, 8, 17, 5]]);
 * assert.deepEqual(norb.instances([0]), [7]);
 * assert.equal(norb.observations([0]).data[0], 1);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function loadSmallNorb(folder: string): Promise<SmallNorbDataset> {
  if (typeof folder !== "string" || folder === "") {
    throw new TypeError(
      `Cannot read SmallNORB: folder must be a non-empty string, got ${String(folder)}`,
    );
  }
  const files = await findFiles(folder);
  const notes: string[] = [];
  const parts: Part[] = [];
  for (const split of ["training", "testing"] as const) {
    const f = files[split];
    if (f) parts.push(await readPart(f.dat, f.cat, f.info));
    else notes.push(`no ${split} files in ${folder}: only the other split is loaded`);
  }
  const splitSizes = [parts[0]?.n ?? 0, parts[1]?.n ?? 0] as [number, number];
  if (!files.training) splitSizes.reverse();
  const size = parts.reduce((s, p) => s + p.n, 0);
  const images = new Uint8Array(size * PIXELS);
  const factors = new Int32Array(size * 4);
  const instance = new Int8Array(size);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * PIXELS);
    factors.set(p.factors, at * 4);
    instance.set(p.instance, at);
    at += p.n;
  }
  const cells = cellIndex(factors, size, SIZES, NAMES, `SmallNORB in ${folder}`);
  const read = (list: ArrayLike<number>): Observations => {
    const data = new Float32Array(list.length * PIXELS);
    for (let j = 0; j < list.length; j++) {
      const base = list[j] * PIXELS;
      for (let p = 0; p < PIXELS; p++) data[j * PIXELS + p] = images[base + p] / 255;
    }
    return { data, shape: [list.length, SIDE, SIDE, 1] };
  };
  return {
    name: "smallnorb",
    size,
    observationShape: Object.freeze([SIDE, SIDE, 1]),
    factorNames: NAMES,
    factorSizes: SIZES,
    factorValues: VALUES,
    categoryNames: CATEGORIES,
    splitSizes: Object.freeze(splitSizes),
    notes: Object.freeze(notes),
    factors(indices: ArrayLike<number>): number[][] {
      checkIndices(indices, size, "get SmallNORB factors");
      return Array.from(indices, (i) => Array.from(factors.subarray(i * 4, i * 4 + 4)));
    },
    instances(indices: ArrayLike<number>): number[] {
      checkIndices(indices, size, "get SmallNORB instances");
      return Array.from(indices, (i) => instance[i]);
    },
    indexOfFactors(list: ReadonlyArray<ArrayLike<number>>): number[] {
      return cells.indexOf(list, "find the SmallNORB index of factors");
    },
    sampleFactors(n: number, rng: Rng): number[][] {
      return cells.sample(n, rng, "sample SmallNORB factors");
    },
    observations(indices: ArrayLike<number>): Observations {
      checkIndices(indices, size, "read SmallNORB observations");
      return read(indices);
    },
    observationsFromFactors(list: ReadonlyArray<ArrayLike<number>>, rng: Rng): Observations {
      return read(cells.drawRows(list, rng, "read SmallNORB observations from factors"));
    },
  };
}

interface SplitFiles {
  dat: string;
  cat: string;
  info: string;
}

/** The three files of each split present in `folder`. */
async function findFiles(
  folder: string,
): Promise<{ training?: SplitFiles; testing?: SplitFiles }> {
  let names: string[];
  try {
    if (!(await stat(folder)).isDirectory()) {
      throw new Error(
        `Cannot read SmallNORB from ${folder}: not a folder (give the folder of the six .mat files)`,
      );
    }
    names = (await readdir(folder)).sort();
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") {
      throw new Error(`Cannot read SmallNORB from ${folder}: no such folder`);
    }
    throw e;
  }
  const found: Record<string, Record<string, string[]>> = { training: {}, testing: {} };
  for (const name of names) {
    const m = FILE.exec(name);
    if (m) (found[m[2]][m[3]] ??= []).push(join(folder, name));
  }
  const out: { training?: SplitFiles; testing?: SplitFiles } = {};
  for (const split of ["training", "testing"] as const) {
    const kinds = found[split];
    if (Object.keys(kinds).length === 0) continue;
    for (const kind of ["dat", "cat", "info"]) {
      const list = kinds[kind] ?? [];
      if (list.length === 0) {
        throw new Error(
          `Cannot read SmallNORB from ${folder}: smallnorb-*-${split}-${kind}.mat is missing (the ${split} split needs dat, cat and info)`,
        );
      }
      if (list.length > 1) {
        throw new Error(
          `Cannot read SmallNORB from ${folder}: ${list.length} files match smallnorb-*-${split}-${kind}.mat (${
            list.join(", ")
          }); keep one`,
        );
      }
    }
    out[split] = { dat: kinds.dat[0], cat: kinds.cat[0], info: kinds.info[0] };
  }
  if (!out.training && !out.testing) {
    const gz = names.filter((n) => /^smallnorb-.*\.mat\.gz$/.test(n));
    throw new Error(
      `Cannot read SmallNORB from ${folder}: ${
        gz.length > 0
          ? `the files are still gzip-compressed (${gz[0]}, ...): decompress them (gunzip) first`
          : "no smallnorb-*-{training,testing}-{dat,cat,info}.mat files there"
      }`,
    );
  }
  return out;
}

/** One split read: its left images at 64×64, factors and instances. */
interface Part {
  n: number;
  images: Uint8Array;
  factors: Int32Array;
  instance: Int8Array;
}

async function readPart(datPath: string, catPath: string, infoPath: string): Promise<Part> {
  const cat = readNorbMatrix(await readPath(catPath, "SmallNORB cat"), { name: catPath });
  const info = readNorbMatrix(await readPath(infoPath, "SmallNORB info"), { name: infoPath });
  if (cat.dtype !== "i32" || cat.shape.length !== 1) {
    throw malformed(catPath, `cat must be int32 [N], got ${cat.dtype} [${cat.shape}]`);
  }
  const n = cat.shape[0];
  if (info.dtype !== "i32" || info.shape.length !== 2 || info.shape[1] !== 4) {
    throw malformed(infoPath, `info must be int32 [N, 4], got ${info.dtype} [${info.shape}]`);
  }
  if (info.shape[0] !== n) {
    throw malformed(infoPath, `info has ${info.shape[0]} rows but ${catPath} has ${n}`);
  }
  const factors = new Int32Array(n * 4);
  const instance = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const c = cat.data[i];
    if (!(c >= 0 && c < 5)) throw malformed(catPath, `row ${i}: category ${c} is outside 0..4`);
    const [inst, elev, az, light] = info.data.subarray(i * 4, i * 4 + 4);
    const bad = !(inst >= 0 && inst < 10)
      ? `instance ${inst} is outside 0..9`
      : !(elev >= 0 && elev < 9)
      ? `elevation ${elev} is outside 0..8`
      : !(az >= 0 && az <= 34 && az % 2 === 0)
      ? `azimuth ${az} is not one of 0, 2, …, 34`
      : !(light >= 0 && light < 6)
      ? `lighting ${light} is outside 0..5`
      : "";
    if (bad) throw malformed(infoPath, `row ${i}: ${bad}`);
    factors.set([c, elev, az / 2, light], i * 4);
    instance[i] = inst;
  }
  return { n, factors, instance, images: await readLeftImages(datPath, n) };
}

/** Reads the first image of each of the `n` stereo pairs of a dat file, resized to 64×64. */
async function readLeftImages(path: string, n: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(
      `Cannot read ${path}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  try {
    const fileSize = (await handle.stat()).size;
    const head = new Uint8Array(Math.min(NORB_HEADER_MAX, fileSize));
    await handle.read(head, 0, head.length, 0);
    const header = parseNorbHeader(head, path);
    const { shape, dtype, dataOffset, count } = header;
    if (dtype !== "u8" || shape.length !== 4 || shape[1] < 1) {
      throw malformed(
        path,
        `dat must be uint8 [N, 2, H, W] (stereo pairs), got ${dtype} [${shape}]`,
      );
    }
    if (shape[0] !== n) {
      throw malformed(
        path,
        `dat has ${shape[0]} image pairs but the cat and info files have ${n} rows`,
      );
    }
    const need = dataOffset + count;
    if (fileSize < need) {
      throw malformed(
        path,
        `truncated: the header says [${shape}] (${need} bytes), the file has ${fileSize}`,
      );
    }
    if (fileSize > need) {
      throw malformed(
        path,
        `${fileSize - need} bytes after the data of [${shape}]: not a NORB matrix?`,
      );
    }
    const [, views, h, w] = shape;
    const pair = views * h * w;
    const resize = makeResizer(h, w, 1, SIDE, SIDE);
    const out = new Uint8Array(n * PIXELS);
    const rowsPerBlock = Math.max(1, Math.floor((8 << 20) / pair));
    const block = new Uint8Array(Math.min(n, rowsPerBlock) * pair);
    for (let first = 0; first < n; first += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, n - first);
      const length = rows * pair;
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(
          block,
          got,
          length - got,
          dataOffset + first * pair + got,
        );
        if (bytesRead === 0) throw malformed(path, `truncated at image pair ${first}`);
        got += bytesRead;
      }
      for (let r = 0; r < rows; r++) {
        resize(
          {
            data: block,
            offset: r * pair,
            height: h,
            width: w,
            channels: 1,
            rowStride: w,
            colStride: 1,
            channelStride: 1,
          },
          out,
          (first + r) * PIXELS,
        );
      }
    }
    return out;
  } finally {
    await handle.close();
  }
}
