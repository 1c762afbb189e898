// The training loop: one minibatch per step in a seeded epoch order, a log
// line every --log-every steps, a validation pass every --eval-every, a
// checkpoint every --checkpoint-every, and all three after the last step.
import { join } from "node:path";
import type { Observations } from "../../data/ground_truth_data.ts";
import { type Minibatch, minibatches } from "../../data/minibatches.ts";
import * as tf from "@tensorflow/tfjs";
import { NonFiniteLossError } from "../../models/non_finite_loss_error.ts";
import { saveCheckpoint } from "../../models/save_checkpoint.ts";
import { type ObjectiveOptions, type StepReport, trainStep } from "../../models/train_step.ts";
import { observationTensor } from "./batch_tensor.ts";
import { CliError } from "./cli_error.ts";
import { objectiveOptions } from "./objective_options.ts";
import type { TrainConfig } from "./options.ts";
import { Progress } from "./progress.ts";
import { writeStatus } from "./run_folder.ts";
import { klMeans, stepMeans } from "./step_means.ts";
import type { RunFolder, RunIo, RunSetup, Session, TrainingOutcome, Validation } from "./types.ts";
import { validate, validationSample } from "./validate.ts";

/** What every step reads: the run, its objective, its log and the session's clock. */
interface Loop {
  config: TrainConfig;
  folder: RunFolder;
  setup: RunSetup;
  objective: ObjectiveOptions;
  stepsPerEpoch: number;
  /** The held-out examples of the validation passes. */
  heldOut: Int32Array;
  log: (record: Record<string, unknown>) => Promise<unknown>;
  progress: Progress;
  /** Seconds of the earlier sessions, so logged times count the whole run. */
  priorSeconds: number;
  sessionStart: string;
}

/** What the steps accumulate: the reports since the last log line, the last records. */
interface LoopState {
  window: StepReport[];
  lastTrain: Record<string, number>;
  lastTrainKl: number[];
  lastValidation: Validation | null;
}

/** Trains from the setup's step to --steps; on failure marks the run "failed" and rethrows. */
export async function trainLoop(
  config: TrainConfig,
  folder: RunFolder,
  setup: RunSetup,
  io: RunIo,
): Promise<TrainingOutcome> {
  const logFile = await Deno.open(join(folder.runDir, "log.jsonl"), { create: true, append: true });
  const progress = new Progress(config.steps, setup.startStep, io.tty, io.write);
  const loop: Loop = {
    config,
    folder,
    setup,
    objective: objectiveOptions(config, setup.train.length),
    stepsPerEpoch: Math.floor(setup.train.length / (config.batchSize * setup.minibatchesPerStep)),
    log: (record) => logFile.write(new TextEncoder().encode(JSON.stringify(record) + "\n")),
    progress,
    heldOut: validationSample(setup.validation),
    priorSeconds: setup.history.reduce((s, h) => s + h.seconds, 0),
    sessionStart: new Date().toISOString(),
  };
  const state: LoopState = { window: [], lastTrain: {}, lastTrainKl: [], lastValidation: null };
  // Full batches in an epoch order drawn from (seed, epoch), continued at the checkpoint's step;
  // an objective that takes two minibatches a step (FactorVAE) draws them as one of twice the size.
  const batches = minibatches(setup.dataset, {
    batchSize: config.batchSize * setup.minibatchesPerStep,
    seed: config.seed,
    dropLast: true,
    epochs: Infinity,
    startStep: setup.startStep,
    indices: setup.train,
  });
  try {
    for (let step = setup.startStep; step < config.steps; step++) {
      const batch = (await batches.next()).value as Minibatch; // an endless stream
      const report = trainOn(loop, batch.observations, step);
      state.window.push(report);
      await afterStep(loop, state, step + 1, batch.epoch);
      progress.update(step + 1, stepNote(report));
    }
  } catch (e) {
    progress.interrupt();
    logFile.close();
    await writeStatus(folder.runDir, "failed", { error: (e as Error).message });
    throw explainFailure(e, folder.checkpointDir);
  }
  logFile.close();
  const { lastTrain, lastTrainKl, lastValidation } = state;
  return {
    lastTrain,
    lastTrainKl,
    lastValidation,
    seconds: progress.elapsed,
    stepsPerSecond: progress.rate,
  };
}

/** One optimisation step on a minibatch (and the objective's second one, if it takes two). */
function trainOn(loop: Loop, observations: Observations, step: number): StepReport {
  const { setup, config } = loop;
  const all = observationTensor(observations);
  const [x, secondBatch] = setup.minibatchesPerStep === 2 ? tf.split(all, 2) : [all];
  try {
    const state = { vae: setup.vae, optimizer: setup.optimizer, ...setup.objectiveState };
    return trainStep(state, x, {
      ...loop.objective,
      ...(secondBatch ? { secondBatch } : {}),
      step,
      seed: config.seed * 1_000_003 + step,
    });
  } finally {
    tf.dispose([all, x, ...(secondBatch ? [secondBatch] : [])]);
  }
}

/** After `done` steps: the log line, validation pass and checkpoint that are due. */
async function afterStep(loop: Loop, state: LoopState, done: number, epoch: number): Promise<void> {
  const { config, setup, progress } = loop;
  const due = (every: number) => done % every === 0 || done === config.steps;
  const seconds = () => loop.priorSeconds + progress.elapsed;
  if (due(config.logEvery)) {
    state.lastTrain = stepMeans(state.window);
    state.lastTrainKl = klMeans(state.window);
    state.window = [];
    const train = { ...state.lastTrain, klPerDimension: state.lastTrainKl };
    await loop.log({ step: done, epoch, seconds: seconds(), stepsPerSecond: progress.rate, train });
  }
  if (due(config.evalEvery)) {
    const options = {
      objective: { ...loop.objective, ...setup.objectiveState },
      latentDim: config.latentDim,
    };
    const v = await validate(setup.vae, setup.dataset, loop.heldOut, options);
    if (v) {
      state.lastValidation = v;
      const validation = {
        ...v.means,
        klPerDimension: v.klPerDimension,
        activeUnits: v.activeUnits,
      };
      await loop.log({ step: done, epoch, seconds: seconds(), validation });
    }
  }
  if (due(config.checkpointEvery)) {
    await saveRunCheckpoint(setup, loop.folder, {
      step: done,
      seed: config.seed,
      stepsPerEpoch: loop.stepsPerEpoch,
      session: { startedAt: loop.sessionStart, seconds: progress.elapsed },
    });
  }
}

/**
 * Saves model and optimiser after `step` steps, with what a resume needs: the
 * step, the config hash, the RNG position and every session's training time.
 */
async function saveRunCheckpoint(
  setup: RunSetup,
  folder: RunFolder,
  at: { step: number; seed: number; stepsPerEpoch: number; session: Session },
): Promise<void> {
  const { step, seed, stepsPerEpoch, session } = at;
  const train = { vae: setup.vae, optimizer: setup.optimizer, ...setup.objectiveState };
  await saveCheckpoint(train, folder.checkpointDir, {
    config: setup.modelConfig,
    state: {
      step,
      configHash: folder.configHash,
      // All randomness derives from (seed, step): batch order from (seed, epoch), noise from (seed, step).
      rng: { seed, epoch: Math.floor(step / stepsPerEpoch), position: step % stepsPerEpoch },
      history: [...setup.history, session],
    },
  });
}

/** The progress line's note: the step's main terms. */
function stepNote(report: StepReport): string {
  return `loss ${report.loss.toFixed(2)} rec ${report.reconstruction.toFixed(1)} kl ${
    report.kl.toFixed(1)
  } tc ${report.tc.toFixed(2)}`;
}

/** A diverged loss becomes advice for the command line; anything else stays as it is. */
function explainFailure(e: unknown, checkpointDir: string): unknown {
  if (e instanceof NonFiniteLossError) {
    return new CliError(
      `${e.message}. The last checkpoint (${checkpointDir}) is from before it; lower --lr or check the data.`,
    );
  }
  return e;
}
