import * as tf from "@tensorflow/tfjs";
import type { Vae } from "./build_vae.ts";
import type { Discriminator } from "./build_discriminator.ts";
import {
  checkState,
  forward,
  type ObjectiveOptions,
  resolveObjective,
  type StepReport,
  unpack,
} from "./_objective.ts";

/** Options of {@link evaluateBatch}: the objective's, and the state it carries. */
export interface EvaluateBatchOptions extends ObjectiveOptions {
  /**
   * FactorVAE: the discriminator whose TC estimate the loss weighs (it is not trained here).
   * @default {undefined}
   */
  readonly discriminator?: Discriminator;
}

/**
 * Scores a minibatch without training: the same terms as `trainStep` (the
 * objective, reconstruction, KL, ELBO, MI, TC, dimension-wise KL, KL per
 * dimension), for validation. The weights are untouched (FactorVAE's
 * discriminator too: pass it as `options.discriminator`).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { buildVae, evaluateBatch } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 2, seed: 1 });
 * const x = tf.round(tf.randomUniform([8, 4, 4, 1], 0, 1, "float32", 2));
 * const a = evaluateBatch(vae, x, { datasetSize: 100, seed: 3 });
 * const b = evaluateBatch(vae, x, { datasetSize: 100, seed: 3 });
 * assert.equal(a.loss, b.loss);
 * ```
 *
 * @param vae The encoder and decoder.
 * @param x A minibatch `[B, H, W, C]` in [0, 1].
 * @param options The objective and its settings, as for `trainStep`.
 * @returns The batch means of every term.
 */
export function evaluateBatch(
  vae: Vae,
  x: tf.Tensor,
  options: EvaluateBatchOptions,
): StepReport {
  const action = "evaluate a batch";
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${action}: x must be a tensor, got ${typeof x}`);
  }
  if (!vae?.encoder || !vae?.decoder) {
    throw new TypeError(`Cannot ${action}: vae must be { encoder, decoder }`);
  }
  const latentDim = (vae.encoder.outputs[0].shape[1] as number) / 2;
  const { discriminator, ...objective } = options ?? ({} as EvaluateBatchOptions);
  const resolved = resolveObjective(objective, latentDim, action);
  const state = discriminator ? { discriminator } : {};
  checkState(resolved, state, action);
  const packed = tf.tidy(() => forward(vae, x, resolved, false, state).packed);
  try {
    return unpack(packed.dataSync() as Float32Array, resolved.record.reportKeys);
  } finally {
    packed.dispose();
  }
}
