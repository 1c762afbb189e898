// The metrics a run ends with: every score the data set's factors allow,
// computed from the encoder's posterior means on a seeded sample. The metrics
// themselves are the table of compute_metrics.ts (shared with `deno task
// score`); this file encodes the sample and says which inputs it gives.
import type { Vae } from "../../models/build_vae.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import type { Dataset, GroundTruthDataset } from "../../data/dataset.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import { permutation } from "../../data/permutation.ts";
import { activeUnits } from "../../metrics/mod.ts";
import {
  computeMetrics,
  type ComputeMetricsOptions,
  type MetricInputs,
  type MetricOutcome,
} from "./compute_metrics.ts";

export type { MetricOutcome };

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

/** Options of {@link finalMetrics}. */
export interface FinalMetricsOptions extends Omit<ComputeMetricsOptions, "seed" | "log"> {
  /** Evaluation indices encoded (a seeded sample of at most this many). */
  samples: number;
  /** --score-points: training points of the β-VAE and FactorVAE scores (0 skips them). */
  scorePoints: number;
  /** Seed of the sample and of the metrics. */
  seed: number;
  /** Where a metric that fails says why. */
  log: (line: string) => void;
}

/**
 * Encodes a seeded sample of `indices` and computes every applicable metric
 * (by default those every run ends with: RUN_METRICS of compute_metrics.ts).
 */
export async function finalMetrics(
  vae: Vae,
  dataset: Dataset,
  indices: Int32Array,
  options: FinalMetricsOptions,
): Promise<FinalMetrics> {
  const { samples, scorePoints, seed, log, ...chosen } = options;
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
  const inputs = metricInputs(vae, dataset, sample, { mean, logVar }, scorePoints);
  const { scores, details } = await computeMetrics(inputs, { seed, log, ...chosen });
  return {
    scores: { activeUnits: active.length, ...scores },
    details,
    activeUnits: active,
    samples: n,
  };
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
