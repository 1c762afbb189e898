// A validation pass: the held-out examples through the current model (in
// chunks of 256, with fixed noise seeds), which it leaves unchanged.
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../../data/dataset.ts";
import { activeUnits } from "../../metrics/active_units.ts";
import type { Vae } from "../../models/build_vae.ts";
import { evaluateBatch, type EvaluateBatchOptions } from "../../models/evaluate_batch.ts";
import type { StepReport } from "../../models/train_step.ts";
import { batchTensor } from "./batch_tensor.ts";
import { klMeans, stepMeans } from "./step_means.ts";
import type { Validation } from "./types.ts";

/** The held-out examples a validation pass uses: the first 1024 of the split. */
export function validationSample(validation: Int32Array): Int32Array {
  return validation.subarray(0, Math.min(validation.length, 1024));
}

/**
 * Scores `vae` on the examples at `indices` with the training objective;
 * null when there are fewer than 2 of them (the estimators need pairs).
 */
export async function validate(
  vae: Vae,
  dataset: Dataset,
  indices: Int32Array,
  options: { objective: EvaluateBatchOptions; latentDim: number },
): Promise<Validation | null> {
  const { objective, latentDim } = options;
  if (indices.length < 2) return null;
  const reports: StepReport[] = [];
  const means: Float32Array[] = [];
  for (let s = 0; s < indices.length; s += 256) {
    const x = await batchTensor(dataset, indices.subarray(s, Math.min(indices.length, s + 256)));
    if (x.shape[0] >= 2) {
      reports.push(evaluateBatch(vae, x, { ...objective, seed: 7919 + s, step: 0 }));
      const stats = tf.tidy(() => (vae.encoder.predict(x) as tf.Tensor2D));
      const values = stats.arraySync();
      stats.dispose();
      for (const row of values) means.push(Float32Array.from(row.slice(0, latentDim)));
    }
    x.dispose();
  }
  return {
    means: stepMeans(reports),
    klPerDimension: klMeans(reports),
    activeUnits: activeUnits(means).count,
  };
}
