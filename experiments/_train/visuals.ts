// The pictures of a run: reconstructions, samples from the prior, and latent
// traversals, as PNG grids.
import * as tf from "@tensorflow/tfjs";
import type { Vae } from "../../models/build_vae.ts";
import { encodePng, gridRaster, type ImageBatch } from "./png_grid.ts";

const pngGrid = (data: Float32Array, shape: readonly number[], options: { columns: number }) =>
  encodePng(gridRaster({ data, shape: shape as ImageBatch["shape"] }, options));

/** How a decoder's output becomes pixels: logits through a sigmoid, means clipped to [0, 1]. */
export type PixelModel = "bernoulli" | "gaussian" | "laplace";

function toPixels(output: tf.Tensor, likelihood: PixelModel): tf.Tensor {
  return likelihood === "bernoulli" ? tf.sigmoid(output) : tf.clipByValue(output, 0, 1);
}

function decodeToImages(
  vae: Vae,
  z: tf.Tensor2D,
  likelihood: PixelModel,
): { data: Float32Array; shape: number[] } {
  const out = tf.tidy(() => toPixels(vae.decoder.predict(z) as tf.Tensor, likelihood));
  const data = out.dataSync() as Float32Array;
  const shape = out.shape;
  out.dispose();
  return { data, shape };
}

/** Originals (top row of each pair) above their reconstructions from the posterior means. */
export function reconstructionGrid(
  vae: Vae,
  x: tf.Tensor4D,
  { likelihood = "bernoulli", columns = 8 }: { likelihood?: PixelModel; columns?: number } = {},
): Uint8Array {
  const n = x.shape[0];
  const recon = tf.tidy(() => {
    const stats = vae.encoder.predict(x) as tf.Tensor2D;
    const d = stats.shape[1] / 2;
    return toPixels(vae.decoder.predict(tf.slice(stats, [0, 0], [-1, d])) as tf.Tensor, likelihood);
  });
  // Interleave rows: originals, reconstructions, originals, ...
  const [, h, w, c] = x.shape;
  const per = h * w * c;
  const orig = x.dataSync() as Float32Array;
  const rec = recon.dataSync() as Float32Array;
  recon.dispose();
  const rows = Math.ceil(n / columns);
  const out = new Float32Array(2 * rows * columns * per);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < columns; k++) {
      const i = r * columns + k;
      if (i >= n) continue;
      out.set(orig.subarray(i * per, (i + 1) * per), ((2 * r) * columns + k) * per);
      out.set(rec.subarray(i * per, (i + 1) * per), ((2 * r + 1) * columns + k) * per);
    }
  }
  return pngGrid(out, [2 * rows * columns, h, w, c], { columns });
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
  const { data, shape } = decodeToImages(vae, z, likelihood);
  z.dispose();
  return pngGrid(data, shape, { columns: 8 });
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
  const d = base.length;
  const codes = new Float32Array(order.length * values.length * d);
  order.forEach((dim, r) => {
    values.forEach((v, k) => {
      const at = (r * values.length + k) * d;
      codes.set(base, at);
      codes[at + dim] = v;
    });
  });
  const z = tf.tensor2d(codes, [order.length * values.length, d]);
  const { data, shape } = decodeToImages(vae, z, likelihood);
  z.dispose();
  return pngGrid(data, shape, { columns: values.length });
}
