import {
  type HyperparameterName,
  HYPERPARAMETERS,
  OBJECTIVE_TABLE,
  type ObjectiveName,
} from "./_objectives.ts";

export type { HyperparameterName, ObjectiveName } from "./_objectives.ts";

/** One hyper-parameter of an objective in {@link listObjectives}. */
export interface HyperparameterListing {
  /** Its name in `trainStep`'s options and in a run's config, e.g. `"lambdaOd"`. */
  readonly name: HyperparameterName;
  /** How texts write it, e.g. `"λ_od"`. */
  readonly symbol: string;
  /** `"number"` (a constant or a schedule in the library), `"integer"` or `"list"`. */
  readonly kind: "number" | "integer" | "list";
  /** The smallest value allowed. */
  readonly min: number;
  /** What it does in this objective. */
  readonly help: string;
  /**
   * Its default: a number, a list (`[]`: the objective's own choice), or
   * another hyper-parameter's value times a factor (`{ times: 10, of: "lambdaOd" }`).
   */
  readonly default: number | readonly number[] | {
    readonly times: number;
    readonly of: HyperparameterName;
  };
  /** Whether a warm-up may raise it linearly from 0 during training. */
  readonly warmup: boolean;
  /** Always its default (the VAE's KL weight 1); only its warm-up is a setting. */
  readonly fixed: boolean;
  /** `"loss"`: the loss reads it; `"state"`: it sizes the objective's state (`buildObjectiveState`). */
  readonly role: "loss" | "state";
}

/** One entry of {@link listObjectives}. */
export interface ObjectiveListing {
  /** The name `trainStep` and `--objective` accept, e.g. `"factor-vae"`. */
  readonly name: ObjectiveName;
  /** The name papers use, e.g. `"FactorVAE"`. */
  readonly title: string;
  /** Where it comes from, e.g. `"Kim & Mnih 2018"`. */
  readonly paper: string;
  /** One line: what it minimises. */
  readonly description: string;
  /** Its hyper-parameters, in the order run configs list them. */
  readonly hyperparameters: readonly HyperparameterListing[];
  /** The values a study sweeps, as in Locatello et al. (2019) for the six methods of their study. */
  readonly sweep: { readonly name: HyperparameterName; readonly values: readonly number[] } | null;
  /** How many minibatches one step consumes (FactorVAE: 2, the second for its discriminator). */
  readonly minibatches: 1 | 2;
  /** What it carries between steps besides the VAE and its optimiser. */
  readonly state: "discriminator" | null;
}

/**
 * Lists the objectives `trainStep` can train with, each with its
 * hyper-parameters and their defaults, so a command line can offer the
 * choices, fill in the defaults and write the help from one place.
 *
 * @returns one entry per objective, in a fixed order.
 *
 * @example
 * ```ts
 * import { listObjectives } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const capacity = listObjectives().find((o) => o.name === "capacity")!;
 * const gamma = capacity.hyperparameters.find((h) => h.name === "gamma")!;
 * assert.equal(gamma.default, 1000);
 * const dip = listObjectives().find((o) => o.name === "dip-vae-i")!;
 * assert.deepEqual(dip.hyperparameters[1].default, { times: 10, of: "lambdaOd" });
 * ```
 */
export function listObjectives(): ObjectiveListing[] {
  return OBJECTIVE_TABLE.map((record) => ({
    name: record.name,
    title: record.title,
    paper: record.paper,
    description: record.description,
    hyperparameters: record.hyperparameters.map((spec) => ({
      name: spec.name,
      ...HYPERPARAMETERS[spec.name],
      help: spec.help,
      default: spec.default,
      warmup: spec.warmup ?? false,
      fixed: spec.fixed ?? false,
      role: spec.role ?? "loss",
    })),
    sweep: record.sweep ?? null,
    minibatches: record.minibatches,
    state: record.state ?? null,
  }));
}
