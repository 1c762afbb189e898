import * as tf from "@tensorflow/tfjs";
import type { LayersModel } from "./build_vae.ts";
import { type AdamOptimizer, fusedAdam } from "./fused_adam.ts";

/** A discriminator of the codes and the optimiser that trains it (FactorVAE). */
export interface Discriminator {
  /** `[B, latentDim]` → two logits `[B, 2]`: class 0 "drawn from q(z)", 1 "from ∏_d q(z_d)". */
  readonly model: LayersModel;
  /** Its own optimiser, whose moments persist between steps (and in checkpoints). */
  readonly optimizer: AdamOptimizer;
}

/** Options of {@link buildDiscriminator}. */
export interface BuildDiscriminatorOptions {
  /**
   * Hidden layers of the MLP.
   * @default {6}
   */
  readonly hiddenLayers?: number;
  /**
   * Units of every hidden layer.
   * @default {1000}
   */
  readonly units?: number;
  /**
   * Slope of the leaky ReLU below 0.
   * @default {0.2}
   */
  readonly leakiness?: number;
  /**
   * The Adam learning rate of the discriminator.
   * @default {1e-4}
   */
  readonly learningRate?: number;
  /**
   * Adam's β₁.
   * @default {0.5}
   */
  readonly beta1?: number;
  /**
   * Adam's β₂.
   * @default {0.9}
   */
  readonly beta2?: number;
  /**
   * Seed of the weight initialisers (the same seed gives the same weights).
   * @default {0}
   */
  readonly seed?: number;
}

/**
 * The discriminator of FactorVAE (Kim & Mnih 2018) as disentanglement_lib's
 * study sets it up: an MLP on the codes with `hiddenLayers` dense layers of
 * `units` units and leaky ReLU (0.2), two logits out, seeded Glorot-uniform
 * kernels and zero biases, and its own Adam (learning rate 1e-4, β₁ 0.5,
 * β₂ 0.9, as `fusedAdam`). Its log-odds ℓ₀ − ℓ₁ is the density-ratio TC
 * estimate (`densityRatioTc`); it is trained with
 * `densityRatioDiscriminatorLoss`, which `trainStep` does for the
 * `"factor-vae"` objective.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { buildDiscriminator } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const discriminator = buildDiscriminator(3, { hiddenLayers: 2, units: 16, seed: 1 });
 * const logits = discriminator.model.predict(tf.zeros([5, 3])) as tf.Tensor;
 * assert.deepEqual(logits.shape, [5, 2]);
 * ```
 *
 * @param latentDim The number of latent dimensions (the input width).
 * @param options Layers, units, leakiness, the optimiser's settings and the seed.
 * @returns `{ model, optimizer }`.
 */
export function buildDiscriminator(
  latentDim: number,
  options: BuildDiscriminatorOptions = {},
): Discriminator {
  const action = "build the discriminator";
  if (!Number.isInteger(latentDim) || latentDim < 1) {
    throw new RangeError(`Cannot ${action}: latentDim must be an integer ≥ 1, got ${latentDim}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${String(options)}`);
  }
  const {
    hiddenLayers = 6,
    units = 1000,
    leakiness = 0.2,
    learningRate = 1e-4,
    beta1 = 0.5,
    beta2 = 0.9,
    seed = 0,
  } = options;
  for (const [name, value, min] of [["hiddenLayers", hiddenLayers, 0], ["units", units, 1]]) {
    if (!Number.isInteger(value) || (value as number) < (min as number)) {
      throw new RangeError(
        `Cannot ${action}: options.${name} must be an integer ≥ ${min}, got ${value}`,
      );
    }
  }
  if (!(leakiness >= 0 && leakiness < 1)) {
    throw new RangeError(`Cannot ${action}: options.leakiness must be in [0, 1), got ${leakiness}`);
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new RangeError(`Cannot ${action}: options.seed must be an integer ≥ 0, got ${seed}`);
  }
  const optimizer = fusedAdam({ learningRate, beta1, beta2 });
  const input = tf.input({ shape: [latentDim], name: "discriminator_codes" });
  let h: tf.SymbolicTensor = input;
  const dense = (units: number, layer: number) =>
    tf.layers.dense({
      name: `discriminator_dense${layer}`,
      units,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + 500 + layer }),
      biasInitializer: "zeros",
    });
  for (let layer = 0; layer < hiddenLayers; layer++) {
    h = dense(units, layer).apply(h) as tf.SymbolicTensor;
    h = tf.layers.leakyReLU({ alpha: leakiness, name: `discriminator_leaky${layer}` })
      .apply(h) as tf.SymbolicTensor;
  }
  const logits = dense(2, hiddenLayers).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: "discriminator" });
  return { model, optimizer };
}
