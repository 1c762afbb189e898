// Builds the trainer's configuration of one planned run: the trainer's
// defaults, then the experiment's preset values, then the command line's
// overrides; the run folder is <experiment>/runs/<id>.
import { join } from "node:path";
import { parseTrainArgs, type TrainConfig } from "../_train/options.ts";
import type { ExperimentContext, PlannedRun } from "./types.ts";

/** Overrides that map one to one onto trainer options. */
const DIRECT = [
  "steps",
  "data",
  "dataPath",
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
  const config: TrainConfig = { ...parseTrainArgs([]), klWarmup: 0, initialLogVar: 0, ...values };
  for (const key of DIRECT) {
    const v = context.overrides[key];
    if (v !== undefined) (config as unknown as Record<string, unknown>)[key] = v;
  }
  config.out = join(context.dir, "runs");
  config.name = id;
  config.resume = false;
  // Validation and checkpoints never fall after the last step.
  config.evalEvery = Math.min(config.evalEvery, config.steps);
  config.checkpointEvery = Math.min(config.checkpointEvery, config.steps);
  config.logEvery = Math.min(config.logEvery, config.steps);
  return { id, config, labels };
}

/** A number as a run-name fragment: 0.5 → "0.5", 1e-3 → "0.001". */
export function tag(value: number): string {
  return String(Number(value.toPrecision(6)));
}
