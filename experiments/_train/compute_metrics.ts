// Every metric computed from codes and factors, as one table (FINAL_METRICS):
// what each reads, how it is computed and which of its numbers are headlines.
// Training runs end with these (final_metrics.ts encodes the sample first) and
// `deno task score` runs them on arrays saved from anywhere: adding a metric
// to both is adding an entry.
import type { GroundTruthDataset } from "../../data/dataset.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import {
  betaVaeScore,
  type CodesAndFactors,
  dciAsync,
  dcimig,
  downstreamTask,
  explicitness,
  factorVaeScore,
  irs,
  jemmig,
  mig,
  modularity,
  posteriorMig,
  sap,
  unsupervisedScores,
} from "../../metrics/mod.ts";

/**
 * One metric's outcome: its full result (with `notes` on the headline numbers
 * left out of the scores because they are not finite, each saying why), or
 * why it could not be computed.
 */
export type MetricOutcome =
  | { result: unknown; seconds: number; notes?: Record<string, string> }
  | { error: string };

/** What a metric can read, by kind; a kind is missing when the data set cannot provide it. */
export interface MetricInputs {
  /** The posterior means of the sample, `[n][D]`. */
  codes: { codes: ReadonlyArray<ArrayLike<number>> };
  /** The means with the factor labels of the same samples, whole and split 2:1. */
  labelled: {
    codes: ReadonlyArray<ArrayLike<number>>;
    factors: number[][];
    train: CodesAndFactors;
    test: CodesAndFactors;
    /** K, the number of factors. */
    factorCount: number;
  };
  /** The posterior means and log-variances with the factor labels. */
  posterior: {
    mean: ReadonlyArray<ArrayLike<number>>;
    logVar: ReadonlyArray<ArrayLike<number>>;
    factors: number[][];
  };
  /** A data set that renders observations from sampled factors, and the encoder to score. */
  sampler: {
    dataset: GroundTruthDataset;
    represent: (observations: Observations) => Float32Array[];
    /** --score-points: training points of the sampled scores (half as many to evaluate). */
    numTrain: number;
    numEval: number;
  };
}

/** What every metric is computed with beside its input. */
interface MetricContext {
  seed: number;
  /** For the long ones: called as each factor is done. */
  onProgress?: (done: number, total: number) => void;
}

/** One metric of the table. */
interface MetricEntry<K extends keyof MetricInputs, R> {
  /** Its key in `details` (and in the log line when it fails). */
  name: string;
  /** The kind of input it reads; without it the metric is left out. */
  needs: K;
  /** Whether it is worth computing on this input (default: always). */
  applies?: (input: MetricInputs[K]) => boolean;
  compute: (input: MetricInputs[K], context: MetricContext) => R | Promise<R>;
  /** Left out unless asked for by name (runs do not compute it). */
  optIn?: boolean;
  /** The numbers of its result that go into `scores`. */
  headline: (result: R, input: MetricInputs[K]) => Record<string, number>;
  /**
   * Why a headline number came out ±Infinity or NaN (it is then left out of
   * `scores` with this reason in the outcome's `notes`, never written as null).
   */
  notFinite?: (key: string, result: R, input: MetricInputs[K]) => string;
}

/** A table entry with its types checked, ready to run on whatever inputs exist. */
interface FinalMetric {
  name: string;
  optIn: boolean;
  run(inputs: Partial<MetricInputs>, context: MetricContext, into: Recorder): Promise<void>;
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
    optIn: entry.optIn ?? false,
    async run(inputs, context, into) {
      const input = inputs[entry.needs];
      if (input === undefined || (entry.applies && !entry.applies(input))) return;
      const result = await timed(entry.name, into, () => entry.compute(input, context));
      if (result === undefined) return;
      const notes: Record<string, string> = {};
      for (const [key, value] of Object.entries(entry.headline(result, input))) {
        if (Number.isFinite(value)) {
          into.scores[key] = value;
          continue;
        }
        const why = entry.notFinite?.(key, result, input);
        notes[key] = `${key} is ${value}${why ? ` (${why})` : ""}, so it is left out of the scores`;
        into.log(`metric ${notes[key]}`);
      }
      if (Object.keys(notes).length > 0) {
        Object.assign(into.details[entry.name], { notes });
      }
    },
  };
}

/** Every metric, in the order they run and their scores are listed. */
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
    // Only the total correlation can be infinite: log det of a singular covariance.
    notFinite: (_key, r) => {
      const varying = r.covariance.filter((row, i) => row[i] > 0).length;
      return r.samples <= varying
        ? `the covariance of ${r.samples} codes with ${varying} varying dimensions is singular: ` +
          `it needs more samples than dimensions`
        : "the codes' covariance is singular: a code dimension is a linear combination of others";
    },
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
    // On Workers, one factor each up to the core count: the same result as dci, sooner.
    compute: ({ train, test }, { seed, onProgress }) => dciAsync(train, test, { seed, onProgress }),
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
    compute: ({ train, test }, { onProgress }) => explicitness(train, test, { onProgress }),
    headline: (r) => ({ explicitness: r.score }),
  }),
  metric({
    name: "betaVaeScore",
    needs: "sampler",
    compute: ({ dataset, represent, numTrain, numEval }, { seed }) =>
      betaVaeScore(dataset, represent, { numTrain, numEval, seed }),
    headline: (r) => ({ betaVaeScore: r.evalAccuracy }),
  }),
  metric({
    name: "factorVaeScore",
    needs: "sampler",
    compute: ({ dataset, represent, numTrain, numEval }, { seed }) =>
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
  metric({
    name: "dcimig",
    needs: "labelled",
    // A gap between a code's two most informative factors needs two factors.
    applies: ({ factorCount }) => factorCount > 1,
    compute: ({ codes, factors }) => dcimig(codes, factors),
    headline: (r) => ({ dcimig: r.score }),
  }),
  metric({
    name: "jemmig",
    needs: "labelled",
    // The gap to the second most informative code needs two code dimensions.
    applies: ({ codes }) => codes.length > 0 && codes[0].length > 1,
    compute: ({ codes, factors }) => jemmig(codes, factors),
    headline: (r) => ({ jemmig: r.score }),
  }),
  metric({
    name: "downstream",
    needs: "labelled",
    // ~10 s of cross-validated fits: deno task score computes it, runs do not.
    optIn: true,
    compute: ({ train, test }, { seed, onProgress }) =>
      downstreamTask(train, test, {
        sizes: downstreamSizes(train.codes.length),
        seed,
        ...(onProgress ? { onProgress } : {}),
      }),
    // The accuracies at the largest training size; every size is in the details.
    headline: (r) => ({
      downstreamLogisticRegression: r.logisticRegression!.at(-1)!.meanTestAccuracy,
      downstreamBoostedTrees: r.boostedTrees!.at(-1)!.meanTestAccuracy,
    }),
  }),
  metric({
    name: "posteriorMig",
    needs: "posterior",
    optIn: true,
    compute: ({ mean, logVar, factors }, { seed }) =>
      posteriorMig({ mean, logVar }, factors, { seed }),
    headline: (r) => ({ posteriorMig: r.score }),
  }),
];

/**
 * The downstream task's training sizes: disentanglement_lib's 10, 100, 1 000
 * and 10 000 up to the rows there are, or all of them when fewer than 10.
 */
export function downstreamSizes(rows: number): number[] {
  const sizes = [10, 100, 1000, 10000].filter((s) => s <= rows);
  return sizes.length > 0 ? sizes : [rows];
}

/** Every metric's name, in the order they run. */
export const METRIC_NAMES: readonly string[] = FINAL_METRICS.map((m) => m.name);

/** The metrics a training run ends with (every one but the opt-in ones). */
export const RUN_METRICS: readonly string[] = FINAL_METRICS.filter((m) => !m.optIn).map((m) =>
  m.name
);

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

/** Options of {@link computeMetrics}. */
export interface ComputeMetricsOptions {
  /** Seed of the metrics that sample or break ties. */
  seed: number;
  /** Where a metric that fails says why (it is left out, its error kept in `details`). */
  log: (line: string) => void;
  /**
   * The metrics to compute, by name (see {@link METRIC_NAMES}); those whose
   * input is missing are left out.
   * @default {RUN_METRICS}
   */
  metrics?: readonly string[];
  /**
   * Called by the long metrics (DCI, explicitness) as each factor is done.
   * @default {undefined}
   */
  onProgress?: (metric: string, done: number, total: number) => void;
}

/**
 * Computes every chosen metric that `inputs` allow, in table order: the
 * headline numbers in `scores` and each metric's full result (with the
 * settings it echoes) or error in `details`.
 */
export async function computeMetrics(
  inputs: Partial<MetricInputs>,
  options: ComputeMetricsOptions,
): Promise<{ scores: Record<string, number>; details: Record<string, MetricOutcome> }> {
  const { seed, log, metrics = RUN_METRICS, onProgress } = options;
  const unknown = metrics.filter((name) => !METRIC_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `Cannot compute the metrics: unknown metric ${unknown.join(", ")} (the metrics are ${
        METRIC_NAMES.join(", ")
      })`,
    );
  }
  const into: Recorder = { scores: {}, details: {}, log };
  for (const m of FINAL_METRICS) {
    if (!metrics.includes(m.name)) continue;
    const progress = onProgress &&
      ((done: number, total: number) => onProgress(m.name, done, total));
    await m.run(inputs, { seed, ...(progress ? { onProgress: progress } : {}) }, into);
  }
  return { scores: into.scores, details: into.details };
}
