import { buildDiscriminator } from "./build_discriminator.ts";
import { OBJECTIVE_TABLE, type ObjectiveName, type ObjectiveState } from "./_objectives.ts";

/** Options of {@link buildObjectiveState}: the objective's state hyper-parameters and a seed. */
export interface BuildObjectiveStateOptions {
  /**
   * Seed of the state's initial weights.
   * @default {0}
   */
  readonly seed?: number;
  /**
   * FactorVAE: hidden layers of the discriminator MLP.
   * @default {6}
   */
  readonly discriminatorLayers?: number;
  /**
   * FactorVAE: units of every hidden layer.
   * @default {1000}
   */
  readonly discriminatorUnits?: number;
  /**
   * FactorVAE: the discriminator's Adam learning rate (β₁ 0.5, β₂ 0.9).
   * @default {1e-4}
   */
  readonly discriminatorLr?: number;
}

/**
 * A fresh state for what `objective` carries between training steps, to be
 * spread into `trainStep`'s state: `{ discriminator }` for `"factor-vae"`
 * (see `buildDiscriminator`), `{}` for objectives without one. The defaults
 * are the objective's (`listObjectives`); a setting the objective does not
 * read is a RangeError.
 *
 * @example
 * ```ts
 * import { buildObjectiveState } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const state = buildObjectiveState("factor-vae", 4, { discriminatorLayers: 2, discriminatorUnits: 8 });
 * assert.equal(state.discriminator!.model.outputs[0].shape[1], 2);
 * assert.deepEqual(buildObjectiveState("beta-vae", 4), {});
 * ```
 *
 * @param objective The objective's name.
 * @param latentDim The number of latent dimensions.
 * @param options The state's hyper-parameters and the seed.
 * @returns The state (possibly empty).
 */
export function buildObjectiveState(
  objective: ObjectiveName,
  latentDim: number,
  options: BuildObjectiveStateOptions = {},
): ObjectiveState {
  const action = "build the objective's state";
  const record = OBJECTIVE_TABLE.find((r) => r.name === objective);
  if (!record) {
    throw new RangeError(
      `Cannot ${action}: objective must be one of ${
        OBJECTIVE_TABLE.map((r) => r.name).join(", ")
      }, got ${String(objective)}`,
    );
  }
  const { seed = 0, ...given } = options;
  const specs = record.hyperparameters.filter((h) => h.role === "state");
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined && !specs.some((h) => h.name === key)) {
      throw new RangeError(
        `Cannot ${action}: options.${key} is not read by the ${objective} objective`,
      );
    }
  }
  const value = (name: keyof typeof given) =>
    (given[name] ?? specs.find((h) => h.name === name)!.default) as number;
  if (record.state !== "discriminator") return {};
  return {
    discriminator: buildDiscriminator(latentDim, {
      hiddenLayers: value("discriminatorLayers"),
      units: value("discriminatorUnits"),
      learningRate: value("discriminatorLr"),
      seed,
    }),
  };
}
