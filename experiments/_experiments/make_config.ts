// Builds the trainer's configuration of one planned run: the trainer's
// defaults, then the experiment's preset values, then the command line's
// overrides; the run folder is <experiment>/runs/<id>. Also the values every
// experiment's plan fills in the same way (training settings, loss weights),
// so a plan states only what its runs add.
import { join } from "node:path";
import { objectiveKeys, parseTrainArgs, type TrainConfig, trainConfig } from "../_train/options.ts";
import type { ExperimentContext, PlannedRun } from "./types.ts";

/** Overrides that map one to one onto trainer options. */
const DIRECT = [
  "steps",
  "data",
  "dataPath",
  "factorSizes",
  "imageSize",
  "channels",
  "crops",
  "trainSize",
  "metricSamples",
  "scorePoints",
  "likelihood",
  "backend",
  "checkpointEvery",
] as const;

/** A planned run: defaults < `values` < command-line overrides. */
export function plannedRun(
  context: ExperimentContext,
  id: string,
  values: Partial<TrainConfig>,
  labels: Record<string, string | number>,
): PlannedRun {
  // The papers train without a KL warm-up and with the usual initialisation (σ = 1);
  // the trainer's own defaults (a warm-up, narrow starting posteriors) are tuned for
  // its short default run instead.
  // The objective's own options are its defaults unless the plan gives them (and a plan
  // that gives one its objective does not read is an error).
  const objective = values.objective ?? parseTrainArgs([]).objective;
  const noWarmup = objectiveKeys(objective).includes("klWarmup") ? { klWarmup: 0 } : {};
  const given: Record<string, unknown> = { initialLogVar: 0, ...noWarmup, ...values };
  for (const key of DIRECT) {
    const v = context.overrides[key];
    if (v !== undefined) given[key] = v;
  }
  const config = trainConfig(given);
  config.out = join(context.dir, "runs");
  config.name = id;
  config.resume = false;
  // Validation and checkpoints never fall after the last step.
  config.evalEvery = Math.min(config.evalEvery, config.steps);
  config.checkpointEvery = Math.min(config.checkpointEvery, config.steps);
  config.logEvery = Math.min(config.logEvery, config.steps);
  return { id, config, labels };
}

/** The settings of how an experiment trains that its plan hands to every run unchanged. */
export interface TrainingSettings {
  model: TrainConfig["model"];
  /** Training steps of each run (the command line's --steps still overrides them). */
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Share of the data set held out (the trainer validates on at most 1024 of them). */
  validationFraction: number;
  /** Samples encoded for the final metrics. */
  metricSamples: number;
  /** Training points of the β-VAE/FactorVAE scores; without it, 0 (not scored). */
  scorePoints?: number;
}

/**
 * The trainer values of `settings`, with `validations` validation passes
 * (and as many checkpoints) spread over the preset's steps, a checkpoint at
 * least every `checkpointAtMost` steps.
 */
export function trainingValues(
  settings: TrainingSettings,
  { validations, checkpointAtMost = Infinity }: {
    validations: number;
    checkpointAtMost?: number;
  },
): Partial<TrainConfig> {
  const { model, steps, batchSize, lr, seed, validationFraction, metricSamples } = settings;
  const every = Math.floor(steps / validations);
  return {
    model,
    steps,
    batchSize,
    lr,
    seed,
    validationFraction,
    evalEvery: Math.max(1, every),
    checkpointEvery: Math.max(1, Math.min(checkpointAtMost, every)),
    metricSamples,
    scorePoints: settings.scorePoints ?? 0,
  };
}

/**
 * An objective with its β: the weight of the total correlation (β-TCVAE,
 * whose α and γ stay at their default 1) or of the whole KL (β-VAE,
 * Grouped-VAE, which read no α or γ).
 */
export function weighted(
  objective: "beta-vae" | "beta-tcvae" | "grouped",
  beta: number,
): Pick<TrainConfig, "objective" | "beta"> {
  return { objective, beta };
}

/** A number as a run-name fragment: 0.5 → "0.5", 1e-3 → "0.001". */
export function tag(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** β of a run whose objective reads one (β-VAE, β-TCVAE, Grouped-VAE). */
export function betaOf(config: TrainConfig): number {
  if (config.beta === undefined) {
    throw new TypeError(`Cannot read β: the run's objective ${config.objective} has none`);
  }
  return config.beta;
}
