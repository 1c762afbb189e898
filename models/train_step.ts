import * as tf from "@tensorflow/tfjs";
import type { Vae } from "./build_vae.ts";
import {
  checkState,
  forward,
  type ObjectiveOptions,
  type ObjectiveState,
  resolveObjective,
  type StepReport,
  unpack,
} from "./_objective.ts";
import {
  discriminatorObjective,
  discriminatorVariables,
  encodeCodes,
} from "./_discriminator_step.ts";
import { NonFiniteLossError } from "./non_finite_loss_error.ts";

export type { ObjectiveName, ObjectiveOptions, ObjectiveState, StepReport } from "./_objective.ts";

/**
 * What a training step updates: the model, the optimiser holding its state,
 * and what the objective carries between steps (FactorVAE's discriminator).
 */
export interface TrainState extends ObjectiveState {
  /** The encoder and decoder. */
  readonly vae: Vae;
  /** The optimiser (e.g. `fusedAdam()`), whose moments persist between steps. */
  readonly optimizer: tf.Optimizer;
}

/** Options of {@link trainStep}: the objective's, and FactorVAE's second minibatch. */
export interface TrainStepOptions extends ObjectiveOptions {
  /**
   * FactorVAE: a second minibatch `[B', H, W, C]` whose codes, every
   * dimension permuted independently along the batch, are the
   * discriminator's samples of ∏_d q(z_d). Other objectives read none.
   * @default {undefined}
   */
  readonly secondBatch?: tf.Tensor;
}

/**
 * One optimisation step on a minibatch: encode, sample z, decode, compute the
 * objective (β-TCVAE by default), apply the gradients to every trainable
 * weight of the encoder and decoder, and return the batch means of all terms.
 * For `"factor-vae"` the same step also trains `state.discriminator` on the
 * codes of `x` against the dimension-permuted codes of `options.secondBatch`;
 * both updates are computed from the weights before the step, the VAE's
 * gradient is applied to the VAE's weights only and the discriminator's
 * (which has no path into the VAE) to the discriminator's only.
 * A loss that is not finite throws a {@link NonFiniteLossError} (a RangeError)
 * naming the step and the terms that are not finite, before the weights change.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { buildVae, fusedAdam, trainStep } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 2, seed: 1 });
 * const optimizer = fusedAdam({ learningRate: 1e-3 });
 * const x = tf.round(tf.randomUniform([8, 4, 4, 1], 0, 1, "float32", 2));
 * const report = trainStep({ vae, optimizer }, x, { datasetSize: 100, step: 0 });
 * assert.ok(Number.isFinite(report.loss) && report.klPerDimension.length === 2);
 * ```
 *
 * @example FactorVAE: a discriminator and a second minibatch
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { buildDiscriminator, buildVae, fusedAdam, trainStep } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 2, seed: 1 });
 * const discriminator = buildDiscriminator(2, { hiddenLayers: 2, units: 8, seed: 1 });
 * const x = tf.round(tf.randomUniform([16, 4, 4, 1], 0, 1, "float32", 2));
 * const [first, second] = tf.split(x, 2);
 * const report = trainStep({ vae, optimizer: fusedAdam(), discriminator }, first, {
 *   objective: "factor-vae",
 *   gamma: 10,
 *   secondBatch: second,
 *   datasetSize: 100,
 * });
 * assert.ok(Number.isFinite(report.densityRatioTc!) && report.discriminatorLoss! > 0);
 * ```
 *
 * @param state The model, its optimiser and the objective's state.
 * @param x A minibatch `[B, H, W, C]` in [0, 1].
 * @param options The objective, its hyper-parameters, the data-set size, the
 *   step and seed, and FactorVAE's second minibatch.
 * @returns The batch means of every term.
 */
export function trainStep(state: TrainState, x: tf.Tensor, options: TrainStepOptions): StepReport {
  const action = "run a training step";
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${action}: x must be a tensor, got ${typeof x}`);
  }
  const { vae, optimizer } = state ?? {};
  if (!vae?.encoder || !vae?.decoder || !(optimizer instanceof tf.Optimizer)) {
    throw new TypeError(`Cannot ${action}: state must be { vae: { encoder, decoder }, optimizer }`);
  }
  const latentDim = (vae.encoder.outputs[0].shape[1] as number) / 2;
  const { secondBatch, ...objectiveOptions } = options ?? ({} as TrainStepOptions);
  const resolved = resolveObjective(objectiveOptions, latentDim, action);
  const { record } = resolved;
  checkState(resolved, state, action);
  if (record.minibatches === 2 && !(secondBatch instanceof tf.Tensor)) {
    throw new TypeError(
      `Cannot ${action}: the ${resolved.objective} objective needs options.secondBatch, a second minibatch tensor`,
    );
  }
  if (record.minibatches === 1 && secondBatch !== undefined) {
    throw new RangeError(
      `Cannot ${action}: options.secondBatch is not read by the ${resolved.objective} objective`,
    );
  }
  const seed = resolved.seed ?? resolved.step ?? 0;
  const variables = [...vae.encoder.trainableWeights, ...vae.decoder.trainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  let packed: tf.Tensor1D | undefined;
  let z: tf.Tensor2D | undefined;
  let vaeUpdate: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
  let discriminatorUpdate: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
  try {
    // The VAE's gradient, for the VAE's variables only (its loss also depends on the discriminator).
    vaeUpdate = tf.variableGrads(() => {
      const out = forward(vae, x, resolved, true, state);
      packed = tf.keep(out.packed);
      if (record.state === "discriminator") z = tf.keep(out.z);
      return out.loss;
    }, variables);
    const report = unpack(packed!.dataSync() as Float32Array, record.reportKeys) as {
      -readonly [K in keyof StepReport]: StepReport[K];
    };
    if (record.state === "discriminator") {
      // The discriminator's gradient from the same (pre-step) weights: the codes of x
      // against the permuted codes of the second minibatch (their own noise and permutations).
      const discriminator = state.discriminator!;
      discriminatorUpdate = tf.variableGrads(() => {
        const second = encodeCodes(vae, secondBatch!, seed + 0.5, true);
        return discriminatorObjective(discriminator, { joint: z!, second }, seed + 0.25, true);
      }, discriminatorVariables(discriminator));
      report.discriminatorLoss = discriminatorUpdate.value.dataSync()[0];
    }
    const bad = Object.entries(report)
      .filter(([, v]) => typeof v === "number" && !Number.isFinite(v)) as [string, number][];
    if (!Number.isFinite(report.loss) || bad.some(([k]) => k === "discriminatorLoss")) {
      throw new NonFiniteLossError(resolved.step ?? 0, Object.fromEntries(bad));
    }
    optimizer.applyGradients(vaeUpdate.grads);
    if (discriminatorUpdate) {
      (state.discriminator!.optimizer as tf.Optimizer).applyGradients(discriminatorUpdate.grads);
    }
    return report;
  } finally {
    packed?.dispose();
    z?.dispose();
    for (const update of [vaeUpdate, discriminatorUpdate]) {
      if (update) tf.dispose([update.value, ...Object.values(update.grads)]);
    }
  }
}
