import * as tf from "@tensorflow/tfjs-core";
import { checkTensor } from "../estimators/checks.ts";
import { groupedLatents } from "./grouped_latents.ts";
import { logPxGivenZ, type LogPxGivenZOptions } from "./log_px_given_z.ts";

/** What {@link groupedLogPxGivenZ} scores: observations, codes and the decoder. */
export interface GroupedReconstructionInputs {
  /** Observations `[B, ...]`. */
  readonly x: tf.Tensor;
  /** Codes `[B, D]` drawn from q(z|x). */
  readonly z: tf.Tensor2D;
  /** The decoder: codes `[B, D]` → logits (or means) the shape of `x`. */
  readonly decode: (z: tf.Tensor2D) => tf.Tensor;
}

/** Options of {@link groupedLogPxGivenZ}. */
export interface GroupedLogPxGivenZOptions extends LogPxGivenZOptions {
  /** The size of each latent group, in order; they must add up to D. */
  readonly groupSizes: readonly number[];
}

/** The reconstruction terms of a Grouped-VAE. */
export type GroupedLogPxGivenZ = {
  /** Σ_i log p(x|z_1..z_i) per sample, `[B]`: the reconstruction term of the loss. */
  readonly total: tf.Tensor1D;
  /** log p(x|z_1..z_i) per group i and sample, each `[B]`. */
  readonly perGroup: tf.Tensor1D[];
};

/**
 * The reconstruction terms of a Grouped-VAE (seed 004): term i decodes the
 * codes of groups 1..i (the rest zero-padded) and scores x under the chosen
 * likelihood; its gradient reaches the full decoder but, through the codes,
 * only the encoder outputs of group i (see `groupedLatents`). The loss is
 * −total + β·KL, e.g. `betaVaeLoss({ z, posterior, logPxGivenZ: total }, …)`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { groupedLogPxGivenZ } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const x = tf.tensor2d([[1, 0, 1]]);
 * const z = tf.tensor2d([[0.5, -0.5]]);
 * const w = tf.tensor2d([[1, -1, 1], [2, 0, -2]]);
 * const decode = (codes: tf.Tensor2D) => tf.matMul(codes, w);
 * const { total, perGroup } = groupedLogPxGivenZ({ x, z, decode }, { groupSizes: [1, 1] });
 * assert.equal(perGroup.length, 2);
 * const sum = perGroup[0].arraySync()[0] + perGroup[1].arraySync()[0];
 * assert.ok(Math.abs(total.arraySync()[0] - sum) < 1e-5);
 * ```
 *
 * @param inputs `{ x, z, decode }`.
 * @param options The group sizes and the likelihood.
 * @returns `{ total, perGroup }`.
 */
export function groupedLogPxGivenZ(
  inputs: GroupedReconstructionInputs,
  options: GroupedLogPxGivenZOptions,
): GroupedLogPxGivenZ {
  const action = "compute the grouped reconstruction terms";
  if (inputs === null || typeof inputs !== "object") {
    throw new TypeError(`Cannot ${action}: inputs must be an object { x, z, decode }`);
  }
  const { x, z, decode } = inputs;
  checkTensor(x, "inputs.x", action);
  checkTensor(z, "inputs.z", action, 2);
  if (typeof decode !== "function") {
    throw new TypeError(`Cannot ${action}: inputs.decode must be a function, got ${typeof decode}`);
  }
  if (x.shape[0] !== z.shape[0]) {
    throw new TypeError(
      `Cannot ${action}: inputs.x has ${x.shape[0]} samples but inputs.z has ${z.shape[0]}`,
    );
  }
  const { groupSizes, ...likelihood } = options ?? {};
  return tf.tidy(() => {
    const perGroup = groupedLatents(z, { groupSizes }).map((zi) =>
      logPxGivenZ(x, decode(zi), likelihood)
    );
    const total =
      (perGroup.length === 1 ? tf.clone(perGroup[0]) : tf.addN(perGroup)) as tf.Tensor1D;
    return { total, perGroup };
  });
}
