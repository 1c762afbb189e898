import * as tf from "@tensorflow/tfjs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { saveVae } from "./save_vae.ts";
import type { TrainState } from "./train_step.ts";

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * JSON state to resume from: step, RNG state, config hash, history, ...
   * @default {{}}
   */
  readonly state?: Record<string, unknown>;
  /**
   * The model config stored beside the weights (see `saveVae`).
   * @default {{}}
   */
  readonly config?: Record<string, unknown>;
}

/**
 * Saves everything a training run needs to continue exactly: the model (as
 * `saveVae` does, with FactorVAE's discriminator and its optimiser when
 * `train.discriminator` is set), the optimiser's weights (Adam's moments and step count) in
 * `optimizer.bin` + `optimizer.json`, and the caller's JSON `state`. The
 * checkpoint is written to a temporary folder and renamed into place, so an
 * interrupted save never leaves a half-written checkpoint behind.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { buildVae, fusedAdam, loadCheckpoint, saveCheckpoint, trainStep } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 2, seed: 1 });
 * const optimizer = fusedAdam();
 * trainStep({ vae, optimizer }, tf.zeros([4, 4, 4, 1]), { datasetSize: 10 });
 * await saveCheckpoint({ vae, optimizer }, `${dir}/ckpt`, { state: { step: 1 } });
 * const restored = await loadCheckpoint(`${dir}/ckpt`, fusedAdam());
 * assert.equal(restored.state.step, 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param train The model and its optimiser.
 * @param dir The checkpoint folder (replaced if it exists).
 * @param options The JSON state and model config.
 */
export async function saveCheckpoint(
  train: TrainState,
  dir: string,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  const { vae, optimizer } = train ?? {};
  if (!vae?.encoder || !(optimizer instanceof tf.Optimizer)) {
    throw new TypeError("Cannot save the checkpoint: train must be { vae, optimizer }");
  }
  const { state = {}, config = {} } = options;
  const tmp = `${dir}.tmp-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await saveVae(vae, join(tmp, "model"), { config, discriminator: train.discriminator });
    const weights = await optimizer.getWeights();
    const manifest = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const { name, tensor } of weights) {
      const data = await tensor.data();
      const bytes = new Uint8Array(Float32Array.from(data as Float32Array).buffer);
      manifest.push({
        name,
        shape: tensor.shape,
        dtype: "float32",
        offset,
        byteLength: bytes.length,
      });
      parts.push(bytes);
      offset += bytes.length;
    }
    const blob = new Uint8Array(offset);
    let at = 0;
    for (const p of parts) {
      blob.set(p, at);
      at += p.length;
    }
    await writeFile(join(tmp, "optimizer.bin"), blob);
    await writeFile(
      join(tmp, "optimizer.json"),
      JSON.stringify({
        className: optimizer.getClassName(),
        config: optimizer.getConfig(),
        weights: manifest,
      }),
    );
    await writeFile(join(tmp, "state.json"), JSON.stringify(state, null, 2));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
