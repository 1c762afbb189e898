import type { Observations, Rng } from "./ground_truth_data.ts";
import type { GroundTruthDataset } from "./dataset.ts";
import { dtypeOf, malformed, parseNpyHeader } from "./_npy_format.ts";
import { entryChunks, zipEntries } from "./_zip.ts";
import { readNpz } from "./read_npz.ts";
import { readPath } from "./_read_path.ts";
import {
  checkFactorList,
  checkIndices,
  checkSampleArgs,
  drawInt,
  gridSize,
  indexOfFactorVector,
} from "./_factor_grid.ts";
import {
  DSPRITES_FACTOR_NAMES,
  DSPRITES_FACTOR_SIZES,
  DSPRITES_FACTOR_VALUES,
  DSPRITES_SHAPE_NAMES,
} from "./_dsprites_factors.ts";

/** dSprites read from the original archive. */
export interface DspritesNpzDataset extends GroundTruthDataset {
  /** `["square", "ellipse", "heart"]`, indexed by the shape factor. */
  readonly shapeNames: readonly string[];
  /** What was noticed while loading (skipped members, duplicates), for logs. */
  readonly notes: readonly string[];
  /** The images at `indices`: `[n, 64, 64, 1]`, values 0 or 1. */
  observations(indices: ArrayLike<number>): Observations;
  /** The images of these factor vectors (each must be present in the archive). */
  observationsFromFactors(factors: ReadonlyArray<ArrayLike<number>>, rng?: Rng): Observations;
}

/** Options of {@link loadDspritesNpz}. */
export interface LoadDspritesNpzOptions {
  /**
   * Check the CRC-32 of the members read (a few seconds for the full archive).
   * @default {true}
   */
  verifyCrc?: boolean;
}

const PIXELS = 64 * 64;

/**
 * Loads dSprites from the original `dsprites_ndarray_co1sr2de3_64x64.npz`
 * (or any archive with its layout: `imgs` uint8 `[N, 64, 64]` of 0/1,
 * `latents_classes` int `[N, 6]`), as a {@link GroundTruthDataset}: index i
 * is row i of the archive and its factors are that row's `latents_classes`
 * without the constant colour column (shape, scale, orientation, posX, posY,
 * with the original's sizes 3, 6, 40, 32, 32 and values).
 *
 * The images are inflated straight from the archive into a bit-packed
 * buffer (one bit per pixel: 377 MB for the 737 280 images instead of 3 GB),
 * and unpacked per minibatch. The pickled `metadata` member is skipped (noted
 * in `notes`). An archive holding only part of the grid (such as a test
 * fixture) works too: `indexOfFactors` throws for absent combinations and
 * `sampleFactors` draws uniformly among the rows present (for the full grid
 * that is each factor independently uniform).
 *
 * @param path Path of the `.npz` file.
 * @param options CRC check.
 * @returns The data set.
 * @throws {Error} `Cannot read <path>: ...` if the file is absent, malformed,
 *   or lacks the dSprites arrays.
 * @throws {RangeError} If an image holds a value other than 0 and 1, or a
 *   latent class is outside the dSprites grid.
 *
 * @example An archive with two images written here
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDspritesNpz, writeNpz } from "@disentangle/vae/data";
 * const imgs = new Uint8Array(2 * 64 * 64);
 * imgs[5] = 1; // image 0 has one lit pixel
 * const path = await Deno.makeTempFile({ suffix: ".npz" });
 * await Deno.writeFile(path, await writeNpz({
 *   imgs: { shape: [2, 64, 64], data: imgs },
 *   latents_classes: { shape: [2, 6], data: new BigInt64Array([0, 2, 5, 0, 3, 4, 0, 0, 0, 0, 0, 1].map(BigInt)) },
 * }, { compress: true }));
 * const dsprites = await loadDspritesNpz(path);
 * assert.equal(dsprites.size, 2);
 * assert.deepEqual(dsprites.factors([0]), [[2, 5, 0, 3, 4]]);
 * assert.deepEqual(dsprites.indexOfFactors([[0, 0, 0, 0, 1]]), [1]);
 * assert.equal(dsprites.observations([0]).data[5], 1);
 * await Deno.remove(path);
 * ```
 */
export async function loadDspritesNpz(
  path: string,
  options: LoadDspritesNpzOptions = {},
): Promise<DspritesNpzDataset> {
  const { verifyCrc = true } = options;
  const bytes = await readPath(path, "dSprites npz");
  const entries = zipEntries(bytes, path);
  const imgsEntry = entries.find((e) => e.name === "imgs.npy");
  if (!entries.some((e) => e.name === "latents_classes.npy") || !imgsEntry) {
    throw malformed(
      path,
      `not a dSprites archive: it needs imgs and latents_classes, it has ${
        entries.map((e) => e.name.replace(/\.npy$/, "")).join(", ")
      }`,
    );
  }
  const notes: string[] = [];
  const hasValues = entries.some((e) => e.name === "latents_values.npy");
  const { arrays } = await readNpz(bytes, {
    name: path,
    keys: hasValues ? ["latents_classes", "latents_values"] : ["latents_classes"],
    verifyCrc,
  });
  const classes = arrays.latents_classes;
  if (classes.shape.length !== 2 || classes.shape[1] !== 6) {
    throw malformed(path, `latents_classes must be [N, 6], got [${classes.shape}]`);
  }
  const n = classes.shape[0];
  for (const e of entries) {
    if (!["imgs.npy", "latents_classes.npy", "latents_values.npy"].includes(e.name)) {
      notes.push(
        `${e.name.replace(/\.npy$/, "")}: not used${
          e.name === "metadata.npy" ? " (a pickled dict, never unpickled)" : ""
        }`,
      );
    }
  }

  // Factor rows (colour dropped) and the grid code → row table.
  const K = 5;
  const rows = new Int32Array(n * K);
  const rowOfCode = new Int32Array(gridSize(DSPRITES_FACTOR_SIZES)).fill(-1);
  const codes = new Int32Array(n);
  let duplicates = 0;
  const c = classes.data;
  for (let i = 0; i < n; i++) {
    if (c[i * 6] !== 0) {
      throw new RangeError(
        `Cannot read ${path}: latents_classes[${i}][0] (color) is ${
          c[i * 6]
        }; dSprites has one colour`,
      );
    }
    let code = 0;
    for (let k = 0; k < K; k++) {
      const v = c[i * 6 + 1 + k];
      if (!Number.isInteger(v) || v < 0 || v >= DSPRITES_FACTOR_SIZES[k]) {
        throw new RangeError(
          `Cannot read ${path}: latents_classes[${i}][${k + 1}] (${
            DSPRITES_FACTOR_NAMES[k]
          }) = ${v} is outside 0..${DSPRITES_FACTOR_SIZES[k] - 1}`,
        );
      }
      rows[i * K + k] = v;
      code = code * DSPRITES_FACTOR_SIZES[k] + v;
    }
    codes[i] = code;
    if (rowOfCode[code] === -1) rowOfCode[code] = i;
    else duplicates++;
  }
  const values = arrays.latents_values;
  if (values && values.shape.length === 2 && values.shape[0] === n && values.shape[1] === 6) {
    // factorValues are the original's; say where the archive's own values differ.
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) {
        const mine = DSPRITES_FACTOR_VALUES[k][rows[i * K + k]];
        const theirs = values.data[i * 6 + 1 + k];
        if (Math.abs(mine - theirs) > 1e-6) {
          notes.push(
            `latents_values differ from the original dSprites values for ${
              DSPRITES_FACTOR_NAMES[k]
            } (row ${i}: ${theirs} vs ${mine}); factorValues are the original's`,
          );
          break;
        }
      }
    }
  } else if (values) {
    notes.push(`latents_values: not used (shape [${values.shape}] is not [${n}, 6])`);
  }
  if (duplicates > 0) {
    notes.push(
      `${duplicates} rows repeat an earlier factor vector; indexOfFactors gives the first`,
    );
  }

  const packed = await readPackedImages(bytes, imgsEntry, path, n, verifyCrc);

  const unpack = (list: ArrayLike<number>): Observations => {
    const data = new Float32Array(list.length * PIXELS);
    for (let j = 0; j < list.length; j++) {
      const base = list[j] * (PIXELS / 8);
      const out = j * PIXELS;
      for (let b = 0; b < PIXELS / 8; b++) {
        const byte = packed[base + b];
        if (byte === 0) continue;
        for (let t = 0; t < 8; t++) if (byte & (1 << t)) data[out + b * 8 + t] = 1;
      }
    }
    return { data, shape: [list.length, 64, 64, 1] };
  };
  const indexOf = (list: ReadonlyArray<ArrayLike<number>>, action: string): number[] => {
    checkFactorList(list, action);
    return list.map((f, r) => {
      const code = indexOfFactorVector(DSPRITES_FACTOR_SIZES, DSPRITES_FACTOR_NAMES, f, r, action);
      const row = rowOfCode[code];
      if (row < 0) {
        throw new RangeError(
          `Cannot ${action}: factors[${r}] = [${
            Array.from(f)
          }] is not in ${path} (it holds ${n} of the ${rowOfCode.length} combinations)`,
        );
      }
      return row;
    });
  };
  return {
    name: "dsprites-npz",
    size: n,
    observationShape: Object.freeze([64, 64, 1]),
    factorNames: DSPRITES_FACTOR_NAMES,
    factorSizes: DSPRITES_FACTOR_SIZES,
    factorValues: DSPRITES_FACTOR_VALUES,
    shapeNames: DSPRITES_SHAPE_NAMES,
    notes: Object.freeze(notes),
    factors(indices: ArrayLike<number>): number[][] {
      checkIndices(indices, n, "get dSprites factors");
      return Array.from(indices, (i) => Array.from(rows.subarray(i * K, i * K + K)));
    },
    indexOfFactors(list: ReadonlyArray<ArrayLike<number>>): number[] {
      return indexOf(list, "find the dSprites index of factors");
    },
    sampleFactors(count: number, rng: Rng): number[][] {
      const action = "sample dSprites factors";
      checkSampleArgs(count, rng, action);
      const out: number[][] = [];
      for (let j = 0; j < count; j++) {
        const i = drawInt(rng, n, action);
        out.push(Array.from(rows.subarray(i * K, i * K + K)));
      }
      return out;
    },
    observations(indices: ArrayLike<number>): Observations {
      checkIndices(indices, n, "read dSprites observations");
      return unpack(indices);
    },
    observationsFromFactors(list: ReadonlyArray<ArrayLike<number>>): Observations {
      return unpack(indexOf(list, "read dSprites observations from factors"));
    },
  };
}

/** Inflates imgs.npy chunk by chunk into one bit per pixel. */
async function readPackedImages(
  bytes: Uint8Array,
  entry: Parameters<typeof entryChunks>[1],
  path: string,
  n: number,
  verifyCrc: boolean,
): Promise<Uint8Array> {
  const what = `${path} (member imgs.npy)`;
  let head = new Uint8Array(0);
  let dataStart = -1;
  let packed: Uint8Array | undefined;
  let pos = 0; // flat pixel index
  const total = n * PIXELS;
  for await (const chunk of entryChunks(bytes, entry, path, verifyCrc)) {
    let data = chunk;
    if (dataStart < 0) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      const header = parseNpyHeader(joined, what);
      if (typeof header === "number") {
        head = joined;
        continue;
      }
      const dtype = dtypeOf(header.descr);
      if (typeof dtype === "string" || dtype.itemsize !== 1 || dtype.kind === "i") {
        throw malformed(what, `imgs must be uint8 or bool, got ${JSON.stringify(header.descr)}`);
      }
      const s = header.shape;
      if (s.length !== 3 || s[0] !== n || s[1] !== 64 || s[2] !== 64) {
        throw malformed(what, `imgs must be [${n}, 64, 64] to match latents_classes, got [${s}]`);
      }
      if (header.fortranOrder && n > 1) {
        throw malformed(what, "Fortran-order imgs are not supported (dSprites is C order)");
      }
      if (total >= 2 ** 32) throw malformed(what, `${n} images exceed 2^32 pixels`);
      dataStart = header.dataOffset;
      packed = new Uint8Array(total / 8);
      data = joined.subarray(dataStart);
    }
    const out = packed as Uint8Array;
    const m = Math.min(data.length, total - pos);
    for (let i = 0; i < m; i++) {
      const v = data[i];
      if (v === 0) continue;
      if (v !== 1) {
        throw new RangeError(
          `Cannot read ${what}: pixel ${pos + i} is ${v}; only binary (0/1) images are supported`,
        );
      }
      const p = pos + i;
      out[p >>> 3] |= 1 << (p & 7);
    }
    pos += m;
  }
  if (!packed || pos < total) {
    throw malformed(what, `truncated: ${Math.max(0, pos)} of ${total} pixels`);
  }
  return packed;
}
