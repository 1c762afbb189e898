// The metrics a run ends with: every score the data set's factors allow,
// computed from the encoder's posterior means on a seeded sample. Each metric
// is one entry of FINAL_METRICS, saying what it reads, how it is computed and
// which of its numbers are headlines: adding a metric to every run is adding
// an entry.
import type { Vae } from "../../models/build_vae.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import type { Dataset, GroundTruthDataset } from "../../data/dataset.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import { permutation } from "../../data/permutation.ts";
import {
  activeUnits,
  betaVaeScore,
  type CodesAndFactors,
  dci,
  explicitness,
  factorVaeScore,
  irs,
  mig,
  modularity,
  sap,
  unsupervisedScores,
} from "../../metrics/mod.ts";

/** One metric's outcome: its full result, or why it could not be computed. */
export type MetricOutcome = { result: unknown; seconds: number } | { error: string };

export interface FinalMetrics {
  /** Headline numbers for tables, e.g. `{ mig: 0.31, dciDisentanglement: 0.4 }`. */
  scores: Record<string, number>;
  /** Each metric's full result (with the settings it echoes) or its error. */
  details: Record<string, MetricOutcome>;
  /** Latent dimensions whose posterior mean varies (variance > 0.01). */
  activeUnits: number[];
  /** Samples encoded. */
  samples: number;
}

/** What a metric can read, by kind; a kind is missing when the data set cannot provide it. */
interface MetricInputs {
  /** The posterior means of the sample, `[n][D]`. */
  codes: { codes: Float32Array[] };
  /** The means with the factor labels of the same samples, whole and split 2:1. */
  labelled: {
    codes: Float32Array[];
    factors: number[][];
    train: CodesAndFactors;
    test: CodesAndFactors;
    /** K, the number of factors. */
    factorCount: number;
  };
  /** The posterior means and log-variances with the factor labels. */
  posterior: { mean: Float32Array[]; logVar: Float32Array[]; factors: number[][] };
  /** A data set that renders observations from sampled factors, and the encoder to score. */
  sampler: {
    dataset: GroundTruthDataset;
    represent: (observations: Observations) => Float32Array[];
    /** --score-points: training points of the sampled scores (half as many to evaluate). */
    numTrain: number;
    numEval: number;
  };
}

/** One metric of the table. */
interface MetricEntry<K extends keyof MetricInputs, R> {
  /** Its key in `details` (and in the log line when it fails). */
  name: string;
  /** The kind of input it reads; without it the metric is left out. */
  needs: K;
  /** Whether it is worth computing on this input (default: always). */
  applies?: (input: MetricInputs[K]) => boolean;
  compute: (input: MetricInputs[K], seed: number) => R | Promise<R>;
  /** The numbers of its result that go into `scores`. */
  headline: (result: R, input: MetricInputs[K]) => Record<string, number>;
}

/** A table entry with its types checked, ready to run on whatever inputs exist. */
interface FinalMetric {
  name: string;
  run(inputs: Partial<MetricInputs>, seed: number, into: Recorder): Promise<void>;
}

/** Where results go: the headline scores, the details, the log. */
interface Recorder {
  scores: Record<string, number>;
  details: Record<string, MetricOutcome>;
  log: (line: string) => void;
}

function metric<K extends keyof MetricInputs, R>(entry: MetricEntry<K, R>): FinalMetric {
  return {
    name: entry.name,
    async run(inputs, seed, into) {
      const input = inputs[entry.needs];
      if (input === undefined || (entry.applies && !entry.applies(input))) return;
      const result = await timed(entry.name, into, () => entry.compute(input, seed));
      if (result !== undefined) Object.assign(into.scores, entry.headline(result, input));
    },
  };
}

/** Every metric a run ends with, in the order they run and their scores are listed. */
const FINAL_METRICS: readonly FinalMetric[] = [
  metric({
    name: "unsupervised",
    needs: "codes",
    compute: ({ codes }) => unsupervisedScores(codes),
    headline: (r) => ({
      gaussianTotalCorrelation: r.gaussianTotalCorrelation,
      gaussianWassersteinCorrelationNorm: r.gaussianWassersteinCorrelationNorm,
      mutualInfoScore: r.mutualInfoScore,
    }),
  }),
  metric({
    name: "mig",
    needs: "labelled",
    compute: ({ codes, factors }) => mig(codes, factors),
    headline: (r) => ({ mig: r.score }),
  }),
  metric({
    name: "sap",
    needs: "labelled",
    compute: ({ train, test }) => sap(train, test),
    headline: (r) => ({ sap: r.score }),
  }),
  metric({
    name: "dci",
    needs: "labelled",
    compute: ({ train, test }, seed) => dci(train, test, { seed }),
    headline: (r, { factorCount }) => ({
      // With one factor, disentanglement is 1 by construction: not worth a headline.
      ...(factorCount > 1 ? { dciDisentanglement: r.disentanglement } : {}),
      dciCompleteness: r.completeness,
      dciInformativeness: r.informativeness.test,
    }),
  }),
  metric({
    name: "modularity",
    needs: "labelled",
    applies: ({ factorCount }) => factorCount > 1,
    compute: ({ codes, factors }) => modularity(codes, factors),
    headline: (r) => ({ modularity: r.score }),
  }),
  metric({
    name: "explicitness",
    needs: "labelled",
    compute: ({ train, test }) => explicitness(train, test),
    headline: (r) => ({ explicitness: r.score }),
  }),
  metric({
    name: "betaVaeScore",
    needs: "sampler",
    compute: ({ dataset, represent, numTrain, numEval }, seed) =>
      betaVaeScore(dataset, represent, { numTrain, numEval, seed }),
    headline: (r) => ({ betaVaeScore: r.evalAccuracy }),
  }),
  metric({
    name: "factorVaeScore",
    needs: "sampler",
    compute: ({ dataset, represent, numTrain, numEval }, seed) =>
      factorVaeScore(dataset, represent, {
        numTrain,
        numEval,
        seed,
        numVarianceEstimate: Math.min(10_000, 4 * numTrain),
      }),
    headline: (r) => ({ factorVaeScore: r.evalAccuracy }),
  }),
  metric({
    name: "irs",
    needs: "labelled",
    compute: ({ codes, factors }) => irs(codes, factors),
    headline: (r) => ({ irs: r.score }),
  }),
];

function isGroundTruth(d: Dataset): d is GroundTruthDataset {
  return typeof (d as GroundTruthDataset).sampleFactors === "function" &&
    typeof (d as GroundTruthDataset).observationsFromFactors === "function";
}

/** Runs `fn`, recording its result and seconds (or its error) under `name`. */
async function timed<R>(
  name: string,
  into: Recorder,
  fn: () => R | Promise<R>,
): Promise<R | undefined> {
  const t0 = performance.now();
  try {
    const result = await fn();
    into.details[name] = { result, seconds: (performance.now() - t0) / 1000 };
    return result;
  } catch (e) {
    const message = (e as Error).message;
    into.details[name] = { error: message };
    into.log(`metric ${name} skipped: ${message}`);
    return undefined;
  }
}

/** Encodes a seeded sample of `indices` and computes every applicable metric. */
export async function finalMetrics(
  vae: Vae,
  dataset: Dataset,
  indices: Int32Array,
  options: { samples: number; scorePoints: number; seed: number; log: (line: string) => void },
): Promise<FinalMetrics> {
  const { samples, scorePoints, seed, log } = options;
  // A seeded sample (without replacement) of the evaluation indices.
  const n = Math.min(samples, indices.length);
  const sample = permutation(indices, { seed, stream: 0x6d657472 }).subarray(0, n);
  const mean: Float32Array[] = [];
  const logVar: Float32Array[] = [];
  for (let start = 0; start < n; start += 512) {
    const part = sample.subarray(start, Math.min(n, start + 512));
    const encoded = encodeObservations(vae.encoder, await dataset.observations(part));
    mean.push(...encoded.mean);
    logVar.push(...encoded.logVar);
  }
  const { active } = activeUnits(mean);
  const into: Recorder = { scores: { activeUnits: active.length }, details: {}, log };
  const inputs = metricInputs(vae, dataset, sample, { mean, logVar }, scorePoints);
  for (const m of FINAL_METRICS) await m.run(inputs, seed, into);
  return { scores: into.scores, details: into.details, activeUnits: active, samples: n };
}

/** The inputs this data set can give the metrics (factors only if it has them). */
function metricInputs(
  vae: Vae,
  dataset: Dataset,
  sample: Int32Array,
  { mean, logVar }: { mean: Float32Array[]; logVar: Float32Array[] },
  scorePoints: number,
): Partial<MetricInputs> {
  if (!dataset.factors) return { codes: { codes: mean } };
  const factors = dataset.factors(sample);
  const split = Math.floor((2 * mean.length) / 3);
  const labelled = {
    codes: mean,
    factors,
    train: { codes: mean.slice(0, split), factors: factors.slice(0, split) },
    test: { codes: mean.slice(split), factors: factors.slice(split) },
    factorCount: factors[0]?.length ?? 0,
  };
  const sampler = isGroundTruth(dataset) && scorePoints > 0
    ? {
      dataset,
      represent: (obs: Observations) => encodeObservations(vae.encoder, obs).mean,
      numTrain: scorePoints,
      numEval: Math.max(1, Math.floor(scorePoints / 2)),
    }
    : undefined;
  return {
    codes: { codes: mean },
    labelled,
    posterior: { mean, logVar, factors },
    ...(sampler ? { sampler } : {}),
  };
}
