// The forward pass shared by trainStep and evaluateBatch: encode, sample,
// decode, and the chosen objective with every term a training log wants.
import * as tf from "@tensorflow/tfjs";
import {
  betaTcvaeLoss,
  betaVaeLoss,
  capacityLoss,
  type ElboTerms,
  type GaussianPosterior,
  groupedLogPxGivenZ,
  type Hyperparameter,
  type Likelihood,
  LIKELIHOODS,
  logPxGivenZ,
  type LossResult,
  reparameterize,
} from "../losses/mod.ts";
import { gaussianKlPerDimension } from "../losses/gaussian_kl_per_dimension.ts";
import type { Vae } from "./build_vae.ts";

/** The objectives a VAE can be trained with. */
export type ObjectiveName = "vae" | "beta-vae" | "beta-tcvae" | "capacity" | "grouped";

/** Every objective name, for validation and help texts. */
export const OBJECTIVES: readonly ObjectiveName[] = [
  "vae",
  "beta-vae",
  "beta-tcvae",
  "capacity",
  "grouped",
];

/** How one minibatch is scored. */
export interface ObjectiveOptions {
  /**
   * `"vae"`, `"beta-vae"` (β on the closed-form KL), `"beta-tcvae"` (β on the
   * total correlation), `"capacity"` (γ·|KL − C|, Burgess et al.) or
   * `"grouped"` (Grouped-VAE reconstruction terms + β·KL, seed 004).
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
   * γ: the weight of the dimension-wise KL (β-TCVAE) or of |KL − C| (capacity).
   * @default {1 for beta-tcvae, 1000 for capacity}
   */
  readonly gamma?: Hyperparameter;
  /**
   * C, the capacity in nats (capacity objective).
   * @default {linear from 0 to 25 over 100 000 steps}
   */
  readonly capacity?: Hyperparameter;
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
   * Seed of the reparameterisation noise of this minibatch.
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
  /** Total correlation (estimated). */
  readonly tc: number;
  /** Dimension-wise KL (estimated). */
  readonly dwkl: number;
  /** log q(z) (estimated). */
  readonly logQz: number;
  /** log ∏_d q(z_d) (estimated). */
  readonly logProdQz: number;
  /** Closed-form KL of each latent dimension. */
  readonly klPerDimension: number[];
}

/** Checks the options that do not depend on tensors; returns them with defaults. */
export function resolveObjective(options: ObjectiveOptions, latentDim: number, action: string) {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${String(options)}`);
  }
  const { objective = "beta-tcvae", likelihood = "bernoulli", estimator = "mws" } = options;
  if (!OBJECTIVES.includes(objective)) {
    throw new RangeError(
      `Cannot ${action}: options.objective must be one of ${OBJECTIVES.join(", ")}, got ${
        String(objective)
      }`,
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
  const half = Math.floor(latentDim / 2);
  const groupSizes = options.groupSizes ??
    (latentDim > 1 ? [half, latentDim - half] : [latentDim]);
  return { ...options, objective, likelihood, estimator, groupSizes };
}

/**
 * Runs the forward pass and the objective; returns the loss and the packed
 * scalars `[REPORT_KEYS..., klPerDimension...]`. Call inside a tidy (or a
 * minimize closure); `training` selects dropout-style layer behaviour.
 */
export function forward(
  vae: Vae,
  x: tf.Tensor,
  options: ReturnType<typeof resolveObjective>,
  training: boolean,
): { loss: tf.Scalar; packed: tf.Tensor1D } {
  const { objective, likelihood, estimator, datasetSize, step = 0 } = options;
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
  if (objective === "grouped") {
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
  const common = { estimator, datasetSize, step };
  let result: LossResult;
  switch (objective) {
    case "vae":
      // β stays 1 unless the caller schedules it (a KL warm-up from 0 to 1).
      result = betaVaeLoss(sample, { ...common, beta: options.beta ?? 1 });
      break;
    case "beta-vae":
      result = betaVaeLoss(sample, { ...common, beta: options.beta ?? 4 });
      break;
    case "grouped":
      result = betaVaeLoss(sample, { ...common, beta: options.beta ?? 1 });
      break;
    case "capacity":
      result = capacityLoss(sample, {
        ...common,
        gamma: options.gamma ?? 1000,
        ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
      });
      break;
    default:
      result = betaTcvaeLoss(sample, {
        ...common,
        beta: options.beta ?? 6,
        alpha: options.alpha ?? 1,
        gamma: options.gamma ?? 1,
      });
  }
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
  ]);
  const perDim = tf.mean(gaussianKlPerDimension(posterior), 0);
  return { loss: result.loss, packed: tf.concat([scalars, perDim]) as tf.Tensor1D };
}

/** Unpacks the scalars of {@link forward} into a report. */
export function unpack(values: Float32Array | number[]): StepReport {
  const report: Record<string, unknown> = {};
  REPORT_KEYS.forEach((key, i) => report[key] = values[i]);
  report.klPerDimension = Array.from(values.slice(REPORT_KEYS.length));
  return report as unknown as StepReport;
}
