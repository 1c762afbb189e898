import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../../data/dataset.ts";
import type { Observations } from "../../data/ground_truth_data.ts";

/** Observations as one [B, H, W, C] tensor (the caller disposes it). */
export function observationTensor(observations: Observations): tf.Tensor4D {
  return tf.tensor4d(
    observations.data,
    observations.shape as [number, number, number, number],
  );
}

/** The observations at `indices` as one [B, H, W, C] tensor (the caller disposes it). */
export async function batchTensor(dataset: Dataset, indices: Int32Array): Promise<tf.Tensor4D> {
  return observationTensor(await dataset.observations(indices));
}
