import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../../data/dataset.ts";

/** The observations at `indices` as one [B, H, W, C] tensor (the caller disposes it). */
export async function batchTensor(dataset: Dataset, indices: Int32Array): Promise<tf.Tensor4D> {
  const obs = await dataset.observations(indices);
  return tf.tensor4d(obs.data, obs.shape as [number, number, number, number]);
}
