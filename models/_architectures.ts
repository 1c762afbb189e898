/**
 * The layer stacks behind {@link buildVae}: one private builder per
 * architecture, each returning an encoder (input [H, W, C] → [2·latentDim],
 * μ then log σ²) and a decoder (input [latentDim] → logits [H, W, C]).
 */
import * as tf from "@tensorflow/tfjs";

/** Shape of one observation, [height, width, channels]. */
export type ImageShape = readonly [number, number, number];

/** What every private builder receives, already validated. */
export interface ArchitectureSpec {
  inputShape: ImageShape;
  latentDim: number;
  seed: number;
}

/** An encoder and a decoder as two tf.LayersModel. */
export interface EncoderDecoder {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

/** Static facts about one architecture, used for validation and listings. */
export interface ArchitectureInfo {
  /** One-line description shown by command-line listings. */
  description: string;
  /** Input shape used when the caller gives none. */
  defaultInputShape: ImageShape;
  /** Height and width must be divisible by this (product of the conv strides). */
  totalStride: number;
  build(spec: ArchitectureSpec): EncoderDecoder;
}

/** Seeded Glorot-uniform initialiser: a different, reproducible stream per layer. */
function init(seed: number, layer: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: seed * 1000 + layer });
}

/** Dense layer with a seeded kernel and zero bias. */
function dense(
  name: string,
  units: number,
  activation: "relu" | "tanh" | "linear",
  seed: number,
  layer: number,
): tf.layers.Layer {
  return tf.layers.dense({
    name,
    units,
    activation,
    kernelInitializer: init(seed, layer),
    biasInitializer: "zeros",
  });
}

function conv(
  name: string,
  filters: number,
  kernelSize: number,
  activation: "relu" | "linear",
  seed: number,
  layer: number,
): tf.layers.Layer {
  return tf.layers.conv2d({
    name,
    filters,
    kernelSize,
    strides: 2,
    padding: "same",
    activation,
    kernelInitializer: init(seed, layer),
    biasInitializer: "zeros",
  });
}

function deconv(
  name: string,
  filters: number,
  activation: "relu" | "linear",
  seed: number,
  layer: number,
): tf.layers.Layer {
  return tf.layers.conv2dTranspose({
    name,
    filters,
    kernelSize: 4,
    strides: 2,
    padding: "same",
    activation,
    kernelInitializer: init(seed, layer),
    biasInitializer: "zeros",
  });
}

function sequential(name: string, layers: tf.layers.Layer[]): tf.LayersModel {
  return tf.sequential({ name, layers });
}

/**
 * Burgess et al. 2018 / Higgins et al. 2017 (Table 1, chairs and dSprites
 * conv rows), as in disentanglement_lib's `conv_encoder`/`deconv_decoder`:
 * conv 4×4 stride 2 with 32-32-64-64 filters, dense 256, then μ and log σ²;
 * decoder dense 256, dense to (H/16)·(W/16)·64, transposed conv 4×4 stride 2
 * with 64-32-32-C filters. All ReLU except the two heads and the last layer.
 * (disentanglement_lib uses 2×2 kernels for its third and fourth encoder conv;
 * the papers and this library use 4×4 throughout.)
 */
function burgess({ inputShape, latentDim, seed }: ArchitectureSpec): EncoderDecoder {
  const [h, w, c] = inputShape;
  const encoder = sequential("encoder", [
    tf.layers.inputLayer({ inputShape: [h, w, c], name: "enc_input" }),
    conv("enc_conv1", 32, 4, "relu", seed, 1),
    conv("enc_conv2", 32, 4, "relu", seed, 2),
    conv("enc_conv3", 64, 4, "relu", seed, 3),
    conv("enc_conv4", 64, 4, "relu", seed, 4),
    tf.layers.flatten({ name: "enc_flatten" }),
    dense("enc_dense1", 256, "relu", seed, 5),
    dense("enc_out", 2 * latentDim, "linear", seed, 6),
  ]);
  const decoder = sequential("decoder", [
    tf.layers.inputLayer({ inputShape: [latentDim], name: "dec_input" }),
    dense("dec_dense1", 256, "relu", seed, 101),
    dense("dec_dense2", (h / 16) * (w / 16) * 64, "relu", seed, 102),
    tf.layers.reshape({ targetShape: [h / 16, w / 16, 64], name: "dec_reshape" }),
    deconv("dec_deconv1", 64, "relu", seed, 103),
    deconv("dec_deconv2", 32, "relu", seed, 104),
    deconv("dec_deconv3", 32, "relu", seed, 105),
    deconv("dec_out", c, "linear", seed, 106),
  ]);
  return { encoder, decoder };
}

/**
 * Locatello et al. 2019 fully connected model, as disentanglement_lib's
 * `fc_encoder` (dense 1200-1200 ReLU, then μ and log σ²) and `fc_decoder`
 * (dense 1200-1200-1200 tanh, then one dense layer to H·W·C logits).
 */
function locatelloMlp({ inputShape, latentDim, seed }: ArchitectureSpec): EncoderDecoder {
  const [h, w, c] = inputShape;
  const encoder = sequential("encoder", [
    tf.layers.inputLayer({ inputShape: [h, w, c], name: "enc_input" }),
    tf.layers.flatten({ name: "enc_flatten" }),
    dense("enc_dense1", 1200, "relu", seed, 1),
    dense("enc_dense2", 1200, "relu", seed, 2),
    dense("enc_out", 2 * latentDim, "linear", seed, 3),
  ]);
  const decoder = sequential("decoder", [
    tf.layers.inputLayer({ inputShape: [latentDim], name: "dec_input" }),
    dense("dec_dense1", 1200, "tanh", seed, 101),
    dense("dec_dense2", 1200, "tanh", seed, 102),
    dense("dec_dense3", 1200, "tanh", seed, 103),
    dense("dec_out", h * w * c, "linear", seed, 104),
    tf.layers.reshape({ targetShape: [h, w, c], name: "dec_reshape" }),
  ]);
  return { encoder, decoder };
}

/**
 * The convolutional net of seed paper 000: three conv 3×3 stride 2 ('same',
 * ReLU) with doubling filters 32-64-128, flattened into one dense layer giving
 * μ and log σ²; decoder one dense layer (ReLU) to (H/8)·(W/8)·128, then three
 * transposed conv 4×4 stride 2 ('same') halving the filters, 64-32, and C
 * linear outputs.
 */
function seed000Conv({ inputShape, latentDim, seed }: ArchitectureSpec): EncoderDecoder {
  const [h, w, c] = inputShape;
  const encoder = sequential("encoder", [
    tf.layers.inputLayer({ inputShape: [h, w, c], name: "enc_input" }),
    conv("enc_conv1", 32, 3, "relu", seed, 1),
    conv("enc_conv2", 64, 3, "relu", seed, 2),
    conv("enc_conv3", 128, 3, "relu", seed, 3),
    tf.layers.flatten({ name: "enc_flatten" }),
    dense("enc_out", 2 * latentDim, "linear", seed, 4),
  ]);
  const decoder = sequential("decoder", [
    tf.layers.inputLayer({ inputShape: [latentDim], name: "dec_input" }),
    dense("dec_dense1", (h / 8) * (w / 8) * 128, "relu", seed, 101),
    tf.layers.reshape({ targetShape: [h / 8, w / 8, 128], name: "dec_reshape" }),
    deconv("dec_deconv1", 64, "relu", seed, 102),
    deconv("dec_deconv2", 32, "relu", seed, 103),
    deconv("dec_out", c, "linear", seed, 104),
  ]);
  return { encoder, decoder };
}

/**
 * A small MLP for MNIST-sized data in the spirit of Kingma & Welling 2014:
 * one hidden layer of 500 ReLU units on each side.
 */
function mnistMlp({ inputShape, latentDim, seed }: ArchitectureSpec): EncoderDecoder {
  const [h, w, c] = inputShape;
  const encoder = sequential("encoder", [
    tf.layers.inputLayer({ inputShape: [h, w, c], name: "enc_input" }),
    tf.layers.flatten({ name: "enc_flatten" }),
    dense("enc_dense1", 500, "relu", seed, 1),
    dense("enc_out", 2 * latentDim, "linear", seed, 2),
  ]);
  const decoder = sequential("decoder", [
    tf.layers.inputLayer({ inputShape: [latentDim], name: "dec_input" }),
    dense("dec_dense1", 500, "relu", seed, 101),
    dense("dec_out", h * w * c, "linear", seed, 102),
    tf.layers.reshape({ targetShape: [h, w, c], name: "dec_reshape" }),
  ]);
  return { encoder, decoder };
}

/** Every architecture by name. */
export const ARCHITECTURE_TABLE: Readonly<Record<string, ArchitectureInfo>> = Object.freeze({
  "burgess": {
    description: "conv 4x4/2 32-32-64-64, dense 256 (Burgess et al. 2018; Higgins et al. 2017)",
    defaultInputShape: [64, 64, 1],
    totalStride: 16,
    build: burgess,
  },
  "locatello-mlp": {
    description: "dense 1200-1200 ReLU / 1200-1200-1200 tanh (Locatello et al. 2019)",
    defaultInputShape: [64, 64, 1],
    totalStride: 1,
    build: locatelloMlp,
  },
  "seed000-conv": {
    description: "conv 3x3/2 32-64-128 / transposed conv 4x4/2 64-32-C (seed paper 000)",
    defaultInputShape: [64, 64, 1],
    totalStride: 8,
    build: seed000Conv,
  },
  "mnist-mlp": {
    description: "dense 500 ReLU each side (Kingma & Welling 2014, MNIST)",
    defaultInputShape: [28, 28, 1],
    totalStride: 1,
    build: mnistMlp,
  },
});
