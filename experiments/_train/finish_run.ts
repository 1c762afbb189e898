// The end of a run: the final model, the pictures, the final metrics and the
// summary, then status "complete".
import * as tf from "@tensorflow/tfjs";
import { rename, rm } from "node:fs/promises";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import { join } from "node:path";
import { saveVae } from "../../models/save_vae.ts";
import { VERSION } from "../_version.ts";
import { batchTensor } from "./batch_tensor.ts";
import { distinctIndices } from "./distinct_indices.ts";
import { finalMetrics } from "./final_metrics.ts";
import type { TrainConfig } from "./options.ts";
import { writeStatus } from "./run_folder.ts";
import type { RunFolder, RunIo, RunSetup, RunSummary, TrainingOutcome } from "./types.ts";
import { validationSample } from "./validate.ts";
import { priorSampleGrid, reconstructionGrid, traversalGrid } from "./visuals.ts";

/** Saves the model, pictures, metrics and summary.json of a trained run. */
export async function finishRun(
  config: TrainConfig,
  folder: RunFolder,
  setup: RunSetup,
  outcome: TrainingOutcome,
  io: RunIo,
): Promise<RunSummary> {
  const { runDir } = folder;
  const { vae, dataset, train, validation } = setup;
  io.log("saving the model, pictures and final metrics...");
  // Saved beside the old model and swapped in, so a kill leaves a whole model/
  // (and no summary.json yet: the run resumes from its checkpoint).
  const partial = join(runDir, `.model.${Deno.pid}.partial`);
  await rm(partial, { recursive: true, force: true });
  await saveVae(vae, partial, { config: setup.modelConfig, ...setup.objectiveState });
  await rm(join(runDir, "model"), { recursive: true, force: true });
  await rename(partial, join(runDir, "model"));
  const klOrder = await writePictures(config, runDir, setup, outcome);
  const metrics = await finalMetrics(
    vae,
    dataset,
    validation.length >= 1000 ? validation : distinctIndices(train),
    {
      samples: config.metricSamples,
      scorePoints: config.scorePoints,
      seed: config.seed,
      log: io.log,
    },
  );
  const summary: RunSummary = {
    runDir,
    steps: config.steps,
    seconds: setup.history.reduce((s, h) => s + h.seconds, 0) + outcome.seconds,
    stepsPerSecond: outcome.stepsPerSecond,
    backend: setup.backend,
    finalTrain: outcome.lastTrain,
    finalValidation: outcome.lastValidation &&
      { ...outcome.lastValidation.means, activeUnits: outcome.lastValidation.activeUnits },
    metrics,
  };
  await writeFileAtomic(
    join(runDir, "summary.json"),
    JSON.stringify(
      { ...summary, klOrder, version: VERSION, finishedAt: new Date().toISOString() },
      null,
      2,
    ),
  );
  await writeStatus(runDir, "complete");
  return summary;
}

/**
 * Writes images/: reconstructions of 16 validation (or training) images, prior
 * samples, and traversals of the latent dimensions from the largest KL down.
 * Returns that order of the dimensions.
 */
async function writePictures(
  config: TrainConfig,
  runDir: string,
  setup: RunSetup,
  outcome: TrainingOutcome,
): Promise<number[]> {
  const { vae, dataset } = setup;
  const { latentDim, likelihood } = config;
  const heldOut = validationSample(setup.validation);
  const x = await batchTensor(
    dataset,
    (heldOut.length >= 16 ? heldOut : setup.train).subarray(0, 16),
  );
  const images = (name: string) => join(runDir, "images", name);
  await writeFileAtomic(images("reconstructions.png"), reconstructionGrid(vae, x, { likelihood }));
  await writeFileAtomic(
    images("samples.png"),
    priorSampleGrid(vae, latentDim, { seed: config.seed, likelihood }),
  );
  const base = tf.tidy(() =>
    tf.slice(vae.encoder.predict(x) as tf.Tensor2D, [0, 0], [1, latentDim])
  );
  // The last validation's KL, else the last logged training window's (none
  // when a resume had nothing to train: the dimensions keep their order).
  const kl = outcome.lastValidation?.klPerDimension ?? outcome.lastTrainKl;
  const dims = Array.from({ length: latentDim }, (_, j) => j)
    .sort((a, b) => (kl[b] ?? 0) - (kl[a] ?? 0));
  await writeFileAtomic(
    images("traversals.png"),
    traversalGrid(vae, base.dataSync() as Float32Array, dims, { likelihood }),
  );
  tf.dispose([x, base]);
  return dims;
}
