import * as tf from "@tensorflow/tfjs";
import { ARCHITECTURE_TABLE } from "./_architectures.ts";

/** Options of {@link buildVae}. */
export interface BuildVaeOptions {
  /**
   * Shape of one observation, [height, width, channels]. Convolutional
   * architectures need height and width divisible by their total stride
   * (16 for "burgess", 8 for "seed000-conv").
   * @default the architecture's `defaultInputShape` ([64, 64, 1]; [28, 28, 1] for "mnist-mlp")
   */
  inputShape?: readonly number[];
  /**
   * Number of latent dimensions D.
   * @default 10
   */
  latentDim?: number;
  /**
   * Seed of the weight initialisers: the same seed gives the same weights.
   * @default 0
   */
  seed?: number;
  /**
   * Initial bias of the encoder's log σ² outputs. The usual 0 starts every
   * posterior at σ = 1, so z is mostly noise and the decoder may learn to
   * ignore it for hundreds of steps (KL stuck at 0); a negative value such as
   * −4 (σ ≈ 0.14) lets z carry the input from the first step.
   * @default 0
   */
  initialLogVar?: number;
}

/** tfjs's `tf.LayersModel` (named here so the documentation can link it). */
export type LayersModel = tf.LayersModel;

/** The two halves of a VAE built by {@link buildVae}. */
export interface Vae {
  /**
   * Maps a batch [B, H, W, C] to [B, 2·latentDim]: columns 0..D−1 are the
   * posterior means μ, columns D..2D−1 the log variances log σ².
   */
  encoder: LayersModel;
  /** Maps a batch of codes [B, latentDim] to logits [B, H, W, C] (no output activation). */
  decoder: LayersModel;
}

function positiveInteger(value: unknown, what: string, action: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${what} must be a number, got ${typeof value}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Cannot ${action}: ${what} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Builds the encoder and decoder of a named architecture as two
 * `tf.LayersModel`s (thin adapters over tfjs layers). The encoder outputs one
 * tensor [B, 2·latentDim], μ then log σ²; the decoder outputs Bernoulli
 * logits (or Gaussian means) shaped like the input, with no activation.
 *
 * Architectures (see {@link listArchitectures}): `"burgess"` (conv 4×4 stride 2,
 * 32-32-64-64, dense 256), `"locatello-mlp"` (1200-1200 ReLU encoder,
 * 1200-1200-1200 tanh decoder), `"seed000-conv"` (3 conv 3×3 stride 2 with
 * doubling filters; dense + 3 transposed conv 4×4 stride 2), `"mnist-mlp"`
 * (500 ReLU units each side).
 *
 * @param architecture name of the architecture.
 * @param options input shape, latent size and initialiser seed.
 * @returns `{ encoder, decoder }`.
 * @throws {RangeError} for an unknown architecture (the message lists the valid
 *   ones), a non-positive size, or a height/width not divisible by the total stride.
 * @throws {TypeError} if `inputShape` is not an array of three numbers.
 *
 * @example
 * ```ts
 * import { buildVae } from "@disentangle/vae/models";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * const { encoder, decoder } = buildVae("mnist-mlp", { inputShape: [28, 28, 1], latentDim: 2 });
 * const x = tf.zeros([3, 28, 28, 1]);
 * const stats = encoder.predict(x) as tf.Tensor;
 * assert.deepEqual(stats.shape, [3, 4]); // μ (2 columns) then log σ² (2 columns)
 * const logits = decoder.predict(tf.zeros([3, 2])) as tf.Tensor;
 * assert.deepEqual(logits.shape, [3, 28, 28, 1]);
 * tf.dispose([x, stats, logits]);
 * encoder.dispose();
 * decoder.dispose();
 * ```
 */
export function buildVae(architecture: string, options: BuildVaeOptions = {}): Vae {
  const action = "build a VAE";
  const info = Object.hasOwn(ARCHITECTURE_TABLE, architecture)
    ? ARCHITECTURE_TABLE[architecture]
    : undefined;
  if (info === undefined) {
    const valid = Object.keys(ARCHITECTURE_TABLE).map((n) => `"${n}"`).join(", ");
    throw new RangeError(
      `Cannot ${action}: unknown architecture "${architecture}"; valid ones are ${valid}`,
    );
  }
  const { inputShape = info.defaultInputShape, latentDim = 10, seed = 0 } = options;
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new TypeError(
      `Cannot ${action}: inputShape must be [height, width, channels], got ${
        JSON.stringify(inputShape)
      }`,
    );
  }
  const [h, w, c] = inputShape.map((v, i) => positiveInteger(v, `inputShape[${i}]`, action)) as [
    number,
    number,
    number,
  ];
  positiveInteger(latentDim, "latentDim", action);
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0) {
    throw new RangeError(`Cannot ${action}: seed must be a non-negative integer, got ${seed}`);
  }
  const s = info.totalStride;
  if (h % s !== 0 || w % s !== 0) {
    throw new RangeError(
      `Cannot ${action}: architecture "${architecture}" needs height and width divisible by ${s}, got inputShape [${h}, ${w}, ${c}]`,
    );
  }
  const { initialLogVar = 0 } = options;
  if (typeof initialLogVar !== "number" || !Number.isFinite(initialLogVar)) {
    throw new RangeError(
      `Cannot ${action}: initialLogVar must be a finite number, got ${String(initialLogVar)}`,
    );
  }
  const vae = info.build({ inputShape: [h, w, c], latentDim, seed });
  if (initialLogVar !== 0) {
    // The encoder's last layer is dense with 2·D outputs: μ, then log σ².
    const out = vae.encoder.layers[vae.encoder.layers.length - 1];
    const [kernel, bias] = out.getWeights();
    const values = (bias.dataSync() as Float32Array).slice();
    values.fill(initialLogVar, latentDim);
    const newBias = tf.tensor1d(values);
    out.setWeights([kernel, newBias]);
    newBias.dispose();
  }
  return vae;
}
