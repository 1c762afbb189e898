// The pictures of a run: reconstructions, samples from the prior, and latent
// traversals, as PNG grids (built on the encode/decode helpers the
// experiments' figures use too).
import * as tf from "@tensorflow/tfjs";
import type { Vae } from "../../models/build_vae.ts";
import { decodeCodes, type PixelModel, reconstruct, traversalImages } from "./model_images.ts";
import { comparisonRaster, encodePng, gridRaster } from "./png_grid.ts";

/** Originals (top row of each pair) above their reconstructions from the posterior means. */
export function reconstructionGrid(
  vae: Vae,
  x: tf.Tensor4D,
  { likelihood = "bernoulli", columns = 8 }: { likelihood?: PixelModel; columns?: number } = {},
): Uint8Array {
  const originals = {
    data: x.dataSync() as Float32Array,
    shape: x.shape as [number, number, number, number],
  };
  const reconstructions = reconstruct(vae, originals, likelihood);
  return encodePng(comparisonRaster([originals, reconstructions], { by: "row", columns }));
}

/** Decoded samples z ~ N(0, I). */
export function priorSampleGrid(
  vae: Vae,
  latentDim: number,
  { seed, likelihood = "bernoulli", n = 64 }: { seed: number; likelihood?: PixelModel; n?: number },
): Uint8Array {
  const z = tf.randomNormal(
    [n, latentDim],
    0,
    1,
    "float32",
    seed + 1,
  ) /* tfjs: seed 0 = unseeded */ as tf.Tensor2D;
  const values = z.dataSync() as Float32Array;
  z.dispose();
  const codes = Array.from(
    { length: n },
    (_, i) => values.subarray(i * latentDim, (i + 1) * latentDim),
  );
  return encodePng(gridRaster(decodeCodes(vae, codes, likelihood), { columns: 8 }));
}

/**
 * One row per latent dimension (in the given order, e.g. by KL): the code of
 * `base` with that dimension swept over `values`, decoded.
 */
export function traversalGrid(
  vae: Vae,
  base: Float32Array,
  order: readonly number[],
  {
    likelihood = "bernoulli",
    values = [-2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5],
  }: { likelihood?: PixelModel; values?: readonly number[] } = {},
): Uint8Array {
  const images = traversalImages(vae, order, {
    bases: values.map(() => base),
    values,
    likelihood,
  });
  return encodePng(gridRaster(images, { columns: values.length }));
}
