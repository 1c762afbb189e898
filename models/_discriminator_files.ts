// FactorVAE's discriminator on disk, beside a saved VAE: its layers model
// (model.json + weights.bin, as the encoder and decoder are written) and its
// optimiser's weights (optimizer.json + optimizer.bin: Adam's settings, step
// count and moments), so training can continue exactly.
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Discriminator } from "./build_discriminator.ts";
import { fusedAdam } from "./fused_adam.ts";
import { optimizerWeights } from "./_optimizer_weights.ts";
import { readLayersModel, writeLayersModel } from "./_layers_files.ts";
import { writeFileAtomic } from "../data/write_file_atomic.ts";

/** Writes `discriminator` into `dir` (created if needed). */
export async function writeDiscriminator(discriminator: Discriminator, dir: string): Promise<void> {
  await writeLayersModel(discriminator.model, dir);
  const { manifest, blob } = await optimizerWeights(discriminator.optimizer);
  await writeFileAtomic(join(dir, "optimizer.bin"), blob);
  await writeFileAtomic(
    join(dir, "optimizer.json"),
    JSON.stringify({
      className: discriminator.optimizer.getClassName(),
      config: discriminator.optimizer.getConfig(),
      weights: manifest,
    }),
  );
}

/** Whether `dir` holds a discriminator written by {@link writeDiscriminator}. */
export function hasDiscriminator(dir: string): boolean {
  return existsSync(join(dir, "model.json"));
}

/** Reads a discriminator written by {@link writeDiscriminator}; damaged files are Errors naming the path. */
export async function readDiscriminator(dir: string): Promise<Discriminator> {
  const model = await readLayersModel(dir, "discriminator");
  const path = join(dir, "optimizer.json");
  let manifest: {
    className: string;
    config: { learningRate: number; beta1: number; beta2: number; epsilon: number };
    weights: { name: string; shape: number[]; offset: number; byteLength: number }[];
  };
  let blob: Uint8Array;
  try {
    manifest = JSON.parse(await readFile(path, "utf8"));
    blob = new Uint8Array(await readFile(join(dir, "optimizer.bin")));
  } catch (e) {
    throw new Error(`Cannot load the discriminator: ${dir}: ${(e as Error).message}`);
  }
  if (manifest.className !== "Adam") {
    throw new TypeError(
      `Cannot load the discriminator: ${path} holds a ${manifest.className} optimizer, not Adam`,
    );
  }
  const { learningRate, beta1, beta2, epsilon } = manifest.config;
  const optimizer = fusedAdam({ learningRate, beta1, beta2, epsilon });
  const weights = manifest.weights.map(({ name, shape, offset, byteLength }) => {
    if (offset + byteLength > blob.byteLength) {
      throw new RangeError(
        `Cannot load the discriminator: ${
          join(dir, "optimizer.bin")
        } is truncated (${blob.byteLength} bytes)`,
      );
    }
    return {
      name,
      tensor: tf.tensor(new Float32Array(blob.slice(offset, offset + byteLength).buffer), shape),
    };
  });
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  return { model, optimizer };
}
