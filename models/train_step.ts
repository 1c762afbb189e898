import * as tf from "@tensorflow/tfjs";
import type { Vae } from "./build_vae.ts";
import {
  forward,
  type ObjectiveOptions,
  resolveObjective,
  type StepReport,
  unpack,
} from "./_objective.ts";
import { NonFiniteLossError } from "./non_finite_loss_error.ts";

export type { ObjectiveName, ObjectiveOptions, StepReport } from "./_objective.ts";

/** What a training step updates: the model and the optimiser holding its state. */
export interface TrainState {
  /** The encoder and decoder. */
  readonly vae: Vae;
  /** The optimiser (e.g. `fusedAdam()`), whose moments persist between steps. */
  readonly optimizer: tf.Optimizer;
}

/**
 * One optimisation step on a minibatch: encode, sample z, decode, compute the
 * objective (β-TCVAE by default), apply the gradients to every trainable
 * weight of the encoder and decoder, and return the batch means of all terms.
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
 * @param state The model and its optimiser.
 * @param x A minibatch `[B, H, W, C]` in [0, 1].
 * @param options The objective, its hyper-parameters, the data-set size, the step and seed.
 * @returns The batch means of every term.
 */
export function trainStep(state: TrainState, x: tf.Tensor, options: ObjectiveOptions): StepReport {
  const action = "run a training step";
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${action}: x must be a tensor, got ${typeof x}`);
  }
  const { vae, optimizer } = state ?? {};
  if (!vae?.encoder || !vae?.decoder || !(optimizer instanceof tf.Optimizer)) {
    throw new TypeError(`Cannot ${action}: state must be { vae: { encoder, decoder }, optimizer }`);
  }
  const latentDim = (vae.encoder.outputs[0].shape[1] as number) / 2;
  const resolved = resolveObjective(options, latentDim, action);
  const variables = [...vae.encoder.trainableWeights, ...vae.decoder.trainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  let packed: tf.Tensor1D | undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(vae, x, resolved, true);
      packed = tf.keep(out.packed);
      return out.loss;
    }, variables);
    value.dispose();
    const values = packed!.dataSync() as Float32Array;
    const report = unpack(values);
    if (!Number.isFinite(report.loss)) {
      tf.dispose(grads);
      const bad = Object.entries(report)
        .filter(([, v]) => typeof v === "number" && !Number.isFinite(v)) as [string, number][];
      throw new NonFiniteLossError(resolved.step ?? 0, Object.fromEntries(bad));
    }
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return report;
  } finally {
    packed?.dispose();
  }
}
