import type { GroundTruthData, Observations } from "../data/ground_truth_data.ts";
import { accuracy, encodeClasses, toRowMajor } from "./_classes.ts";
import { fitLogisticRegression } from "./_logistic_regression.ts";
import { metricRng } from "./_rng.ts";
import { makeSampler, type Sampler } from "./_sample_codes.ts";
import { checkInteger } from "./_validate.ts";

// The sample-based scores take the data interface of `data/`; its types are
// re-exported (type-only: metrics/ still loads no code from outside itself) so
// that the metrics module documents everything its signatures mention.
export type { GroundTruthData, Observations, Rng } from "../data/ground_truth_data.ts";

/**
 * A representation to score: maps a batch of observations to one code row per
 * observation, `[n][D]` (for example the encoder means). May be async.
 */
export type RepresentFunction = (
  observations: Observations,
) => ReadonlyArray<ArrayLike<number>> | Promise<ReadonlyArray<ArrayLike<number>>>;

/** Options of {@link betaVaeScore}. */
export interface BetaVaeScoreOptions {
  /**
   * Pairs of observations averaged into one point.
   * @default {64}
   */
  batchSize?: number;
  /**
   * Points the classifier is trained on.
   * @default {10000}
   */
  numTrain?: number;
  /**
   * Points the classifier is evaluated on.
   * @default {5000}
   */
  numEval?: number;
  /**
   * Seed of every random draw (factor choice, factor samples, observations).
   * @default {0}
   */
  seed?: number;
  /**
   * Most observations passed to one call of `represent`.
   * @default {1024}
   */
  chunkSize?: number;
}

/** Result of {@link betaVaeScore}, with the settings it was computed with. */
export interface BetaVaeScoreResult {
  /** Accuracy of the classifier on its training points. */
  readonly trainAccuracy: number;
  /** Accuracy on fresh evaluation points: the β-VAE score. */
  readonly evalAccuracy: number;
  /** Pairs per point. */
  readonly batchSize: number;
  /** Training points. */
  readonly numTrain: number;
  /** Evaluation points. */
  readonly numEval: number;
  /** Seed used. */
  readonly seed: number;
  /** Inverse regularisation strength C of the logistic regression. */
  readonly c: number;
}

const C = 1;

/** Draws `num` points: label k and features mean |z1 − z2| over pairs sharing factor k. */
async function generatePoints(
  sampler: Sampler,
  pick: (k: number) => number,
  num: number,
  batchSize: number,
  chunkSize: number,
): Promise<{ features: Float64Array[]; labels: Int32Array }> {
  const labels = new Int32Array(num);
  const perGroup = Math.max(1, Math.floor(chunkSize / (2 * batchSize)));
  let features: Float64Array[] = [];
  for (let p0 = 0; p0 < num; p0 += perGroup) {
    const count = Math.min(perGroup, num - p0);
    const rows: number[][] = [];
    for (let q = 0; q < count; q++) {
      const k = pick(sampler.nFactors);
      labels[p0 + q] = k;
      const f1 = sampler.sample(batchSize);
      const f2 = sampler.sample(batchSize);
      for (let r = 0; r < batchSize; r++) f2[r][k] = f1[r][k];
      rows.push(...f1, ...f2);
    }
    const codes = await sampler.encode(rows);
    if (features.length === 0) {
      features = Array.from({ length: codes.length }, () => new Float64Array(num));
    }
    for (let j = 0; j < codes.length; j++) {
      const col = codes[j];
      for (let q = 0; q < count; q++) {
        const base = q * 2 * batchSize;
        let s = 0;
        for (let r = 0; r < batchSize; r++) {
          s += Math.abs(col[base + r] - col[base + batchSize + r]);
        }
        features[j][p0 + q] = s / batchSize;
      }
    }
  }
  return { features, labels };
}

/**
 * The β-VAE disentanglement score (Higgins et al. 2017) with the protocol of
 * disentanglement_lib. Each point picks a factor k uniformly, draws
 * `batchSize` pairs of factor vectors that agree on factor k (and are
 * otherwise independent), encodes both observations of every pair, and takes
 * the mean absolute difference of the codes as features, with label k. A
 * logistic regression (L2, C = 1, multinomial, unstandardised features, as
 * scikit-learn's `LogisticRegression()`) is trained on `numTrain` points; the
 * score is its accuracy on `numEval` fresh points.
 *
 * Observations are encoded in chunks of at most `chunkSize`. Throws a
 * TypeError when `represent` returns the wrong number of rows, ragged rows or
 * rows of changing size, a RangeError for non-finite codes, fewer than 2
 * factors, out-of-range options or training points that all picked one factor.
 *
 * @example A representation that returns the factors themselves
 * ```ts
 * import { betaVaeScore } from "@disentangle/vae/metrics";
 * import type { GroundTruthData, Observations } from "@disentangle/vae/data";
 * import assert from "node:assert/strict";
 *
 * const sizes = [4, 4, 4];
 * const data: GroundTruthData = {
 *   factorNames: ["a", "b", "c"],
 *   factorSizes: sizes,
 *   observationShape: [3],
 *   sampleFactors: (n, rng) =>
 *     Array.from({ length: n }, () => sizes.map((s) => Math.floor(rng() * s))),
 *   observationsFromFactors: (factors) => ({
 *     data: Float32Array.from(factors.flatMap((f) => Array.from(f))),
 *     shape: [factors.length, 3],
 *   }),
 * };
 * const represent = (obs: Observations) =>
 *   Array.from({ length: obs.shape[0] }, (_, i) => obs.data.subarray(3 * i, 3 * i + 3));
 * const r = await betaVaeScore(data, represent, { numTrain: 100, numEval: 50, batchSize: 8 });
 * assert.ok(r.evalAccuracy > 0.9);
 * ```
 *
 * @param data The ground-truth data set to sample factors and observations from.
 * @param represent The representation to score.
 * @param options See {@link BetaVaeScoreOptions}.
 */
export async function betaVaeScore(
  data: GroundTruthData,
  represent: RepresentFunction,
  options: BetaVaeScoreOptions = {},
): Promise<BetaVaeScoreResult> {
  const action = "compute the β-VAE score";
  const { batchSize = 64, numTrain = 10000, numEval = 5000, seed = 0, chunkSize = 1024 } = options;
  checkInteger(batchSize, "options.batchSize", action, 1);
  checkInteger(numTrain, "options.numTrain", action, 2);
  checkInteger(numEval, "options.numEval", action, 1);
  checkInteger(seed, "options.seed", action, 0, 2 ** 32 - 1);
  checkInteger(chunkSize, "options.chunkSize", action, 1);
  const rng = metricRng(seed);
  const sampler = makeSampler(data, represent, () => rng.next(), chunkSize, action, 2);
  const pick = (k: number): number => rng.int(k);
  const trainSet = await generatePoints(sampler, pick, numTrain, batchSize, chunkSize);
  const evalSet = await generatePoints(sampler, pick, numEval, batchSize, chunkSize);
  const { classes, yTrain, yTest } = encodeClasses(
    trainSet.labels,
    evalSet.labels,
    "the factor picked by the training points",
    action,
  );
  const d = trainSet.features.length;
  const xTrain = toRowMajor(trainSet.features, numTrain);
  const xEval = toRowMajor(evalSet.features, numEval);
  const model = fitLogisticRegression(xTrain, d, yTrain, classes.length, { c: C });
  return {
    trainAccuracy: accuracy(model.predict(xTrain), yTrain),
    evalAccuracy: accuracy(model.predict(xEval), yTest),
    batchSize,
    numTrain,
    numEval,
    seed,
    c: C,
  };
}
