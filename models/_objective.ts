// The forward pass shared by trainStep and evaluateBatch: encode, sample,
// decode, and the chosen objective (its record in _objectives.ts) with every
// term a training log wants.
import * as tf from "@tensorflow/tfjs";
import {
  type ElboTerms,
  type GaussianPosterior,
  groupedLogPxGivenZ,
  type Hyperparameter,
  type Likelihood,
  LIKELIHOODS,
  logPxGivenZ,
  reparameterize,
} from "../losses/mod.ts";
import { gaussianKlPerDimension } from "../losses/gaussian_kl_per_dimension.ts";
import type { Vae } from "./build_vae.ts";
import {
  type HyperparameterName,
  HYPERPARAMETERS,
  type HyperparameterSpec,
  OBJECTIVE_TABLE,
  type ObjectiveName,
  type ObjectiveRecord,
  type ObjectiveState,
} from "./_objectives.ts";

export type { ObjectiveName, ObjectiveState } from "./_objectives.ts";

/** How one minibatch is scored. */
export interface ObjectiveOptions {
  /**
   * `"vae"`, `"beta-vae"` (β on the closed-form KL), `"beta-tcvae"` (β on the
   * total correlation), `"capacity"` (γ·|KL − C|, Burgess et al.),
   * `"factor-vae"` (γ on a discriminator's TC estimate, Kim & Mnih),
   * `"dip-vae-i"` / `"dip-vae-ii"` (the covariance of the codes pushed towards
   * I, Kumar et al.) or `"grouped"` (Grouped-VAE reconstruction terms + β·KL,
   * seed 004); `listObjectives()` lists them with their hyper-parameters.
   * An option the chosen objective does not read is a RangeError.
   * @default {"beta-tcvae"}
   */
  readonly objective?: ObjectiveName;
  /**
   * N, the size of the training set (the minibatch estimators need it).
   */
  readonly datasetSize: number;
  /**
   * β: the weight of the TC (β-TCVAE) or of the whole KL (β-VAE, grouped;
   * for "vae" only a warm-up schedule towards 1 makes sense).
   * @default {6 for beta-tcvae, 4 for beta-vae, 1 for grouped and vae}
   */
  readonly beta?: Hyperparameter;
  /**
   * α, the weight of the index-code MI (β-TCVAE).
   * @default {1}
   */
  readonly alpha?: Hyperparameter;
  /**
   * γ: the weight of the dimension-wise KL (β-TCVAE), of |KL − C| (capacity)
   * or of the discriminator's TC (FactorVAE).
   * @default {1 for beta-tcvae, 1000 for capacity, 10 for factor-vae}
   */
  readonly gamma?: Hyperparameter;
  /**
   * C_max, the final capacity in nats (capacity objective).
   * @default {25}
   */
  readonly capacityMax?: number;
  /**
   * Steps over which the capacity rises linearly from 0 to C_max.
   * @default {100000}
   */
  readonly capacitySteps?: number;
  /**
   * λ_od, the weight of the off-diagonal covariance entries (DIP-VAE).
   * @default {10}
   */
  readonly lambdaOd?: Hyperparameter;
  /**
   * λ_d, the weight of the diagonal covariance entries (DIP-VAE).
   * @default {10·λ_od for dip-vae-i, λ_od for dip-vae-ii}
   */
  readonly lambdaD?: Hyperparameter;
  /**
   * The estimator of log q(z): `"mws"` or `"mss"`.
   * @default {"mws"}
   */
  readonly estimator?: "mws" | "mss";
  /**
   * The observation model of the decoder's output.
   * @default {"bernoulli"}
   */
  readonly likelihood?: Likelihood;
  /**
   * Latent group sizes of the grouped objective (they must add up to D).
   * @default {two equal halves}
   */
  readonly groupSizes?: readonly number[];
  /**
   * The step at which schedules are evaluated.
   * @default {0}
   */
  readonly step?: number;
  /**
   * Seed of the reparameterisation noise of this minibatch (and of the
   * permutations of FactorVAE's second minibatch).
   * @default {the step}
   */
  readonly seed?: number;
}

/** The names of the scalars in a {@link StepReport}, in the order they are packed. */
export const REPORT_KEYS = [
  "loss",
  "reconstruction",
  "kl",
  "elbo",
  "mi",
  "tc",
  "dwkl",
  "logQz",
  "logProdQz",
] as const;

/** Batch means of every term of one step. */
export interface StepReport {
  /** The objective that was minimised. */
  readonly loss: number;
  /** −log p(x|z), the reconstruction loss (nats per sample). */
  readonly reconstruction: number;
  /** Closed-form KL(q(z|x) ‖ p(z)) summed over dimensions. */
  readonly kl: number;
  /** The true ELBO, log p(x|z) − KL (higher is better). */
  readonly elbo: number;
  /** Index-code mutual information (estimated). */
  readonly mi: number;
  /** Total correlation (estimated by the minibatch estimator). */
  readonly tc: number;
  /** Dimension-wise KL (estimated). */
  readonly dwkl: number;
  /** log q(z) (estimated). */
  readonly logQz: number;
  /** log ∏_d q(z_d) (estimated). */
  readonly logProdQz: number;
  /** Closed-form KL of each latent dimension. */
  readonly klPerDimension: number[];
  /** FactorVAE: the discriminator's TC estimate, mean of log D(z) − log(1 − D(z)). */
  readonly densityRatioTc?: number;
  /** FactorVAE: the discriminator's loss on this step's two minibatches (trainStep only). */
  readonly discriminatorLoss?: number;
}

/** The options with defaults filled in, the objective's record and its hyper-parameters. */
export interface ResolvedObjective extends ObjectiveOptions {
  readonly objective: ObjectiveName;
  readonly likelihood: Likelihood;
  readonly estimator: "mws" | "mss";
  readonly groupSizes: readonly number[];
  readonly record: ObjectiveRecord;
  /** Every loss hyper-parameter of the objective, given or defaulted. */
  readonly hyperparameters: Readonly<Partial<Record<HyperparameterName, Hyperparameter>>>;
}

/** The default of `spec`, given the values resolved before it. */
function defaultOf(
  spec: HyperparameterSpec,
  values: Partial<Record<HyperparameterName, unknown>>,
): unknown {
  const d = spec.default;
  if (typeof d === "number" || Array.isArray(d)) return d;
  const { times, of } = d as { times: number; of: HyperparameterName };
  const base = values[of] as Hyperparameter;
  return typeof base === "function" ? (step: number) => times * base(step) : times * base;
}

/** Checks the options that do not depend on tensors; returns them with defaults. */
export function resolveObjective(
  options: ObjectiveOptions,
  latentDim: number,
  action: string,
): ResolvedObjective {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${String(options)}`);
  }
  const { objective = "beta-tcvae", likelihood = "bernoulli", estimator = "mws" } = options;
  const record = OBJECTIVE_TABLE.find((r) => r.name === objective);
  if (!record) {
    throw new RangeError(
      `Cannot ${action}: options.objective must be one of ${
        OBJECTIVE_TABLE.map((r) => r.name).join(", ")
      }, got ${String(objective)}`,
    );
  }
  if (!LIKELIHOODS.includes(likelihood)) {
    throw new RangeError(
      `Cannot ${action}: options.likelihood must be one of ${LIKELIHOODS.join(", ")}, got ${
        String(likelihood)
      }`,
    );
  }
  if (estimator !== "mws" && estimator !== "mss") {
    throw new RangeError(
      `Cannot ${action}: options.estimator must be "mws" or "mss", got ${String(estimator)}`,
    );
  }
  const given = options as unknown as Partial<Record<HyperparameterName, unknown>>;
  const reads = record.hyperparameters.filter((h) => h.role !== "state");
  for (const name of Object.keys(HYPERPARAMETERS) as HyperparameterName[]) {
    if (given[name] !== undefined && !reads.some((h) => h.name === name)) {
      throw new RangeError(
        `Cannot ${action}: options.${name} is not read by the ${objective} objective (it reads ${
          reads.map((h) => h.name).join(", ") || "none"
        })`,
      );
    }
  }
  const hyperparameters: Partial<Record<HyperparameterName, unknown>> = {};
  for (const spec of reads) {
    const value = given[spec.name] ?? defaultOf(spec, hyperparameters);
    if (HYPERPARAMETERS[spec.name].kind === "integer" && !Number.isInteger(value)) {
      throw new RangeError(
        `Cannot ${action}: options.${spec.name} must be an integer, got ${String(value)}`,
      );
    }
    hyperparameters[spec.name] = value;
  }
  const half = Math.floor(latentDim / 2);
  const sizes = options.groupSizes ?? [];
  const groupSizes = sizes.length > 0 ? sizes : latentDim > 1 ? [half, latentDim - half] : [
    latentDim,
  ];
  return {
    ...options,
    objective,
    likelihood,
    estimator,
    groupSizes,
    record,
    hyperparameters: hyperparameters as ResolvedObjective["hyperparameters"],
  };
}

/** Throws unless `state` holds what the objective carries. */
export function checkState(resolved: ResolvedObjective, state: ObjectiveState, action: string) {
  const needs = resolved.record.state;
  if (needs === "discriminator" && !state?.discriminator?.model) {
    throw new TypeError(
      `Cannot ${action}: the ${resolved.objective} objective needs a discriminator ({ discriminator: buildDiscriminator(latentDim) })`,
    );
  }
}

/**
 * Runs the forward pass and the objective; returns the loss, the codes and
 * the packed scalars `[REPORT_KEYS..., extra..., klPerDimension...]`. Call
 * inside a tidy (or a variableGrads closure); `training` selects
 * dropout-style layer behaviour.
 */
export function forward(
  vae: Vae,
  x: tf.Tensor,
  options: ResolvedObjective,
  training: boolean,
  state: ObjectiveState = {},
): { loss: tf.Scalar; packed: tf.Tensor1D; z: tf.Tensor2D } {
  const { record, likelihood, estimator, datasetSize, step = 0 } = options;
  const stats = vae.encoder.apply(x, { training }) as tf.Tensor2D;
  const d = stats.shape[1] / 2;
  const posterior: GaussianPosterior = {
    mean: tf.slice(stats, [0, 0], [-1, d]),
    logVar: tf.slice(stats, [0, d], [-1, d]),
  };
  const z = reparameterize(posterior, { seed: options.seed ?? step });
  const decode = (codes: tf.Tensor2D) => vae.decoder.apply(codes, { training }) as tf.Tensor;
  let logPx: tf.Tensor1D;
  let fullReconstruction: tf.Tensor1D;
  if (record.reconstruction === "grouped") {
    const grouped = groupedLogPxGivenZ({ x, z, decode }, {
      groupSizes: options.groupSizes,
      likelihood,
    });
    logPx = grouped.total;
    fullReconstruction = grouped.perGroup[grouped.perGroup.length - 1];
  } else {
    logPx = logPxGivenZ(x, decode(z), { likelihood });
    fullReconstruction = logPx;
  }
  const sample = { z, posterior, logPxGivenZ: logPx };
  const result = record.loss(sample, options.hyperparameters, {
    estimator,
    datasetSize,
    step,
    state,
    training,
  });
  const t: ElboTerms = result.terms;
  const m = (v: tf.Tensor) => tf.mean(v);
  const scalars = tf.stack([
    result.loss,
    tf.neg(m(fullReconstruction)),
    m(result.kl),
    m(tf.sub(fullReconstruction, result.kl)),
    m(t.mi),
    m(t.tc),
    m(t.dwkl),
    m(t.logQz),
    m(t.logProdQz),
    ...(result.extra ?? []),
  ]);
  const perDim = tf.mean(gaussianKlPerDimension(posterior), 0);
  return { loss: result.loss, packed: tf.concat([scalars, perDim]) as tf.Tensor1D, z };
}

/** Unpacks the scalars of {@link forward} into a report (`extra`: the record's own keys it packed). */
export function unpack(values: Float32Array | number[], extra: readonly string[] = []): StepReport {
  const report: Record<string, unknown> = {};
  REPORT_KEYS.forEach((key, i) => report[key] = values[i]);
  extra.forEach((key, i) => report[key] = values[REPORT_KEYS.length + i]);
  report.klPerDimension = Array.from(values.slice(REPORT_KEYS.length + extra.length));
  return report as unknown as StepReport;
}
