// The training run behind `deno task train`: data → model → steps (logged,
// validated, checkpointed) → final model, pictures and metrics in a run folder.
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildVae } from "../../models/build_vae.ts";
import { evaluateBatch } from "../../models/evaluate_batch.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { loadCheckpoint } from "../../models/load_checkpoint.ts";
import { saveCheckpoint } from "../../models/save_checkpoint.ts";
import { saveVae } from "../../models/save_vae.ts";
import { type StepReport, trainStep } from "../../models/train_step.ts";
import { useBackend } from "../../models/use_backend.ts";
import type { Vae } from "../../models/build_vae.ts";
import { splitIndices } from "../../data/split_indices.ts";
import { shuffleInPlace } from "../../data/_permutation.ts";
import type { Dataset } from "../../data/dataset.ts";
import { linearSchedule } from "../../losses/linear_schedule.ts";
import type { Hyperparameter } from "../../losses/types.ts";
import { CliError } from "./cli_error.ts";
import { type FinalMetrics, finalMetrics } from "./final_metrics.ts";
import { makeDataset } from "./make_dataset.ts";
import { type TrainConfig, TRAINING_KEYS } from "./options.ts";
import { Progress } from "./progress.ts";
import { trimLog } from "./trim_log.ts";
import { VERSION } from "../_version.ts";
import { priorSampleGrid, reconstructionGrid, traversalGrid } from "./visuals.ts";

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

function configHash(config: TrainConfig): string {
  const picked: Record<string, unknown> = {};
  for (const key of TRAINING_KEYS) {
    picked[key] = (config as unknown as Record<string, unknown>)[key];
  }
  return createHash("sha256").update(JSON.stringify(picked)).digest("hex").slice(0, 16);
}

function mean(reports: StepReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(reports[0]) as (keyof StepReport)[]) {
    if (key === "klPerDimension") continue;
    out[key] = reports.reduce((s, r) => s + (r[key] as number), 0) / reports.length;
  }
  return out;
}

function meanPerDim(reports: StepReport[]): number[] {
  const d = reports[0].klPerDimension.length;
  return Array.from(
    { length: d },
    (_, j) => reports.reduce((s, r) => s + r.klPerDimension[j], 0) / reports.length,
  );
}

async function batchTensor(dataset: Dataset, indices: Int32Array): Promise<tf.Tensor4D> {
  const obs = await dataset.observations(indices);
  return tf.tensor4d(obs.data, obs.shape as [number, number, number, number]);
}

/** The training step's hyper-parameters, with the per-term warm-ups and the capacity schedule. */
function objectiveOptions(config: TrainConfig, datasetSize: number) {
  // A term's own warm-up, or the shared KL warm-up when it is -1.
  const warm = (v: number, own: number): Hyperparameter => {
    const steps = own >= 0 ? own : config.klWarmup;
    return steps > 0 ? linearSchedule({ from: 0, to: v, steps }) : v;
  };
  return {
    objective: config.objective,
    datasetSize,
    beta: warm(config.objective === "vae" ? 1 : config.beta, config.betaWarmup),
    alpha: warm(config.alpha, config.alphaWarmup),
    gamma: config.objective === "capacity" ? config.gamma : warm(config.gamma, config.gammaWarmup),
    capacity: linearSchedule({ from: 0, to: config.capacityMax, steps: config.capacitySteps }),
    estimator: config.estimator,
    likelihood: config.likelihood,
    ...(config.groupSizes.length > 0 ? { groupSizes: config.groupSizes } : {}),
  };
}

/** Runs (or resumes) one training run as configured; throws CliError for user mistakes. */
export async function runTraining(config: TrainConfig, io: RunIo): Promise<RunSummary> {
  const runDir = join(config.out, config.name);
  const checkpointDir = join(runDir, "checkpoint");
  const hash = configHash(config);

  // The run folder: a new run must not overwrite another; a resume must match.
  let startStep = 0;
  if (config.resume) {
    if (!existsSync(join(checkpointDir, "state.json"))) {
      throw new CliError(
        `Cannot resume: ${runDir} has no checkpoint (${checkpointDir}/state.json)`,
      );
    }
    const saved = JSON.parse(await readFile(join(runDir, "config.json"), "utf8"));
    if (saved.configHash !== hash) {
      const changed = TRAINING_KEYS.filter((k) =>
        JSON.stringify(saved.config?.[k]) !==
          JSON.stringify((config as unknown as Record<string, unknown>)[k])
      ).map((k) =>
        `${k} ${JSON.stringify(saved.config?.[k])} → ${
          JSON.stringify((config as unknown as Record<string, unknown>)[k])
        }`
      );
      throw new CliError(
        `Cannot resume ${runDir}: the options differ from the run's (${changed.join("; ")})`,
      );
    }
  } else if (existsSync(runDir)) {
    const done = existsSync(join(runDir, "summary.json"));
    throw new CliError(
      `Cannot start the run: ${runDir} already exists${
        done ? " and holds a finished run" : " (an unfinished run: add --resume to continue it)"
      }; choose another --name or remove the folder`,
    );
  }

  const selection = await useBackend(config.backend, {
    fallback: config.backendFallback,
    warn: (line: string) => io.log(`warning: ${line}`),
  }).catch((e: Error) => {
    throw new CliError(`Cannot use the ${config.backend} backend: ${e.message.split("\n")[0]}`);
  });
  io.log(`backend: ${selection.summary}`);

  const dataset = await makeDataset(config);
  const split = splitIndices(dataset.size, {
    validationFraction: config.validationFraction,
    seed: config.seed,
  });
  const { validation } = split;
  // --train-size: a seeded subset of the training split (sorted, like the split).
  const train = config.trainSize > 0 && config.trainSize < split.train.length
    ? shuffleInPlace(Int32Array.from(split.train), config.seed, 0x73756273)
      .subarray(0, config.trainSize).sort()
    : split.train;
  if (train.length < config.batchSize) {
    throw new CliError(
      `Cannot train: the training split has ${train.length} examples, fewer than --batch-size ${config.batchSize}`,
    );
  }

  await mkdir(join(runDir, "images"), { recursive: true });
  const status = (state: string, extra: Record<string, unknown> = {}) =>
    writeFile(
      join(runDir, "status.json"),
      JSON.stringify({ state, updatedAt: new Date().toISOString(), ...extra }, null, 2),
    );
  await writeFile(
    join(runDir, "config.json"),
    JSON.stringify(
      {
        version: VERSION,
        configHash: hash,
        config,
        backend: selection.active,
        dataset: {
          name: dataset.name,
          size: dataset.size,
          train: train.length,
          validation: validation.length,
        },
        createdAt: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
  await status("running");

  const optimizer = fusedAdam({ learningRate: config.lr });
  let vae: Vae;
  let history: { startedAt: string; seconds: number }[] = [];
  if (config.resume) {
    const restored = await loadCheckpoint(checkpointDir, optimizer);
    vae = restored.vae;
    startStep = restored.state.step as number;
    history = (restored.state.history as typeof history) ?? [];
    io.log(`resuming ${runDir} at step ${startStep}`);
    const dropped = await trimLog(join(runDir, "log.jsonl"), startStep);
    if (dropped > 0) {
      io.log(`dropped ${dropped} log records from after the checkpoint (those steps run again)`);
    }
  } else {
    try {
      vae = buildVae(config.model, {
        inputShape: dataset.observationShape,
        latentDim: config.latentDim,
        seed: config.seed,
        initialLogVar: config.initialLogVar,
      });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if (startStep >= config.steps) {
    io.log(`the checkpoint is at step ${startStep} ≥ --steps ${config.steps}: nothing to train`);
  }

  // Logged times count every session of the run, as summary.json does.
  const priorSeconds = history.reduce((s, h) => s + h.seconds, 0);
  const logFile = await Deno.open(join(runDir, "log.jsonl"), { create: true, append: true });
  const logLine = (record: Record<string, unknown>) =>
    logFile.write(new TextEncoder().encode(JSON.stringify(record) + "\n"));
  const options = objectiveOptions(config, train.length);
  const stepsPerEpoch = Math.floor(train.length / config.batchSize);
  const valIndices = validation.subarray(0, Math.min(validation.length, 1024));
  const modelConfig = {
    architecture: config.model,
    latentDim: config.latentDim,
    inputShape: dataset.observationShape,
    objective: config.objective,
    likelihood: config.likelihood,
    data: config.data,
  };

  const validate = async (): Promise<Record<string, unknown> | null> => {
    if (valIndices.length < 2) return null;
    const reports: StepReport[] = [];
    const means: Float32Array[] = [];
    for (let s = 0; s < valIndices.length; s += 256) {
      const x = await batchTensor(
        dataset,
        valIndices.subarray(s, Math.min(valIndices.length, s + 256)),
      );
      if (x.shape[0] >= 2) {
        reports.push(
          evaluateBatch(vae, x, { ...options, datasetSize: train.length, seed: 7919 + s, step: 0 }),
        );
        const stats = tf.tidy(() => (vae.encoder.predict(x) as tf.Tensor2D));
        const values = stats.arraySync();
        stats.dispose();
        for (const row of values) means.push(Float32Array.from(row.slice(0, config.latentDim)));
      }
      x.dispose();
    }
    let active = 0;
    for (let j = 0; j < config.latentDim; j++) {
      const m = means.reduce((s, r) => s + r[j], 0) / means.length;
      const v = means.reduce((s, r) => s + (r[j] - m) ** 2, 0) / means.length;
      if (v > 0.01) active++;
    }
    return { ...mean(reports), klPerDimension: meanPerDim(reports), activeUnits: active };
  };

  const progress = new Progress(config.steps, startStep, io.tty, io.write);
  let window: StepReport[] = [];
  let lastTrain: Record<string, number> = {};
  let lastTrainKl: number[] = [];
  let lastValidation: Record<string, number> | null = null;
  const sessionStart = new Date().toISOString();
  const checkpoint = async (step: number) => {
    await saveCheckpoint({ vae, optimizer }, checkpointDir, {
      config: modelConfig,
      state: {
        step,
        configHash: hash,
        // All randomness derives from (seed, step): batch order from (seed, epoch), noise from (seed, step).
        rng: {
          seed: config.seed,
          epoch: Math.floor(step / stepsPerEpoch),
          position: step % stepsPerEpoch,
        },
        history: [...history, { startedAt: sessionStart, seconds: progress.elapsed }],
      },
    });
  };

  let order: Int32Array | null = null;
  let orderEpoch = -1;
  try {
    for (let step = startStep; step < config.steps; step++) {
      const epoch = Math.floor(step / stepsPerEpoch);
      if (epoch !== orderEpoch) {
        order = shuffleInPlace(Int32Array.from(train), config.seed, epoch);
        orderEpoch = epoch;
      }
      const at = (step % stepsPerEpoch) * config.batchSize;
      const x = await batchTensor(dataset, order!.subarray(at, at + config.batchSize));
      let report: StepReport;
      try {
        report = trainStep({ vae, optimizer }, x, {
          ...options,
          step,
          seed: config.seed * 1_000_003 + step,
        });
      } finally {
        x.dispose();
      }
      window.push(report);
      const done = step + 1;
      if (done % config.logEvery === 0 || done === config.steps) {
        lastTrain = mean(window);
        lastTrainKl = meanPerDim(window);
        await logLine({
          step: done,
          epoch,
          seconds: priorSeconds + progress.elapsed,
          stepsPerSecond: progress.rate,
          train: { ...lastTrain, klPerDimension: lastTrainKl },
        });
        window = [];
      }
      if (done % config.evalEvery === 0 || done === config.steps) {
        const v = await validate();
        if (v) {
          lastValidation = Object.fromEntries(
            Object.entries(v).filter(([, val]) => typeof val === "number"),
          ) as Record<string, number>;
          await logLine({
            step: done,
            epoch,
            seconds: priorSeconds + progress.elapsed,
            validation: v,
          });
        }
      }
      if (done % config.checkpointEvery === 0 || done === config.steps) await checkpoint(done);
      progress.update(
        done,
        `loss ${report.loss.toFixed(2)} rec ${report.reconstruction.toFixed(1)} kl ${
          report.kl.toFixed(1)
        } tc ${report.tc.toFixed(2)}`,
      );
    }
  } catch (e) {
    progress.interrupt();
    logFile.close();
    await status("failed", { error: (e as Error).message });
    if (e instanceof RangeError && /not finite/.test(e.message)) {
      throw new CliError(
        `${e.message}. The last checkpoint (${checkpointDir}) is from before it; lower --lr or check the data.`,
      );
    }
    throw e;
  }
  logFile.close();
  const trainingSeconds = progress.elapsed;
  const stepsPerSecond = progress.rate;

  io.log("saving the model, pictures and final metrics...");
  await rm(join(runDir, "model"), { recursive: true, force: true });
  await saveVae(vae, join(runDir, "model"), { config: modelConfig });

  // Pictures: reconstructions of validation (or training) images, prior samples, traversals.
  const pictureIndices = (valIndices.length >= 16 ? valIndices : train).subarray(0, 16);
  const x = await batchTensor(dataset, pictureIndices);
  await writeFile(
    join(runDir, "images", "reconstructions.png"),
    reconstructionGrid(vae, x, { likelihood: config.likelihood }),
  );
  await writeFile(
    join(runDir, "images", "samples.png"),
    priorSampleGrid(vae, config.latentDim, { seed: config.seed, likelihood: config.likelihood }),
  );
  const base = tf.tidy(() =>
    tf.slice(vae.encoder.predict(x) as tf.Tensor2D, [0, 0], [1, config.latentDim])
  );
  // Without a validation pass this session, the last logged training window
  // (none when a resume had nothing to train: the dimensions keep their order).
  const klOrder = (lastValidation ? (await validate())?.klPerDimension as number[] : lastTrainKl) ??
    [];
  const dims = Array.from({ length: config.latentDim }, (_, j) => j)
    .sort((a, b) => (klOrder[b] ?? 0) - (klOrder[a] ?? 0));
  await writeFile(
    join(runDir, "images", "traversals.png"),
    traversalGrid(vae, base.dataSync() as Float32Array, dims, { likelihood: config.likelihood }),
  );
  tf.dispose([x, base]);

  const metrics = await finalMetrics(vae, dataset, validation.length >= 1000 ? validation : train, {
    samples: config.metricSamples,
    scorePoints: config.scorePoints,
    seed: config.seed,
    log: io.log,
  });
  const seconds = history.reduce((s, h) => s + h.seconds, 0) + trainingSeconds;
  const summary: RunSummary = {
    runDir,
    steps: config.steps,
    seconds,
    stepsPerSecond,
    backend: selection.active,
    finalTrain: lastTrain,
    finalValidation: lastValidation,
    metrics,
  };
  await writeFile(
    join(runDir, "summary.json"),
    JSON.stringify(
      { ...summary, klOrder: dims, version: VERSION, finishedAt: new Date().toISOString() },
      null,
      2,
    ),
  );
  await status("complete");
  return summary;
}
