// What the parts of a training run hand each other, from the run folder to
// the summary: prepareRunFolder → setUpRun → trainLoop → finishRun.
import type { Dataset } from "../../data/dataset.ts";
import type { Vae } from "../../models/build_vae.ts";
import type { AdamOptimizer } from "../../models/fused_adam.ts";
import type { ObjectiveState } from "../../models/train_step.ts";
import type { FinalMetrics } from "./final_metrics.ts";

/** What the run reports to its caller (and writes as summary.json). */
export interface RunSummary {
  runDir: string;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  backend: string;
  finalTrain: Record<string, number>;
  finalValidation: Record<string, number> | null;
  metrics: FinalMetrics;
}

/** Where output goes: log lines, progress text, and whether stdout is a terminal. */
export interface RunIo {
  log: (line: string) => void;
  write: (text: string) => void;
  tty: boolean;
}

/** Where a run lives, and the hash of the options a resume must match. */
export interface RunFolder {
  runDir: string;
  checkpointDir: string;
  configHash: string;
}

/** One session of a run (the first, or a resume) and how long it trained. */
export interface Session {
  startedAt: string;
  seconds: number;
}

/** What saved models record about themselves (model/vae.json, the checkpoint). */
export type ModelConfig = {
  architecture: string;
  latentDim: number;
  inputShape: readonly number[];
  objective: string;
  likelihood: string;
  data: string;
};

/** A run ready to train: backend chosen, data split, model built or restored. */
export interface RunSetup {
  /** The active tfjs backend and the native libraries it uses, e.g. "wasm + OpenBLAS + oneDNN". */
  backend: string;
  dataset: Dataset;
  /** Data-set indices trained on (sorted). */
  train: Int32Array;
  /** Data-set indices held out (sorted). */
  validation: Int32Array;
  vae: Vae;
  optimizer: AdamOptimizer;
  /** What the objective carries between steps (FactorVAE's discriminator), new or restored. */
  objectiveState: ObjectiveState;
  /** Minibatches one step consumes (the objective's: FactorVAE takes a second one). */
  minibatchesPerStep: 1 | 2;
  modelConfig: ModelConfig;
  /** The step training starts from: 0, or the checkpoint's. */
  startStep: number;
  /** The earlier sessions of a resumed run. */
  history: Session[];
}

/** A validation pass over the held-out examples. */
export interface Validation {
  /** The mean of every term of the step report. */
  means: Record<string, number>;
  /** The KL of each latent dimension. */
  klPerDimension: number[];
  /** How many posterior means vary (Var[μ_j] > 0.01). */
  activeUnits: number;
}

/** How the training loop ended. */
export interface TrainingOutcome {
  /** Means over the last logged window of steps ({} if none this session). */
  lastTrain: Record<string, number>;
  /** KL per dimension over that window ([] if none). */
  lastTrainKl: number[];
  /** The last validation pass (null if none this session). */
  lastValidation: Validation | null;
  /** Seconds this session trained. */
  seconds: number;
  stepsPerSecond: number;
}
