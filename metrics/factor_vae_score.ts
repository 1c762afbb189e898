import type { GroundTruthData } from "../data/ground_truth_data.ts";
import { metricRng } from "./_rng.ts";
import { makeSampler, type Sampler } from "./_sample_codes.ts";
import { checkInteger, checkNumber } from "./_validate.ts";
import type { RepresentFunction } from "./beta_vae_score.ts";

/** Options of {@link factorVaeScore}. */
export interface FactorVaeScoreOptions {
  /**
   * Observations per point (all sharing the value of one factor); at least 2.
   * @default {64}
   */
  batchSize?: number;
  /**
   * Points the majority-vote classifier is built from.
   * @default {10000}
   */
  numTrain?: number;
  /**
   * Points the classifier is evaluated on.
   * @default {5000}
   */
  numEval?: number;
  /**
   * Observations used to estimate the global variance of every code dimension.
   * @default {10000}
   */
  numVarianceEstimate?: number;
  /**
   * Code dimensions whose global standard deviation is below this are pruned
   * (collapsed to the prior).
   * @default {0.05}
   */
  pruneThreshold?: number;
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

/** Result of {@link factorVaeScore}, with the settings it was computed with. */
export interface FactorVaeScoreResult {
  /** Accuracy of the majority-vote classifier on its training points. */
  readonly trainAccuracy: number;
  /** Accuracy on fresh evaluation points: the FactorVAE score. */
  readonly evalAccuracy: number;
  /** Number of code dimensions kept (global std ≥ pruneThreshold and > 0). */
  readonly numActiveDims: number;
  /** Indices of the kept code dimensions. */
  readonly activeDims: number[];
  /** Observations per point. */
  readonly batchSize: number;
  /** Training points. */
  readonly numTrain: number;
  /** Evaluation points. */
  readonly numEval: number;
  /** Observations of the variance estimate. */
  readonly numVarianceEstimate: number;
  /** Pruning threshold on the standard deviation. */
  readonly pruneThreshold: number;
  /** Seed used. */
  readonly seed: number;
}

/** Sample variances (ddof = 1) of the columns. */
function columnVariances(cols: Float64Array[]): Float64Array {
  return Float64Array.from(cols, (c) => {
    let mean = 0;
    for (let i = 0; i < c.length; i++) mean += c[i];
    mean /= c.length;
    let ss = 0;
    for (let i = 0; i < c.length; i++) ss += (c[i] - mean) ** 2;
    return ss / (c.length - 1);
  });
}

/** Votes[k][j]: points with fixed factor k whose least-varying active dimension was j. */
async function generateVotes(
  sampler: Sampler,
  pick: (k: number) => number,
  num: number,
  batchSize: number,
  chunkSize: number,
  globalVariances: Float64Array,
  activeDims: number[],
): Promise<Float64Array[]> {
  const votes = Array.from(
    { length: sampler.nFactors },
    () => new Float64Array(globalVariances.length),
  );
  const perGroup = Math.max(1, Math.floor(chunkSize / batchSize));
  for (let p0 = 0; p0 < num; p0 += perGroup) {
    const count = Math.min(perGroup, num - p0);
    const rows: number[][] = [];
    const fixed: number[] = [];
    for (let q = 0; q < count; q++) {
      const k = pick(sampler.nFactors);
      fixed.push(k);
      const f = sampler.sample(batchSize);
      for (let r = 1; r < batchSize; r++) f[r][k] = f[0][k];
      rows.push(...f);
    }
    const codes = await sampler.encode(rows);
    if (codes.length !== globalVariances.length) {
      throw new TypeError(
        `Cannot compute the FactorVAE score: represent(observations) returned rows of ${codes.length} values after rows of ${globalVariances.length}; the code size must not change`,
      );
    }
    for (let q = 0; q < count; q++) {
      const base = q * batchSize;
      let bestDim = -1;
      let bestRatio = Infinity;
      for (const j of activeDims) {
        const col = codes[j];
        let mean = 0;
        for (let r = 0; r < batchSize; r++) mean += col[base + r];
        mean /= batchSize;
        let ss = 0;
        for (let r = 0; r < batchSize; r++) ss += (col[base + r] - mean) ** 2;
        const ratio = ss / (batchSize - 1) / globalVariances[j];
        if (ratio < bestRatio) {
          bestRatio = ratio;
          bestDim = j;
        }
      }
      votes[fixed[q]][bestDim]++;
    }
  }
  return votes;
}

/**
 * The FactorVAE disentanglement score (Kim & Mnih 2018) with the protocol of
 * disentanglement_lib. The variance of every code dimension is estimated
 * from `numVarianceEstimate` observations (ddof = 1); dimensions whose
 * standard deviation is below `pruneThreshold` (or zero) are pruned. Each
 * point picks a factor k uniformly, draws `batchSize` factor vectors sharing
 * one value of factor k, and votes for the active dimension with the smallest
 * variance divided by its global variance. The classifier maps every
 * dimension to the factor with most training votes for it (the first on
 * ties); the score is its accuracy on `numEval` fresh points. With no active
 * dimension both accuracies are 0, as in the reference.
 *
 * Observations are encoded in chunks of at most `chunkSize`. Throws a
 * TypeError when `represent` returns the wrong number of rows, ragged rows or
 * rows of changing size, a RangeError for non-finite codes or out-of-range
 * options.
 *
 * @example A representation that returns the factors themselves
 * ```ts
 * import { factorVaeScore } from "@disentangle/vae/metrics";
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
 * const r = await factorVaeScore(data, represent, {
 *   numTrain: 100,
 *   numEval: 50,
 *   numVarianceEstimate: 200,
 *   batchSize: 16,
 * });
 * assert.equal(r.evalAccuracy, 1);
 * assert.equal(r.numActiveDims, 3);
 * ```
 *
 * @param data The ground-truth data set to sample factors and observations from.
 * @param represent The representation to score.
 * @param options See {@link FactorVaeScoreOptions}.
 */
export async function factorVaeScore(
  data: GroundTruthData,
  represent: RepresentFunction,
  options: FactorVaeScoreOptions = {},
): Promise<FactorVaeScoreResult> {
  const action = "compute the FactorVAE score";
  const {
    batchSize = 64,
    numTrain = 10000,
    numEval = 5000,
    numVarianceEstimate = 10000,
    pruneThreshold = 0.05,
    seed = 0,
    chunkSize = 1024,
  } = options;
  checkInteger(batchSize, "options.batchSize", action, 2);
  checkInteger(numTrain, "options.numTrain", action, 1);
  checkInteger(numEval, "options.numEval", action, 1);
  checkInteger(numVarianceEstimate, "options.numVarianceEstimate", action, 2);
  checkNumber(pruneThreshold, "options.pruneThreshold", action, 0);
  checkInteger(seed, "options.seed", action, 0, 2 ** 32 - 1);
  checkInteger(chunkSize, "options.chunkSize", action, 1);
  const rng = metricRng(seed);
  const sampler = makeSampler(data, represent, () => rng.next(), chunkSize, action, 1);
  const pick = (k: number): number => rng.int(k);

  const globalVariances = columnVariances(
    await sampler.encode(sampler.sample(numVarianceEstimate)),
  );
  const activeDims: number[] = [];
  globalVariances.forEach((v, j) => {
    if (v > 0 && Math.sqrt(v) >= pruneThreshold) activeDims.push(j);
  });
  const settings = { batchSize, numTrain, numEval, numVarianceEstimate, pruneThreshold, seed };
  if (activeDims.length === 0) {
    return { trainAccuracy: 0, evalAccuracy: 0, numActiveDims: 0, activeDims, ...settings };
  }
  const args = [batchSize, chunkSize, globalVariances, activeDims] as const;
  const trainVotes = await generateVotes(sampler, pick, numTrain, ...args);
  const nDims = globalVariances.length;
  const classifier = new Int32Array(nDims);
  for (let j = 0; j < nDims; j++) {
    let best = 0;
    for (let k = 1; k < trainVotes.length; k++) {
      if (trainVotes[k][j] > trainVotes[best][j]) best = k;
    }
    classifier[j] = best;
  }
  const score = (votes: Float64Array[]): number => {
    let hits = 0;
    let total = 0;
    for (let j = 0; j < nDims; j++) {
      hits += votes[classifier[j]][j];
      for (let k = 0; k < votes.length; k++) total += votes[k][j];
    }
    return hits / total;
  };
  const trainAccuracy = score(trainVotes);
  const evalVotes = await generateVotes(sampler, pick, numEval, ...args);
  return {
    trainAccuracy,
    evalAccuracy: score(evalVotes),
    numActiveDims: activeDims.length,
    activeDims,
    ...settings,
  };
}
