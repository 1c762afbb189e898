import * as tf from "@tensorflow/tfjs";
import type { Observations } from "../data/ground_truth_data.ts";
import type { LayersModel } from "./build_vae.ts";

/** Options of {@link encodeObservations}. */
export interface EncodeObservationsOptions {
  /**
   * How many observations go through the encoder at once.
   * @default {256}
   */
  readonly batchSize?: number;
}

/** Posterior parameters as plain rows, ready for the metrics. */
export interface EncodedObservations {
  /** μ, one row `[D]` per observation. */
  readonly mean: Float32Array[];
  /** log σ², one row `[D]` per observation. */
  readonly logVar: Float32Array[];
}

/**
 * Runs the encoder over plain observations in chunks and returns the
 * posterior means and log-variances as plain rows: the bridge from a tfjs
 * model to the metrics, which take plain arrays (`mig(mean, factors)`, or
 * `represent = (o) => encodeObservations(encoder, o).mean`).
 *
 * @example
 * ```ts
 * import { buildVae, encodeObservations } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const { encoder } = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 3 });
 * const observations = { data: new Float32Array(5 * 16), shape: [5, 4, 4, 1] };
 * const { mean, logVar } = encodeObservations(encoder, observations, { batchSize: 2 });
 * assert.equal(mean.length, 5);
 * assert.equal(logVar[4].length, 3);
 * ```
 *
 * @param encoder An encoder whose output is `[B, 2·D]` (μ then log σ²).
 * @param observations `{ data, shape: [N, H, W, C] }`.
 * @param options The chunk size.
 * @returns `{ mean, logVar }`, N rows of D numbers each.
 */
export function encodeObservations(
  encoder: LayersModel,
  observations: Observations,
  options: EncodeObservationsOptions = {},
): EncodedObservations {
  const action = "encode the observations";
  const { batchSize = 256 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot ${action}: options.batchSize must be an integer ≥ 1, got ${batchSize}`,
    );
  }
  const { data, shape } = observations ?? {};
  if (!(data instanceof Float32Array) || !Array.isArray(shape) || shape.length < 2) {
    throw new TypeError(
      `Cannot ${action}: observations must be { data: Float32Array, shape: [N, ...] }`,
    );
  }
  const expected = encoder.inputs[0].shape.slice(1);
  if (shape.slice(1).some((s, i) => expected[i] !== null && s !== expected[i])) {
    throw new TypeError(
      `Cannot ${action}: observations have shape [${shape}] but the encoder takes [N,${expected}]`,
    );
  }
  const n = shape[0];
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  if (data.length !== n * per) {
    throw new TypeError(
      `Cannot ${action}: observations.data has ${data.length} values but shape [${shape}] needs ${
        n * per
      }`,
    );
  }
  const mean: Float32Array[] = [];
  const logVar: Float32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const stats = tf.tidy(() => {
      const x = tf.tensor(data.subarray(start * per, (start + size) * per), [
        size,
        ...shape.slice(1),
      ]);
      return encoder.predict(x) as tf.Tensor2D;
    });
    const values = stats.dataSync() as Float32Array;
    const d = stats.shape[1] / 2;
    stats.dispose();
    for (let i = 0; i < size; i++) {
      mean.push(values.slice(i * 2 * d, i * 2 * d + d));
      logVar.push(values.slice(i * 2 * d + d, (i + 1) * 2 * d));
    }
  }
  return { mean, logVar };
}
