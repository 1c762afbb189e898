// Pictures from trained models for the reports: decoding codes to images,
// laying images out in grids, and encoding grids as PNG (pngjs) or animated
// GIF (gifenc). Both encoders stay out of the library's import graph.
import * as tf from "@tensorflow/tfjs";
import gifenc from "gifenc";
import type { TrainConfig } from "../_train/options.ts";
import { encodePng, gridRaster, type ImageBatch, type Raster } from "../_train/png_grid.ts";

export { encodePng, gridRaster, type ImageBatch, type Raster };
import type { Observations } from "../../data/ground_truth_data.ts";

/** The parts of a VAE the pictures need. */
export interface PictureModel {
  readonly encoder: tf.LayersModel;
  readonly decoder: tf.LayersModel;
}

/** Decodes codes `[N, D]` (row-major) to images: the decoder's mean, in [0, 1]. */
export function decodeCodes(
  model: PictureModel,
  codes: Float32Array,
  latentDim: number,
  likelihood: TrainConfig["likelihood"],
): ImageBatch {
  const n = codes.length / latentDim;
  const out = tf.tidy(() => {
    const raw = model.decoder.predict(tf.tensor2d(codes, [n, latentDim])) as tf.Tensor;
    // Bernoulli decoders give logits; Gaussian and Laplace ones give the mean itself.
    return likelihood === "bernoulli" ? tf.sigmoid(raw) : tf.clipByValue(raw, 0, 1);
  });
  const data = out.dataSync() as Float32Array;
  const shape = out.shape as [number, number, number, number];
  out.dispose();
  return { data: Float32Array.from(data), shape };
}

/** Posterior means `[N, D]` of observations, row-major. */
export function encodeMeans(model: PictureModel, observations: Observations): Float32Array {
  const stats = tf.tidy(() => {
    const x = tf.tensor(observations.data, observations.shape as number[]);
    return model.encoder.predict(x) as tf.Tensor2D;
  });
  const [n, twoD] = stats.shape;
  const values = stats.dataSync();
  stats.dispose();
  const d = twoD / 2;
  const means = new Float32Array(n * d);
  for (let i = 0; i < n; i++) means.set(values.subarray(i * twoD, i * twoD + d), i * d);
  return means;
}

/** Reconstructions (decoded posterior means) of observations. */
export function reconstruct(
  model: PictureModel,
  observations: Observations,
  likelihood: TrainConfig["likelihood"],
): ImageBatch {
  const means = encodeMeans(model, observations);
  return decodeCodes(model, means, means.length / observations.shape[0], likelihood);
}

interface GifEncoder {
  writeFrame(
    index: Uint8Array,
    width: number,
    height: number,
    options: { palette?: number[][]; delay?: number; repeat?: number },
  ): void;
  finish(): void;
  bytes(): Uint8Array;
}
const { GIFEncoder, quantize, applyPalette } = gifenc as unknown as {
  GIFEncoder: () => GifEncoder;
  quantize: (rgba: Uint8Array, colors: number) => number[][];
  applyPalette: (rgba: Uint8Array, palette: number[][]) => Uint8Array;
};

/**
 * An animated GIF that loops forever, `delay` milliseconds per frame. The
 * palette (256 colours) is quantised once from all frames, so colours do not
 * flicker between frames.
 */
export function encodeGif(frames: readonly Raster[], delay = 100): Uint8Array {
  if (frames.length === 0) throw new RangeError("Cannot encode the GIF: no frames");
  const { width, height } = frames[0];
  const all = new Uint8Array(frames.length * width * height * 4);
  frames.forEach((f, i) => {
    if (f.width !== width || f.height !== height) {
      throw new RangeError(
        `Cannot encode the GIF: frame ${i} is ${f.width}×${f.height}, not ${width}×${height}`,
      );
    }
    all.set(f.rgba, i * width * height * 4);
  });
  const palette = quantize(all, 256);
  const gif = GIFEncoder();
  for (const frame of frames) {
    gif.writeFrame(applyPalette(frame.rgba, palette), width, height, {
      palette,
      delay,
      repeat: 0,
    });
  }
  gif.finish();
  return gif.bytes();
}

/** Stacks image batches of the same image shape into one batch. */
export function concatImages(batches: readonly ImageBatch[]): ImageBatch {
  const [, h, w, c] = batches[0].shape;
  const n = batches.reduce((s, b) => s + b.shape[0], 0);
  const data = new Float32Array(n * h * w * c);
  let at = 0;
  for (const b of batches) {
    data.set(b.data, at);
    at += b.data.length;
  }
  return { data, shape: [n, h, w, c] };
}

/** Image `i` of a batch as a batch of one. */
export function pick(batch: ImageBatch, indices: readonly number[]): ImageBatch {
  const [, h, w, c] = batch.shape;
  const per = h * w * c;
  const data = new Float32Array(indices.length * per);
  indices.forEach((i, k) => data.set(batch.data.subarray(i * per, (i + 1) * per), k * per));
  return { data, shape: [indices.length, h, w, c] };
}
