import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { Dataset } from "./dataset.ts";
import type { Observations } from "./ground_truth_data.ts";
import { checkIndices } from "./_factor_grid.ts";
import { readPath } from "./_read_path.ts";
import { decodeImage, resampleInto } from "./_images.ts";

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /**
   * Output side in pixels (square), or `[height, width]`.
   * @default {64}
   */
  size?: number | readonly [number, number];
  /**
   * 3 for RGB, 1 for grey (ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B).
   * @default {3}
   */
  channels?: 1 | 3;
  /**
   * A file of crop boxes `[x, y, w, h]` in pixels (x, y = top-left corner),
   * keyed by image path relative to the folder (or, failing that, by file
   * name when it is unique in the folder): JSON
   * `{"a/b.jpg": [x, y, w, h], ...}`, or text lines `file x y w h` separated
   * by commas, tabs or spaces (header lines before the first box are
   * skipped, as in CelebA's `list_bbox_celeba.txt`). Boxes are clipped to the
   * image; images without a box use the whole image.
   * @default {undefined}
   */
  crops?: string;
  /**
   * How a box of another aspect ratio becomes the output: `"cover"` takes the
   * largest centred part with the output's aspect ratio, `"stretch"` resizes
   * the whole box (distorting it).
   * @default {"cover"}
   */
  fit?: "cover" | "stretch";
  /**
   * Label each image by its folder (relative to the root), as one factor
   * `"class"` whose classes are the sorted folder names (e.g. Stanford Dogs'
   * breeds). Every image must then be in a subfolder.
   * @default {false}
   */
  labelsFromFolders?: boolean;
  /**
   * How many decoded, resized images to keep (least recently used are dropped).
   * @default {256}
   */
  cacheSize?: number;
}

/** A folder of PNG/JPEG images as a {@link Dataset}. */
export interface ImageFolderDataset extends Dataset {
  /** Image paths relative to the folder, sorted; index i is `paths[i]`. */
  readonly paths: readonly string[];
  /** With `labelsFromFolders`: the class names (folder paths), sorted. */
  readonly classNames?: readonly string[];
  /** Decodes (or takes from the cache) the images at `indices`: `[n, H, W, C]` in [0, 1]. */
  observations(indices: ArrayLike<number>): Promise<Observations>;
}

const IMAGE = /\.(png|jpe?g)$/i;

/**
 * A folder of PNG and JPEG images (found recursively, in sorted path order so
 * indices are the same on every machine), decoded lazily per minibatch with
 * a small cache, optionally cropped to given boxes (as Stanford Dogs' or
 * CelebA's bounding boxes), and resized to `size` (64×64 by default).
 *
 * Resizing is separable: when shrinking, each output pixel is the average of
 * the source area it covers (box filter with fractional edge weights, like
 * OpenCV's INTER_AREA); when enlarging, it interpolates linearly between the
 * nearest pixel centres (half-pixel centres, edges clamped). Transparent
 * pixels are composited over black.
 *
 * @param folder The root folder.
 * @param options Size, channels, crop boxes, fit, labels, cache size.
 * @returns The data set (nothing is decoded until `observations` is called).
 * @throws {TypeError} For options of the wrong type.
 * @throws {RangeError} For out-of-range options.
 * @throws {Error} `Cannot load image folder <folder>: ...` if the folder is
 *   missing or holds no images; `Cannot read <path>: ...` for a bad crop file
 *   (or, from `observations`, a corrupt image, naming it).
 *
 * @example A folder with one 2×2 PNG, read at 4×4 in grey
 * ```ts
 * import assert from "node:assert/strict";
 * import { PNG } from "pngjs";
 * import { loadImageFolder } from "@disentangle/vae/data";
 * const dir = await Deno.makeTempDir();
 * const png = new PNG({ width: 2, height: 2 });
 * png.data.fill(255); // opaque white
 * await Deno.writeFile(`${dir}/white.png`, PNG.sync.write(png));
 * const images = await loadImageFolder(dir, { size: 4, channels: 1 });
 * const { data, shape } = await images.observations([0]);
 * assert.deepEqual(shape, [1, 4, 4, 1]);
 * assert.ok(data.every((v) => v === 1));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadImageFolder(
  folder: string,
  options: ImageFolderOptions = {},
): Promise<ImageFolderDataset> {
  const {
    size = 64,
    channels = 3,
    crops,
    fit = "cover",
    labelsFromFolders = false,
    cacheSize = 256,
  } = options;
  const action = `load image folder ${folder}`;
  if (typeof folder !== "string" || folder === "") {
    throw new TypeError(
      `Cannot load image folder: folder must be a non-empty string, got ${String(folder)}`,
    );
  }
  const [height, width] = typeof size === "number" ? [size, size] : size ?? [];
  for (const [what, v] of [["height", height], ["width", width]] as const) {
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new RangeError(
        `Cannot ${action}: size must be an integer ≥ 1 or [height, width], got ${what} ${v}`,
      );
    }
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`Cannot ${action}: channels must be 1 or 3, got ${channels}`);
  }
  if (fit !== "cover" && fit !== "stretch") {
    throw new RangeError(`Cannot ${action}: fit must be "cover" or "stretch", got ${String(fit)}`);
  }
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new RangeError(`Cannot ${action}: cacheSize must be an integer ≥ 0, got ${cacheSize}`);
  }
  try {
    if (!(await stat(folder)).isDirectory()) {
      throw new Error(`Cannot ${action}: it is not a folder`);
    }
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") {
      throw new Error(`Cannot ${action}: no such folder`, { cause: e });
    }
    throw e;
  }
  const files = (await listImages(folder)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) {
    throw new Error(`Cannot ${action}: no PNG or JPEG files (.png, .jpg, .jpeg) in it`);
  }
  const paths = files.map((f) => f.split(sep).join("/"));
  const boxes = crops === undefined ? undefined : await readCrops(crops, paths);

  let classNames: string[] | undefined;
  let labels: Int32Array | undefined;
  if (labelsFromFolders) {
    const dirs = paths.map((p) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : ""));
    const loose = dirs.indexOf("");
    if (loose >= 0) {
      throw new Error(
        `Cannot ${action}: labelsFromFolders needs every image in a subfolder; ${
          paths[loose]
        } is not`,
      );
    }
    classNames = [...new Set(dirs)].sort();
    const classOf = new Map(classNames.map((n, i) => [n, i]));
    labels = Int32Array.from(dirs, (d) => classOf.get(d) as number);
  }

  const n = paths.length;
  const pixels = height * width * channels;
  const cache = new Map<number, Float32Array>();
  const load = async (i: number): Promise<Float32Array> => {
    const hit = cache.get(i);
    if (hit) {
      cache.delete(i);
      cache.set(i, hit);
      return hit;
    }
    const path = join(folder, files[i]);
    const image = decodeImage(await readPath(path, "image"), path);
    let box: [number, number, number, number] = [0, 0, image.width, image.height];
    const given = boxes?.get(paths[i]);
    if (given) {
      const x0 = Math.max(0, given[0]), y0 = Math.max(0, given[1]);
      const x1 = Math.min(image.width, given[0] + given[2]);
      const y1 = Math.min(image.height, given[1] + given[3]);
      if (!(x1 > x0 && y1 > y0)) {
        throw new RangeError(
          `Cannot read ${path}: crop box [${given}] lies outside the ${image.width}×${image.height} image`,
        );
      }
      box = [x0, y0, x1 - x0, y1 - y0];
    }
    if (fit === "cover") {
      const [x, y, w, h] = box;
      if (w / h > width / height) {
        const w2 = (h * width) / height;
        box = [x + (w - w2) / 2, y, w2, h];
      } else {
        const h2 = (w * height) / width;
        box = [x, y + (h - h2) / 2, w, h2];
      }
    }
    const out = new Float32Array(pixels);
    resampleInto(image, box, width, height, channels, out, 0);
    if (cacheSize > 0) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as number);
      cache.set(i, out);
    }
    return out;
  };

  const dataset: ImageFolderDataset = {
    name: basename(folder) || folder,
    size: n,
    observationShape: Object.freeze([height, width, channels]),
    paths: Object.freeze(paths),
    async observations(indices: ArrayLike<number>): Promise<Observations> {
      checkIndices(indices, n, `read images of ${folder}`);
      const data = new Float32Array(indices.length * pixels);
      for (let j = 0; j < indices.length; j++) data.set(await load(indices[j]), j * pixels);
      return { data, shape: [indices.length, height, width, channels] };
    },
  };
  if (labels && classNames) {
    const l = labels;
    return Object.assign(dataset, {
      classNames: Object.freeze(classNames),
      factorNames: Object.freeze(["class"]),
      factorSizes: Object.freeze([classNames.length]),
      factors(indices: ArrayLike<number>): number[][] {
        checkIndices(indices, n, `get the classes of ${folder}`);
        return Array.from(indices, (i) => [l[i]]);
      },
    });
  }
  return dataset;
}

async function listImages(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory(), isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const s = await stat(full).catch(() => undefined);
      isDir = s?.isDirectory() ?? false;
      isFile = s?.isFile() ?? false;
    }
    if (isDir) out.push(...(await listImages(root, full)));
    else if (isFile && IMAGE.test(entry.name)) out.push(relative(root, full));
  }
  return out;
}

/** Reads a crop file into relative path → box, resolving bare file names. */
async function readCrops(
  path: string,
  paths: readonly string[],
): Promise<Map<string, readonly number[]>> {
  const text = new TextDecoder().decode(await readPath(path, "crop boxes"));
  const raw = new Map<string, number[]>();
  const isBox = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length === 4 && v.every((x) =>
      typeof x === "number" && Number.isFinite(x)
    ) &&
    v[2] > 0 && v[3] > 0;
  if (/^\s*[{[]/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`Cannot read ${path}: invalid JSON (${(e as Error).message})`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new Error(`Cannot read ${path}: expected an object of "file": [x, y, w, h]`);
    }
    for (const [k, v] of Object.entries(json)) {
      if (!isBox(v)) {
        throw new Error(
          `Cannot read ${path}: box of ${
            JSON.stringify(k)
          } must be [x, y, w, h] with w, h > 0, got ${JSON.stringify(v)}`,
        );
      }
      raw.set(k, v);
    }
  } else {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const fields = line.trim().split(/[,\t ]+/).filter((f) => f !== "");
      if (fields.length === 0) return;
      const box = fields.slice(1).map(Number);
      if (fields.length === 5 && isBox(box)) raw.set(fields[0], box);
      else if (raw.size > 0) {
        throw new Error(
          `Cannot read ${path}: line ${i + 1} is not "file x y w h" (w, h > 0): ${
            JSON.stringify(line)
          }`,
        );
      }
    });
  }
  // Keys are relative paths, or else matched by file name (when unique).
  const byName = new Map<string, string | null>();
  for (const p of paths) {
    const name = p.slice(p.lastIndexOf("/") + 1);
    byName.set(name, byName.has(name) ? null : p);
  }
  const known = new Set(paths);
  const boxes = new Map<string, readonly number[]>();
  for (const [key, box] of raw) {
    const k = key.split("\\").join("/").replace(/^\.\//, "");
    const target = known.has(k) ? k : byName.get(k.slice(k.lastIndexOf("/") + 1));
    if (target) boxes.set(target, box);
  }
  return boxes;
}
