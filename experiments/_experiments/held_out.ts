// The held-out examples of a run, recomputed exactly as the trainer split
// them (same data set, validation fraction and seed).
import { splitIndices } from "../../data/split_indices.ts";
import type { Dataset } from "../../data/dataset.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import { datasetUsesSeed, makeDataset } from "../_train/make_dataset.ts";
import type { TrainConfig } from "../_train/options.ts";

const datasets = new Map<string, Promise<Dataset>>();

/** The run's data set (built once per distinct data option, and seed where it decides the images). */
export function datasetOf(config: TrainConfig): Promise<Dataset> {
  const key = JSON.stringify([
    config.data,
    config.dataPath,
    config.imageSize,
    config.channels,
    config.crops,
    config.factorSizes,
    // The procedural variants' images follow the run's seed; other data sets are shared.
    datasetUsesSeed(config.data) ? config.seed : 0,
  ]);
  let d = datasets.get(key);
  if (!d) {
    d = makeDataset(config);
    datasets.set(key, d);
  }
  return d;
}

/** The trainer's train/validation split of the run's data set. */
export async function splitOf(
  config: TrainConfig,
): Promise<{ dataset: Dataset; train: Int32Array; validation: Int32Array }> {
  const dataset = await datasetOf(config);
  const { train, validation } = splitIndices(dataset.size, {
    validationFraction: config.validationFraction,
    seed: config.seed,
  });
  return { dataset, train, validation };
}

/** `count` held-out observations spread over the split (training ones if too few are held out). */
export async function heldOutObservations(
  config: TrainConfig,
  count: number,
): Promise<{ observations: Observations; indices: Int32Array }> {
  const { dataset, train, validation } = await splitOf(config);
  const pool = validation.length >= count ? validation : train;
  // Evenly spaced through the (sorted) pool, so the pictures span the data set.
  const n = Math.min(count, pool.length);
  const indices = Int32Array.from({ length: n }, (_, i) => pool[Math.floor((i * pool.length) / n)]);
  return { observations: await dataset.observations(indices), indices };
}
