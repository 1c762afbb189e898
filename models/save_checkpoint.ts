import * as tf from "@tensorflow/tfjs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { faultPoint } from "./_fault_point.ts";
import { writeFileAtomic } from "../data/write_file_atomic.ts";
import { optimizerWeights } from "./_optimizer_weights.ts";
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
 * checkpoint is written to a temporary folder beside `dir` (every file flushed
 * to disk), the old checkpoint is renamed aside, the new one renamed into
 * place, and the old one removed; so a process killed at any instant leaves
 * either the old checkpoint or the new one, whole. If it dies between the two
 * renames, `dir` is briefly missing and `recoverCheckpoint` (which
 * `loadCheckpoint` calls) puts the old one back.
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
  const tag = `${(globalThis as { Deno?: typeof Deno }).Deno?.pid ?? 0}-${Date.now()}`;
  const tmp = `${dir}.tmp-${tag}`;
  const old = `${dir}.old-${tag}`;
  await mkdir(tmp, { recursive: true });
  try {
    await saveVae(vae, join(tmp, "model"), { config, discriminator: train.discriminator });
    const { manifest, blob } = await optimizerWeights(optimizer);
    await writeFileAtomic(join(tmp, "optimizer.bin"), blob);
    await faultPoint("checkpoint-write");
    await writeFileAtomic(
      join(tmp, "optimizer.json"),
      JSON.stringify({
        className: optimizer.getClassName(),
        config: optimizer.getConfig(),
        weights: manifest,
      }),
    );
    // state.json last: a folder with it is a whole checkpoint.
    await writeFileAtomic(join(tmp, "state.json"), JSON.stringify(state, null, 2));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let hadOld = true;
  try {
    await rename(dir, old);
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw e;
    hadOld = false;
  }
  await faultPoint("checkpoint-swap");
  await rename(tmp, dir);
  if (hadOld) await rm(old, { recursive: true, force: true });
  // Leftovers of saves interrupted before (temporary or set-aside folders).
  const prefix = `${basename(dir)}.`;
  for (const entry of await readdir(dirname(dir))) {
    if (entry.startsWith(`${prefix}tmp-`) || entry.startsWith(`${prefix}old-`)) {
      await rm(join(dirname(dir), entry), { recursive: true, force: true });
    }
  }
}
