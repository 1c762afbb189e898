// `deno task score`: the metric table of compute_metrics.ts run on arrays read
// from files (a seeded split when no test files are given), or on a trained
// run's own data, encoded by its final model as the run's last step does.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { splitIndices } from "../../data/split_indices.ts";
import { useBackend } from "../../models/use_backend.ts";
import { splitOf } from "../_experiments/held_out.ts";
import { withModel } from "../_experiments/with_model.ts";
import { CliError } from "../_train/cli_error.ts";
import {
  computeMetrics,
  type MetricInputs,
  type MetricOutcome,
} from "../_train/compute_metrics.ts";
import { distinctIndices } from "../_train/distinct_indices.ts";
import { finalMetrics } from "../_train/final_metrics.ts";
import { trainConfig } from "../_train/options.ts";
import { VERSION } from "../_version.ts";
import { type LoadedMatrix, loadMatrix } from "./load_matrix.ts";
import type { ScoreConfig } from "./options.ts";

/** What a score leaves: the inputs, the split, every metric's result. */
export interface ScoreResult {
  /** The library version (deno.json). */
  version: string;
  /** The files (or run folder) scored, with the array of each. */
  inputs: Record<string, string>;
  /** Rows, code dimensions D and factors K. */
  rows: number;
  codeDims: number;
  factorCount: number;
  /** How the rows were split for the metrics fitted on one part and tested on another. */
  split: {
    kind: "test files" | "seeded" | "run";
    train: number;
    test: number;
    testFraction?: number;
    seed: number;
  };
  /** Headline numbers. */
  scores: Record<string, number>;
  /** Each metric's full result (with the settings it echoes) or its error. */
  details: Record<string, MetricOutcome>;
  /** Metrics asked for that the inputs cannot give, with what they need. */
  notComputed: Record<string, string>;
}

/** Where the command writes. */
export interface ScoreIo {
  log: (line: string) => void;
  onProgress?: (metric: string, done: number, total: number) => void;
}

/** What each kind of input needs, to say why a metric was not computed. */
const NEEDS: Record<string, string> = {
  betaVaeScore: "needs --run (it renders observations from sampled factors)",
  factorVaeScore: "needs --run (it renders observations from sampled factors)",
  posteriorMig: "needs --mean and --log-var (or --run)",
};

/** Scores the files or the run of `config`. */
export async function runScore(config: ScoreConfig, io: ScoreIo): Promise<ScoreResult> {
  return config.run !== "" ? await scoreRun(config, io) : await scoreFiles(config, io);
}

function sameRows(a: LoadedMatrix, b: LoadedMatrix): void {
  if (a.shape[0] !== b.shape[0]) {
    throw new CliError(
      `Cannot score: ${a.label} has ${a.shape[0]} rows but ${b.label} has ${b.shape[0]}`,
    );
  }
}

function sameColumns(a: LoadedMatrix, b: LoadedMatrix, what: string): void {
  if (a.shape[1] !== b.shape[1]) {
    throw new CliError(
      `Cannot score: ${a.label} has ${a.shape[1]} ${what} but ${b.label} has ${b.shape[1]}`,
    );
  }
}

async function scoreFiles(config: ScoreConfig, io: ScoreIo): Promise<ScoreResult> {
  const codesKey = { key: config.codesKey, keyFlag: "--codes-key" };
  const factorsKey = { key: config.factorsKey, keyFlag: "--factors-key" };
  const codesPath = config.codes !== "" ? config.codes : config.mean;
  const codes = await loadMatrix(codesPath, { ...codesKey, defaults: ["codes", "mean"] });
  const factors = await loadMatrix(config.factors, { ...factorsKey, defaults: ["factors"] });
  sameRows(codes, factors);
  const inputs: Record<string, string> = { codes: codes.label, factors: factors.label };
  let posterior: MetricInputs["posterior"] | undefined;
  if (config.mean !== "") {
    const mean = config.mean === codesPath ? codes : await loadMatrix(config.mean, {
      key: "",
      keyFlag: "a file of one array",
      defaults: ["mean"],
    });
    const logVar = await loadMatrix(config.logVar, {
      key: "",
      keyFlag: "a file of one array",
      defaults: ["log_var", "logvar", "logVar"],
    });
    sameRows(mean, factors);
    sameRows(logVar, factors);
    sameColumns(mean, logVar, "columns");
    inputs.mean = mean.label;
    inputs.logVar = logVar.label;
    posterior = {
      mean: mean.rows,
      logVar: logVar.rows,
      factors: factors.rows.map((r) => Array.from(r)),
    };
  }
  let train: { codes: Float64Array[]; factors: number[][] };
  let test: { codes: Float64Array[]; factors: number[][] };
  let split: ScoreResult["split"];
  const labels = (m: LoadedMatrix) => m.rows.map((r) => Array.from(r));
  if (config.testCodes !== "") {
    const testCodes = await loadMatrix(config.testCodes, {
      ...codesKey,
      defaults: ["test_codes", "codes"],
    });
    const testFactors = await loadMatrix(config.testFactors, {
      ...factorsKey,
      defaults: ["test_factors", "factors"],
    });
    sameRows(testCodes, testFactors);
    sameColumns(codes, testCodes, "code dimensions");
    sameColumns(factors, testFactors, "factors");
    inputs.testCodes = testCodes.label;
    inputs.testFactors = testFactors.label;
    train = { codes: codes.rows, factors: labels(factors) };
    test = { codes: testCodes.rows, factors: labels(testFactors) };
    split = {
      kind: "test files",
      train: codes.shape[0],
      test: testCodes.shape[0],
      seed: config.seed,
    };
  } else {
    const n = codes.shape[0];
    const parts = splitIndices(n, { validationFraction: config.testFraction, seed: config.seed });
    const all = labels(factors);
    const pick = (indices: Int32Array) => ({
      codes: Array.from(indices, (i) => codes.rows[i]),
      factors: Array.from(indices, (i) => all[i]),
    });
    train = pick(parts.train);
    test = pick(parts.validation);
    split = {
      kind: "seeded",
      train: train.codes.length,
      test: test.codes.length,
      testFraction: config.testFraction,
      seed: config.seed,
    };
    io.log(
      `no --test-codes/--test-factors: a seeded split of the ${n} rows, ${split.train} to fit and ${split.test} to test (--test-fraction ${config.testFraction}, --seed ${config.seed})`,
    );
  }
  const allCodes = [...train.codes, ...test.codes];
  const allFactors = [...train.factors, ...test.factors];
  const metricInputs: Partial<MetricInputs> = {
    codes: { codes: allCodes },
    labelled: {
      codes: allCodes,
      factors: allFactors,
      train,
      test,
      factorCount: factors.shape[1],
    },
    ...(posterior ? { posterior } : {}),
  };
  const { scores, details } = await computeMetrics(metricInputs, {
    seed: config.seed,
    log: io.log,
    metrics: config.metricList,
    ...(io.onProgress ? { onProgress: io.onProgress } : {}),
  });
  return {
    version: VERSION,
    inputs,
    rows: allCodes.length,
    codeDims: codes.shape[1],
    factorCount: factors.shape[1],
    split,
    scores,
    details,
    notComputed: notComputed(config.metricList, details, posterior !== undefined, false),
  };
}

function notComputed(
  asked: readonly string[],
  details: Record<string, MetricOutcome>,
  posterior: boolean,
  run: boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of asked) {
    if (name in details) continue;
    if (name === "posteriorMig" && !posterior) out[name] = NEEDS.posteriorMig;
    else if (!run && NEEDS[name]) out[name] = NEEDS[name];
    else out[name] = "does not apply to these inputs (modularity needs 2 factors or more)";
  }
  return out;
}

async function scoreRun(config: ScoreConfig, io: ScoreIo): Promise<ScoreResult> {
  const dir = config.run;
  const configPath = join(dir, "config.json");
  if (!existsSync(configPath)) {
    throw new CliError(`Cannot score the run ${dir}: it has no config.json (is it a run folder?)`);
  }
  if (!existsSync(join(dir, "model"))) {
    throw new CliError(`Cannot score the run ${dir}: it has no model/ folder (has it finished?)`);
  }
  let saved: Record<string, unknown>;
  try {
    saved = (JSON.parse(await readFile(configPath, "utf8")) as { config: Record<string, unknown> })
      .config;
  } catch (e) {
    throw new CliError(`Cannot read ${configPath}: ${(e as Error).message}`);
  }
  if (saved === null || typeof saved !== "object") {
    throw new CliError(`Cannot read ${configPath}: it holds no "config" object`);
  }
  const run = trainConfig(saved);
  await useBackend(config.backend, { fallback: true, warn: (line) => io.log(`warning: ${line}`) });
  const { dataset, train, validation } = await splitOf(run);
  if (!dataset.factors) {
    throw new CliError(`Cannot score the run ${dir}: its data set (${run.data}) has no factors`);
  }
  const samples = config.samples > 0 ? config.samples : run.metricSamples;
  const scorePoints = config.scorePoints >= 0 ? config.scorePoints : run.scorePoints;
  io.log(`encoding ${samples} samples of ${run.data} with the model of ${dir} (seed ${run.seed})`);
  const metrics = await withModel(
    dir,
    (model) =>
      finalMetrics(
        model,
        dataset,
        validation.length >= 1000 ? validation : distinctIndices(train),
        {
          samples,
          scorePoints,
          seed: run.seed,
          log: io.log,
          metrics: config.metricList,
          ...(io.onProgress ? { onProgress: io.onProgress } : {}),
        },
      ),
  );
  const fitted = Math.floor((2 * metrics.samples) / 3);
  return {
    version: VERSION,
    inputs: { run: dir, data: run.data },
    rows: metrics.samples,
    codeDims: run.latentDim,
    factorCount: dataset.factors(Int32Array.of(0))[0]?.length ?? 0,
    split: { kind: "run", train: fitted, test: metrics.samples - fitted, seed: run.seed },
    scores: metrics.scores,
    details: metrics.details,
    notComputed: notComputed(config.metricList, metrics.details, true, true),
  };
}
