// Everything a run needs before its first step: the backend, the data set and
// its split, and the model with its optimiser (new, or from the checkpoint).
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { permutation } from "../../data/permutation.ts";
import type { Dataset } from "../../data/dataset.ts";
import { splitIndices } from "../../data/split_indices.ts";
import { buildObjectiveState } from "../../models/build_objective_state.ts";
import { buildVae } from "../../models/build_vae.ts";
import { type AdamOptimizer, fusedAdam } from "../../models/fused_adam.ts";
import { loadCheckpoint } from "../../models/load_checkpoint.ts";
import { useBackend } from "../../models/use_backend.ts";
import { CliError } from "./cli_error.ts";
import { makeDataset } from "./make_dataset.ts";
import { objectiveListing, objectiveStateOptions } from "./objective_options.ts";
import type { TrainConfig } from "./options.ts";
import { writeRunConfig, writeStatus } from "./run_folder.ts";
import { trimLog } from "./trim_log.ts";
import type { RunFolder, RunIo, RunSetup, Session } from "./types.ts";

/** Prepares the run and records it (config.json, status "running"); throws CliError. */
export async function setUpRun(
  config: TrainConfig,
  folder: RunFolder,
  io: RunIo,
): Promise<RunSetup> {
  const backend = await chooseBackend(config, io);
  const dataset = await makeDataset(config);
  const minibatchesPerStep = objectiveListing(config).minibatches;
  const { train, validation } = splitData(
    config,
    dataset.size,
    minibatchesPerStep,
    io.log,
  );
  await mkdir(join(folder.runDir, "images"), { recursive: true });
  await writeRunConfig(folder, config, { backend, dataset, train, validation });
  await writeStatus(folder.runDir, "running");
  const optimizer = fusedAdam({ learningRate: config.lr });
  const model = config.resume ? await restoreModel(config, folder, optimizer, io) : {
    vae: buildModel(config, dataset),
    objectiveState: buildObjectiveState(
      config.objective,
      config.latentDim,
      objectiveStateOptions(config),
    ),
    startStep: 0,
    history: [],
  };
  if (model.startStep >= config.steps) {
    io.log(
      `the checkpoint is at step ${model.startStep} ≥ --steps ${config.steps}: nothing to train`,
    );
  }
  const modelConfig = {
    architecture: config.model,
    latentDim: config.latentDim,
    inputShape: dataset.observationShape,
    objective: config.objective,
    likelihood: config.likelihood,
    data: config.data,
  };
  return {
    backend,
    dataset,
    train,
    validation,
    optimizer,
    minibatchesPerStep,
    modelConfig,
    ...model,
  };
}

/**
 * Selects --backend (or its fallback) and logs what it runs on; returns the
 * active backend with the native libraries it uses, e.g. "wasm + OpenBLAS +
 * oneDNN" (the run's last line and summary.json say which path trained it).
 */
async function chooseBackend(config: TrainConfig, io: RunIo): Promise<string> {
  const selection = await useBackend(config.backend, {
    fallback: config.backendFallback,
    warn: (line: string) => io.log(`warning: ${line}`),
  }).catch((e: Error) => {
    throw new CliError(`Cannot use the ${config.backend} backend: ${e.message.split("\n")[0]}`);
  });
  io.log(`backend: ${selection.summary}`);
  return [
    selection.active,
    ...(selection.native ? ["OpenBLAS"] : []),
    ...(selection.convolutions ? ["oneDNN"] : []),
  ].join(" + ");
}

/**
 * The seeded train/validation split; --train-size keeps a seeded subset of the
 * training part. A training part smaller than one step is repeated to fill it.
 */
function splitData(
  config: TrainConfig,
  size: number,
  minibatchesPerStep: number,
  log: (line: string) => void,
): { train: Int32Array; validation: Int32Array } {
  const split = splitIndices(size, {
    validationFraction: config.validationFraction,
    seed: config.seed,
  });
  // Sorted, like the split.
  const train = config.trainSize > 0 && config.trainSize < split.train.length
    ? permutation(split.train, { seed: config.seed, stream: 0x73756273 })
      .subarray(0, config.trainSize).sort()
    : split.train;
  const step = config.batchSize * minibatchesPerStep;
  if (train.length === 0) {
    throw new CliError(
      `Cannot train: the training split has no examples (the data set has ${size})`,
    );
  }
  if (train.length < step) {
    // A data set smaller than a step (a test fixture, a few dozen images):
    // each example is repeated the same number of times, which leaves the
    // empirical distribution (and what the estimators estimate) unchanged.
    const times = Math.ceil(step / train.length);
    log(
      `warning: the training split has ${train.length} examples, fewer than the ${step} of a step (--batch-size ${config.batchSize}); each is repeated ${times} times`,
    );
    const repeated = new Int32Array(train.length * times);
    train.forEach((index, i) => repeated.fill(index, i * times, (i + 1) * times));
    return { train: repeated, validation: split.validation };
  }
  return { train, validation: split.validation };
}

/** A new model as configured; a bad architecture or input shape is a CliError. */
function buildModel(config: TrainConfig, dataset: Dataset) {
  try {
    return buildVae(config.model, {
      inputShape: dataset.observationShape,
      latentDim: config.latentDim,
      seed: config.seed,
      initialLogVar: config.initialLogVar,
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** The checkpoint's model (into `optimizer`), objective state, step and sessions; trims the log to it. */
async function restoreModel(
  config: TrainConfig,
  folder: RunFolder,
  optimizer: AdamOptimizer,
  io: RunIo,
) {
  const restored = await loadCheckpoint(folder.checkpointDir, optimizer);
  const { discriminator } = restored.vae;
  if (objectiveListing(config).state === "discriminator" && !discriminator) {
    throw new CliError(
      `Cannot resume: the checkpoint ${folder.checkpointDir} holds no discriminator, which --objective ${config.objective} trains`,
    );
  }
  const startStep = restored.state.step as number;
  const history = (restored.state.history as Session[]) ?? [];
  io.log(`resuming ${folder.runDir} at step ${startStep}`);
  const dropped = await trimLog(join(folder.runDir, "log.jsonl"), startStep);
  if (dropped > 0) {
    io.log(`dropped ${dropped} log records from after the checkpoint (those steps run again)`);
  }
  return {
    vae: restored.vae,
    objectiveState: discriminator ? { discriminator } : {},
    startStep,
    history,
  };
}
