// Images from a trained VAE, shared by `deno task train`'s pictures and the
// experiments' figures: posterior means through the library's
// encodeObservations, and the one path from codes to pixels.
import * as tf from "@tensorflow/tfjs";
import type { Observations } from "../../data/ground_truth_data.ts";
import type { LayersModel } from "../../models/build_vae.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import type { ImageBatch } from "./png_grid.ts";

/** How a decoder's output becomes pixels: logits through a sigmoid, means clipped to [0, 1]. */
export type PixelModel = "bernoulli" | "gaussian" | "laplace";

/** The parts of a VAE the pictures need. */
export interface PictureModel {
  readonly encoder: LayersModel;
  readonly decoder: LayersModel;
}

/** Posterior means μ of observations, one row `[D]` each. */
export function encodeMeans(model: PictureModel, observations: Observations): Float32Array[] {
  return encodeObservations(model.encoder, observations).mean;
}

/**
 * Decodes codes (one row `[D]` each, in one batch) to images in [0, 1]: the
 * decoder's mean, i.e. Bernoulli logits through a sigmoid, Gaussian and
 * Laplace means clipped.
 */
export function decodeCodes(
  model: PictureModel,
  codes: readonly Float32Array[],
  likelihood: PixelModel,
): ImageBatch {
  if (codes.length === 0) throw new RangeError("Cannot decode the codes: there are none");
  const d = codes[0].length;
  const flat = new Float32Array(codes.length * d);
  codes.forEach((row, i) => flat.set(row, i * d));
  const out = tf.tidy(() => {
    const raw = model.decoder.predict(tf.tensor2d(flat, [codes.length, d])) as tf.Tensor;
    return likelihood === "bernoulli" ? tf.sigmoid(raw) : tf.clipByValue(raw, 0, 1);
  });
  const data = out.dataSync() as Float32Array;
  const shape = out.shape as [number, number, number, number];
  out.dispose();
  return { data, shape };
}

/** Reconstructions of observations: their posterior means, decoded. */
export function reconstruct(
  model: PictureModel,
  observations: Observations,
  likelihood: PixelModel,
): ImageBatch {
  return decodeCodes(model, encodeMeans(model, observations), likelihood);
}

/**
 * Decoded latent traversals, one row per latent of `order` and one column
 * per entry of `values`: the cell in row r, column k decodes `bases[k]` with
 * latent `order[r]` set to `values[k]`. One base for every column sweeps one
 * code; a constant value over several bases moves one latent of several codes.
 */
export function traversalImages(
  model: PictureModel,
  order: readonly number[],
  { bases, values, likelihood }: {
    bases: readonly Float32Array[];
    values: readonly number[];
    likelihood: PixelModel;
  },
): ImageBatch {
  if (bases.length !== values.length) {
    throw new RangeError(
      `Cannot traverse the latents: ${bases.length} bases for ${values.length} values`,
    );
  }
  const codes = order.flatMap((dim) =>
    values.map((v, k) => {
      const code = Float32Array.from(bases[k]);
      code[dim] = v;
      return code;
    })
  );
  return decodeCodes(model, codes, likelihood);
}
