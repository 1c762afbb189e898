// The metrics a run ends with: every score the data set's factors allow,
// computed from the encoder's posterior means on a seeded sample.
import type { Vae } from "../../models/build_vae.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import type { Dataset, GroundTruthDataset } from "../../data/dataset.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import { shuffleInPlace } from "../../data/_permutation.ts";
import {
  activeUnits,
  betaVaeScore,
  dci,
  explicitness,
  factorVaeScore,
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

function isGroundTruth(d: Dataset): d is GroundTruthDataset {
  return typeof (d as GroundTruthDataset).sampleFactors === "function" &&
    typeof (d as GroundTruthDataset).observationsFromFactors === "function";
}

async function timed(
  name: string,
  details: Record<string, MetricOutcome>,
  log: (line: string) => void,
  fn: () => unknown | Promise<unknown>,
): Promise<unknown | undefined> {
  const t0 = performance.now();
  try {
    const result = await fn();
    details[name] = { result, seconds: (performance.now() - t0) / 1000 };
    return result;
  } catch (e) {
    const message = (e as Error).message;
    details[name] = { error: message };
    log(`metric ${name} skipped: ${message}`);
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
  const sample = shuffleInPlace(Int32Array.from(indices), seed, 0x6d657472).subarray(0, n);
  const mean: Float32Array[] = [];
  for (let start = 0; start < n; start += 512) {
    const part = sample.subarray(start, Math.min(n, start + 512));
    const obs = await dataset.observations(part);
    mean.push(...encodeObservations(vae.encoder, obs).mean);
  }
  const { active } = activeUnits(mean);
  const details: Record<string, MetricOutcome> = {};
  const scores: Record<string, number> = { activeUnits: active.length };
  const unsup = await timed("unsupervised", details, log, () => unsupervisedScores(mean)) as
    | Record<string, number>
    | undefined;
  if (unsup) {
    scores.gaussianTotalCorrelation = unsup.gaussianTotalCorrelation;
    scores.gaussianWassersteinCorrelationNorm = unsup.gaussianWassersteinCorrelationNorm;
    scores.mutualInfoScore = unsup.mutualInfoScore;
  }
  if (!dataset.factors) return { scores, details, activeUnits: active, samples: n };

  const factors = dataset.factors(sample);
  const split = Math.floor((2 * n) / 3);
  const train = { codes: mean.slice(0, split), factors: factors.slice(0, split) };
  const test = { codes: mean.slice(split), factors: factors.slice(split) };
  const m = await timed("mig", details, log, () => mig(mean, factors)) as
    | { score: number }
    | undefined;
  if (m) scores.mig = m.score;
  const s = await timed("sap", details, log, () => sap(train, test)) as
    | { score: number }
    | undefined;
  if (s) scores.sap = s.score;
  const c = await timed("dci", details, log, () => dci(train, test, { seed })) as
    | { disentanglement: number; completeness: number; informativeness: { test: number } }
    | undefined;
  const k = factors[0]?.length ?? 0;
  if (c) {
    // With one factor, disentanglement is 1 by construction: not worth a headline.
    if (k > 1) scores.dciDisentanglement = c.disentanglement;
    scores.dciCompleteness = c.completeness;
    scores.dciInformativeness = c.informativeness.test;
  }
  if (k > 1) {
    const mo = await timed("modularity", details, log, () => modularity(mean, factors)) as
      | { score: number }
      | undefined;
    if (mo) scores.modularity = mo.score;
  }
  const ex = await timed("explicitness", details, log, () => explicitness(train, test)) as
    | { score: number }
    | undefined;
  if (ex) scores.explicitness = ex.score;

  if (isGroundTruth(dataset) && scorePoints > 0) {
    const represent = (obs: Observations) => encodeObservations(vae.encoder, obs).mean;
    const common = {
      numTrain: scorePoints,
      numEval: Math.max(1, Math.floor(scorePoints / 2)),
      seed,
    };
    const b = await timed(
      "betaVaeScore",
      details,
      log,
      () => betaVaeScore(dataset, represent, common),
    ) as
      | { evalAccuracy: number }
      | undefined;
    if (b) scores.betaVaeScore = b.evalAccuracy;
    const f = await timed(
      "factorVaeScore",
      details,
      log,
      () =>
        factorVaeScore(dataset, represent, {
          ...common,
          numVarianceEstimate: Math.min(10_000, 4 * scorePoints),
        }),
    ) as { evalAccuracy: number } | undefined;
    if (f) scores.factorVaeScore = f.evalAccuracy;
  }
  return { scores, details, activeUnits: active, samples: n };
}
