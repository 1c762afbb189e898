// The data images the page offers as starting points: a seeded sample from the
// run's held-out split (the run's own seed and validation fraction), stored as
// 8-bit pixels so the page and Deno encode exactly the same values.
import { createDsprites } from "../../data/dsprites.ts";
import { createShapes } from "../../data/shapes.ts";
import { loadDspritesNpz } from "../../data/load_dsprites_npz.ts";
import { loadMnist } from "../../data/mnist.ts";
import { loadImageFolder } from "../../data/image_folder.ts";
import { splitIndices } from "../../data/split_indices.ts";
import { createRng } from "../../data/create_rng.ts";
import type { Dataset } from "../../data/dataset.ts";
import type { RunInfo } from "./read_run.ts";

/** The picked images and what is known about them. */
export interface Picks {
  /** The data set's name, e.g. `"shapes"`. */
  dataset: string;
  /** Whether they come from the run's validation split (held out from training). */
  heldOut: boolean;
  /** Their indices in the data set, ascending. */
  indices: number[];
  /** `[n, H, W, C]`. */
  shape: [number, number, number, number];
  /** Pixels, row-major, 0..255 (value = byte / 255). */
  pixels: Uint8Array;
  /** Factor (label) names, or [] for an unlabelled set. */
  factorNames: string[];
  /** Factor classes per image, or [] for an unlabelled set. */
  factors: number[][];
}

/** The data set a run trained on, from its config (the model's `data` as a fallback). */
export async function openRunDataset(run: RunInfo): Promise<Dataset> {
  const data = String(run.config.data ?? run.vae.config.data ?? "");
  const dataPath = String(run.config.dataPath ?? "");
  const [h, w, c] = run.vae.inputShape;
  switch (data) {
    case "dsprites":
      return createDsprites();
    case "shapes":
      return createShapes({ imageSize: Number(run.config.imageSize ?? h) as 28 | 64 });
    case "dsprites-npz":
      return await loadDspritesNpz(dataPath);
    case "mnist":
      return await loadMnist(dataPath === "" ? {} : { folder: dataPath });
    case "image-folder":
      return await loadImageFolder(dataPath, { size: [h, w], channels: c === 1 ? 1 : 3 });
    default:
      throw new Error(
        `Cannot open the run's data set: its config names ${
          data === "" ? "none" : JSON.stringify(data)
        }`,
      );
  }
}

/**
 * Picks `count` images of `dataset` with a seeded RNG, from the run's
 * validation split when it holds enough of them, and quantises them to bytes.
 */
export async function pickImages(
  run: RunInfo,
  dataset: Dataset,
  { count, seed }: { count: number; seed: number },
): Promise<Picks> {
  const shape = dataset.observationShape;
  if (shape.join() !== run.vae.inputShape.join()) {
    throw new Error(
      `Cannot pick data images: the data set's images are [${shape}] but the model takes [${run.vae.inputShape}]`,
    );
  }
  let pool: Int32Array | null = null;
  const fraction = Number(run.config.validationFraction);
  const runSeed = Number(run.config.seed);
  if (fraction > 0 && fraction < 1 && Number.isSafeInteger(runSeed)) {
    const { validation } = splitIndices(dataset.size, {
      validationFraction: fraction,
      seed: runSeed,
    });
    if (validation.length >= count) pool = validation;
  }
  const heldOut = pool !== null;
  const size = pool ? pool.length : dataset.size;
  const n = Math.min(count, size);
  // Partial Fisher–Yates over positions 0..size−1, touching only n entries.
  const rng = createRng(seed);
  const swapped = new Map<number, number>();
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(size - i);
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    chosen.push(pool ? pool[vj] : vj);
  }
  chosen.sort((a, b) => a - b);
  const [h, w, c] = shape;
  const pixels = new Uint8Array(n * h * w * c);
  if (n > 0) {
    const obs = await dataset.observations(chosen);
    for (let i = 0; i < pixels.length; i++) {
      const v = obs.data[i];
      pixels[i] = Math.round(255 * (v < 0 ? 0 : v > 1 ? 1 : v));
    }
  }
  const labelled = typeof dataset.factors === "function" && dataset.factorNames !== undefined;
  return {
    dataset: dataset.name,
    heldOut,
    indices: chosen,
    shape: [n, h, w, c],
    pixels,
    factorNames: labelled ? [...dataset.factorNames!] : [],
    factors: labelled && n > 0 ? dataset.factors!(chosen) : [],
  };
}
