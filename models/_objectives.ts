/**
 * The objectives a VAE can be trained with, one record each: its name and
 * description, its hyper-parameters (defaults, which ones a warm-up may
 * schedule, which ones size its state), the values a study sweeps, how many
 * minibatches a step takes, the state it carries between steps and how its
 * loss is built. `--objective` (choices, defaults, help), a run's config and
 * the train step all read this table; adding an objective is one record here
 * plus its loss in losses/.
 */
import * as tf from "@tensorflow/tfjs";
import { betaTcvaeLoss } from "../losses/beta_tcvae_loss.ts";
import { betaVaeLoss } from "../losses/beta_vae_loss.ts";
import { capacityLoss } from "../losses/capacity_loss.ts";
import { dipVaeILoss } from "../losses/dip_vae_i_loss.ts";
import { dipVaeIiLoss } from "../losses/dip_vae_ii_loss.ts";
import { factorVaeLoss } from "../losses/factor_vae_loss.ts";
import { linearSchedule } from "../losses/linear_schedule.ts";
import type { Hyperparameter, LossResult, VaeSample } from "../losses/types.ts";
import type { Discriminator } from "./build_discriminator.ts";

/** The objectives a VAE can be trained with. */
export type ObjectiveName =
  | "vae"
  | "beta-vae"
  | "beta-tcvae"
  | "capacity"
  | "factor-vae"
  | "dip-vae-i"
  | "dip-vae-ii"
  | "grouped";

/** Every hyper-parameter some objective reads, by the name runs and options use. */
export type HyperparameterName =
  | "beta"
  | "alpha"
  | "gamma"
  | "capacityMax"
  | "capacitySteps"
  | "lambdaOd"
  | "lambdaD"
  | "discriminatorLayers"
  | "discriminatorUnits"
  | "discriminatorLr"
  | "groupSizes";

/** What kind of value a hyper-parameter holds, whatever the objective. */
export interface HyperparameterKind {
  /** How it is written in texts, e.g. "β" or "λ_od". */
  readonly symbol: string;
  /** "number" (may be scheduled in the library), "integer" or "list" (of positive integers). */
  readonly kind: "number" | "integer" | "list";
  /** The smallest value allowed. */
  readonly min: number;
}

/** The hyper-parameters in the order options and run configs list them. */
export const HYPERPARAMETERS: Readonly<Record<HyperparameterName, HyperparameterKind>> = {
  beta: { symbol: "β", kind: "number", min: 0 },
  alpha: { symbol: "α", kind: "number", min: 0 },
  gamma: { symbol: "γ", kind: "number", min: 0 },
  capacityMax: { symbol: "C_max", kind: "number", min: 0 },
  capacitySteps: { symbol: "C steps", kind: "integer", min: 0 },
  lambdaOd: { symbol: "λ_od", kind: "number", min: 0 },
  lambdaD: { symbol: "λ_d", kind: "number", min: 0 },
  discriminatorLayers: { symbol: "discriminator layers", kind: "integer", min: 0 },
  discriminatorUnits: { symbol: "discriminator units", kind: "integer", min: 1 },
  discriminatorLr: { symbol: "discriminator lr", kind: "number", min: 0 },
  groupSizes: { symbol: "group sizes", kind: "list", min: 1 },
};

/** A default that is another hyper-parameter's value times a factor (DIP-VAE's λ_d). */
export interface DerivedDefault {
  readonly times: number;
  readonly of: HyperparameterName;
}

/** One hyper-parameter of one objective. */
export interface HyperparameterSpec {
  readonly name: HyperparameterName;
  /** What it does in this objective, for help texts. */
  readonly help: string;
  /** Its value when none is given (a list default of [] means "the objective's own split"). */
  readonly default: number | readonly number[] | DerivedDefault;
  /** Whether a warm-up may raise it linearly from 0 (--kl-warmup, --<name>-warmup). */
  readonly warmup?: boolean;
  /** Always the default (the VAE's β = 1): not a setting, though it may be warmed up. */
  readonly fixed?: boolean;
  /** "state": it sizes the objective's state (read when the state is built), not the loss. */
  readonly role?: "loss" | "state";
}

/** What an objective keeps between steps besides the VAE and its optimiser. */
export interface ObjectiveState {
  /** FactorVAE's discriminator and its optimiser. */
  readonly discriminator?: Discriminator;
}

/** What a record's loss gets besides the sample and its hyper-parameters. */
export interface LossContext {
  readonly estimator: "mws" | "mss";
  readonly datasetSize: number;
  readonly step: number;
  /** The objective's state (checked present before the loss is built). */
  readonly state: ObjectiveState;
  /** Layer behaviour of the state's models. */
  readonly training: boolean;
}

/** A record's loss: the preset's result and the batch means of any extra terms it logs. */
export interface ObjectiveLoss extends LossResult {
  /** Extra scalars for the step report, in the order of the record's `reportKeys`. */
  readonly extra?: readonly tf.Scalar[];
}

/** One objective. */
export interface ObjectiveRecord {
  readonly name: ObjectiveName;
  /** The name papers use, e.g. "β-TCVAE". */
  readonly title: string;
  /** Where it comes from. */
  readonly paper: string;
  /** One line for help texts. */
  readonly description: string;
  readonly hyperparameters: readonly HyperparameterSpec[];
  /** The values a study sweeps (Locatello et al. 2019 for the six methods of their study). */
  readonly sweep?: { readonly name: HyperparameterName; readonly values: readonly number[] };
  /** Minibatches one step consumes (FactorVAE: a second one for the discriminator). */
  readonly minibatches: 1 | 2;
  /** The state it carries between steps, if any. */
  readonly state?: "discriminator";
  /** The reconstruction term: the usual one, or the Grouped-VAE's per-group terms. */
  readonly reconstruction: "standard" | "grouped";
  /** Scalars its loss adds to the step report (`extra` of its loss, in this order). */
  readonly reportKeys?: readonly string[];
  /** Builds the loss of one minibatch from the resolved hyper-parameters. */
  loss(
    sample: VaeSample,
    h: Readonly<Partial<Record<HyperparameterName, Hyperparameter>>>,
    context: LossContext,
  ): ObjectiveLoss;
}

const common = (c: LossContext) => ({
  estimator: c.estimator,
  datasetSize: c.datasetSize,
  step: c.step,
});

/** Every objective, in the order `--objective` lists them. */
export const OBJECTIVE_TABLE: readonly ObjectiveRecord[] = [
  {
    name: "beta-tcvae",
    title: "β-TCVAE",
    paper: "Chen et al. 2018",
    description: "−log p(x|z) + α·MI + β·TC + γ·DWKL, the terms estimated by --estimator",
    hyperparameters: [
      { name: "beta", help: "weight of the total correlation", default: 6, warmup: true },
      { name: "alpha", help: "weight of the index-code MI", default: 1, warmup: true },
      { name: "gamma", help: "weight of the dimension-wise KL", default: 1, warmup: true },
    ],
    sweep: { name: "beta", values: [1, 2, 4, 6, 8, 10] },
    minibatches: 1,
    reconstruction: "standard",
    loss: (sample, h, c) =>
      betaTcvaeLoss(sample, { ...common(c), beta: h.beta, alpha: h.alpha, gamma: h.gamma }),
  },
  {
    name: "beta-vae",
    title: "β-VAE",
    paper: "Higgins et al. 2017",
    description: "−log p(x|z) + β·KL, the closed-form KL",
    hyperparameters: [
      {
        name: "beta",
        help: "weight of the KL (Higgins et al. report 4 for dSprites)",
        default: 4,
        warmup: true,
      },
    ],
    sweep: { name: "beta", values: [1, 2, 4, 6, 8, 16] },
    minibatches: 1,
    reconstruction: "standard",
    loss: (sample, h, c) => betaVaeLoss(sample, { ...common(c), beta: h.beta }),
  },
  {
    name: "vae",
    title: "VAE",
    paper: "Kingma & Welling 2014",
    description: "−log p(x|z) + KL, the ELBO (its KL weight 1 may be warmed up from 0)",
    hyperparameters: [
      { name: "beta", help: "weight of the KL, 1", default: 1, warmup: true, fixed: true },
    ],
    minibatches: 1,
    reconstruction: "standard",
    loss: (sample, h, c) => betaVaeLoss(sample, { ...common(c), beta: h.beta }),
  },
  {
    name: "capacity",
    title: "AnnealedVAE",
    paper: "Burgess et al. 2018",
    description: "−log p(x|z) + γ·|KL − C|, C rising linearly from 0 to C_max",
    hyperparameters: [
      { name: "gamma", help: "weight of |KL − C|", default: 1000 },
      { name: "capacityMax", help: "final capacity C in nats", default: 25 },
      { name: "capacitySteps", help: "steps over which C rises linearly from 0", default: 100_000 },
    ],
    sweep: { name: "capacityMax", values: [5, 10, 25, 50, 75, 100] },
    minibatches: 1,
    reconstruction: "standard",
    loss: (sample, h, c) =>
      capacityLoss(sample, {
        ...common(c),
        gamma: h.gamma,
        capacity: linearSchedule({
          from: 0,
          to: h.capacityMax as number,
          steps: h.capacitySteps as number,
        }),
      }),
  },
  {
    name: "factor-vae",
    title: "FactorVAE",
    paper: "Kim & Mnih 2018",
    description:
      "−log p(x|z) + KL + γ·TC, the TC a discriminator's density ratio (trained on a second minibatch)",
    hyperparameters: [
      {
        name: "gamma",
        help: "weight of the discriminator's TC estimate",
        default: 10,
        warmup: true,
      },
      {
        name: "discriminatorLayers",
        help: "hidden layers of the discriminator MLP",
        default: 6,
        role: "state",
      },
      {
        name: "discriminatorUnits",
        help: "units of each hidden layer of the discriminator",
        default: 1000,
        role: "state",
      },
      {
        name: "discriminatorLr",
        help: "the discriminator's Adam learning rate (β₁ 0.5, β₂ 0.9)",
        default: 1e-4,
        role: "state",
      },
    ],
    sweep: { name: "gamma", values: [10, 20, 30, 40, 50, 100] },
    minibatches: 2,
    state: "discriminator",
    reconstruction: "standard",
    reportKeys: ["densityRatioTc"],
    loss: (sample, h, c) => {
      const discriminatorLogits = c.state.discriminator!.model.apply(sample.z, {
        training: c.training,
      }) as tf.Tensor2D;
      const result = factorVaeLoss(sample, { ...common(c), gamma: h.gamma, discriminatorLogits });
      return { ...result, extra: [tf.mean(result.densityRatioTc) as tf.Scalar] };
    },
  },
  {
    name: "dip-vae-i",
    title: "DIP-VAE-I",
    paper: "Kumar et al. 2018",
    description: "−log p(x|z) + KL + λ_od·Σ_{i≠j} C_ij² + λ_d·Σ_i (C_ii − 1)², C = Cov[μ(x)]",
    hyperparameters: [
      { name: "lambdaOd", help: "weight of the off-diagonal entries of C", default: 10 },
      {
        name: "lambdaD",
        help: "weight of the diagonal entries of C",
        default: { times: 10, of: "lambdaOd" },
      },
    ],
    sweep: { name: "lambdaOd", values: [1, 2, 5, 10, 20, 50] },
    minibatches: 1,
    reconstruction: "standard",
    loss: (sample, h, c) =>
      dipVaeILoss(sample, { ...common(c), lambdaOd: h.lambdaOd, lambdaD: h.lambdaD }),
  },
  {
    name: "dip-vae-ii",
    title: "DIP-VAE-II",
    paper: "Kumar et al. 2018",
    description:
      "−log p(x|z) + KL + λ_od·Σ_{i≠j} C_ij² + λ_d·Σ_i (C_ii − 1)², C = E[diag σ²(x)] + Cov[μ(x)]",
    hyperparameters: [
      { name: "lambdaOd", help: "weight of the off-diagonal entries of C", default: 10 },
      {
        name: "lambdaD",
        help: "weight of the diagonal entries of C",
        default: { times: 1, of: "lambdaOd" },
      },
    ],
    sweep: { name: "lambdaOd", values: [1, 2, 5, 10, 20, 50] },
    minibatches: 1,
    reconstruction: "standard",
    loss: (sample, h, c) =>
      dipVaeIiLoss(sample, { ...common(c), lambdaOd: h.lambdaOd, lambdaD: h.lambdaD }),
  },
  {
    name: "grouped",
    title: "Grouped-VAE",
    paper: "seed 004",
    description: "the Grouped-VAE's per-group reconstruction terms + β·KL",
    hyperparameters: [
      { name: "beta", help: "weight of the KL", default: 1, warmup: true },
      {
        name: "groupSizes",
        help: "latent group sizes, adding up to the latent size (default: two halves)",
        default: [],
      },
    ],
    minibatches: 1,
    reconstruction: "grouped",
    loss: (sample, h, c) => betaVaeLoss(sample, { ...common(c), beta: h.beta }),
  },
];
