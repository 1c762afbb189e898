import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type LoadedVae, loadVae } from "./load_vae.ts";
import { recoverCheckpoint } from "./recover_checkpoint.ts";

/** A checkpoint read back by {@link loadCheckpoint}. */
export interface LoadedCheckpoint {
  /** The model, with its saved config (and FactorVAE's discriminator, if the run had one). */
  readonly vae: LoadedVae;
  /** The JSON state saved with it. */
  readonly state: Record<string, unknown>;
}

/**
 * Restores a checkpoint written by `saveCheckpoint`: loads the model, sets the
 * saved weights (moments, step count) on `optimizer`, which must be of the
 * same class (e.g. a fresh `fusedAdam()` with the run's learning rate), and
 * returns the saved JSON state. Missing or damaged files are Errors naming
 * the path. A checkpoint whose replacement was interrupted is put back first
 * (`recoverCheckpoint`).
 *
 * @example
 * ```ts
 * import { fusedAdam, loadCheckpoint } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => loadCheckpoint("/no/such/checkpoint", fusedAdam()), /Cannot load/);
 * ```
 *
 * @param dir The checkpoint folder.
 * @param optimizer A fresh optimiser of the saved class, to receive the saved weights.
 * @returns The model and the JSON state.
 */
export async function loadCheckpoint(
  dir: string,
  optimizer: tf.Optimizer,
): Promise<LoadedCheckpoint> {
  if (!(optimizer instanceof tf.Optimizer)) {
    throw new TypeError("Cannot load the checkpoint: optimizer must be a tf.Optimizer");
  }
  await recoverCheckpoint(dir);
  const vae = await loadVae(join(dir, "model"));
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name));
    } catch (e) {
      throw new Error(`Cannot load the checkpoint: ${join(dir, name)}: ${(e as Error).message}`);
    }
  };
  const manifest = JSON.parse(new TextDecoder().decode(await read("optimizer.json"))) as {
    className: string;
    weights: { name: string; shape: number[]; offset: number; byteLength: number }[];
  };
  if (manifest.className !== optimizer.getClassName()) {
    throw new TypeError(
      `Cannot load the checkpoint: it holds a ${manifest.className} optimizer state, not ${optimizer.getClassName()}`,
    );
  }
  const file = await read("optimizer.bin");
  const blob = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const weights = manifest.weights.map(({ name, shape, offset, byteLength }) => {
    if (offset + byteLength > blob.byteLength) {
      throw new RangeError(
        `Cannot load the checkpoint: ${
          join(dir, "optimizer.bin")
        } is truncated (${blob.byteLength} bytes)`,
      );
    }
    const values = new Float32Array(blob.slice(offset, offset + byteLength).buffer);
    return { name, tensor: tf.tensor(values, shape) };
  });
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  const state = JSON.parse(new TextDecoder().decode(await read("state.json")));
  return { vae, state };
}
