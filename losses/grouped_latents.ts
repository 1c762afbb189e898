import * as tf from "@tensorflow/tfjs-core";
import { groupOffsets } from "./_group_offsets.ts";
import { checkTensor } from "../estimators/checks.ts";

/** Options of {@link groupedLatents}. */
export interface GroupedLatentsOptions {
  /**
   * The size of each latent group, in order; they must add up to D.
   * Seed 004 splits 6 latents as `[3, 3]`.
   */
  readonly groupSizes: readonly number[];
}

/**
 * The decoder inputs of a Grouped-VAE (seed 004, "Important Groups First"):
 * for each group i, the codes of groups 1..i with the rest zero-padded, where
 * groups 1..i−1 pass no gradient back (a stop-gradient), so that a
 * reconstruction from the i-th input trains the full decoder but only the
 * encoder outputs of group i.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { groupedLatents } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const z = tf.tensor2d([[1, 2, 3, 4]]);
 * const [first, second] = groupedLatents(z, { groupSizes: [2, 2] });
 * assert.deepEqual(first.arraySync(), [[1, 2, 0, 0]]);
 * assert.deepEqual(second.arraySync(), [[1, 2, 3, 4]]);
 * ```
 *
 * @param z Codes `[B, D]`.
 * @param options The group sizes.
 * @returns One `[B, D]` decoder input per group.
 */
export function groupedLatents(z: tf.Tensor2D, options: GroupedLatentsOptions): tf.Tensor2D[] {
  const action = "build the grouped latents";
  checkTensor(z, "z", action, 2);
  const [b, d] = z.shape;
  const offsets = groupOffsets(options?.groupSizes, d, action);
  const sizes = options.groupSizes;
  return tf.tidy(() => {
    const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
    }));
    return offsets.map((start, i) => {
      const end = start + sizes[i];
      const parts: tf.Tensor[] = [];
      if (start > 0) parts.push(stopGradient(tf.slice(z, [0, 0], [b, start])) as tf.Tensor);
      parts.push(tf.slice(z, [0, start], [b, sizes[i]]));
      if (end < d) parts.push(tf.zeros([b, d - end]));
      return (parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts, 1)) as tf.Tensor2D;
    });
  });
}
