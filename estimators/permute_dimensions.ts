import * as tf from "@tensorflow/tfjs-core";
import { checkTensor } from "./checks.ts";

/** Options of {@link permuteDimensions}. */
export interface PermuteDimensionsOptions {
  /**
   * Seed of the permutations (any finite number; the same seed gives the
   * same permutations).
   * @default {0}
   */
  readonly seed?: number;
}

/**
 * Samples of ∏_d q(z_d) from samples of q(z) (Kim & Mnih 2018): every latent
 * dimension (column) of `z` is shuffled along the batch axis with its own
 * random permutation, so each column keeps its values (its marginal) while
 * the dependence between columns is broken. Shuffling whole rows instead
 * would keep the joint q(z), and shuffling within a row would mix the
 * dimensions' marginals: neither is a sample of the product of marginals.
 *
 * The permutations are drawn in tfjs-core from `options.seed` (the argsort of
 * seeded uniform keys), so they are the same on every backend.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { permuteDimensions } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const z = tf.tensor2d([[0, 10], [1, 11], [2, 12], [3, 13]]);
 * const shuffled = permuteDimensions(z, { seed: 4 }).arraySync();
 * // Each column holds the same values as before, in its own order.
 * assert.deepEqual(shuffled.map((r) => r[0]).sort(), [0, 1, 2, 3]);
 * assert.deepEqual(shuffled.map((r) => r[1]).sort(), [10, 11, 12, 13]);
 * ```
 *
 * @param z Codes `[B, D]`, one sample of q(z) per row.
 * @param options The seed.
 * @returns `[B, D]`: column d of `z` permuted by the d-th permutation.
 */
export function permuteDimensions(
  z: tf.Tensor2D,
  options: PermuteDimensionsOptions = {},
): tf.Tensor2D {
  const action = "permute the latent dimensions";
  checkTensor(z, "z", action, 2);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${String(options)}`);
  }
  const { seed = 0 } = options;
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new RangeError(`Cannot ${action}: options.seed must be a finite number, got ${seed}`);
  }
  const [b, d] = z.shape;
  return tf.tidy(() => {
    // One row of keys per dimension; the argsort of a row is that dimension's permutation.
    const keys = tf.randomUniform([d, b], 0, 1, "float32", seed);
    const order = tf.topk(keys, b).indices; // [D, B]
    // Row d of zᵀ is gathered at d·B + order[d], all rows in one flat gather.
    const offsets = tf.mul(tf.range(0, d, 1, "int32"), tf.scalar(b, "int32"));
    const flat = tf.reshape(tf.add(order, tf.reshape(offsets, [d, 1])), [d * b]);
    const gathered = tf.gather(tf.reshape(tf.transpose(z), [d * b]), flat);
    return tf.transpose(tf.reshape(gathered, [d, b])) as tf.Tensor2D;
  });
}
