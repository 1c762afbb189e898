import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Discriminator } from "./build_discriminator.ts";
import type { Vae } from "./build_vae.ts";
import { writeDiscriminator } from "./_discriminator_files.ts";
import { faultPoint } from "./_fault_point.ts";
import { writeLayersModel } from "./_layers_files.ts";
import { writeFileAtomic } from "../data/write_file_atomic.ts";

/** Options of {@link saveVae}. */
export interface SaveVaeOptions {
  /**
   * Anything JSON-serialisable to keep beside the weights as `vae.json`
   * (architecture, input shape, latent size, objective, ...), so the model
   * can be rebuilt and understood later.
   * @default {{}}
   */
  readonly config?: Record<string, unknown>;
  /**
   * FactorVAE's discriminator, saved with its optimiser's state in
   * `dir/discriminator/` (`loadVae` reads it back).
   * @default {undefined}
   */
  readonly discriminator?: Discriminator;
}

/**
 * Saves a VAE to a folder in the tfjs layers format, which both `loadVae` and
 * a browser's `tf.loadLayersModel("…/encoder/model.json")` read:
 * `dir/encoder/{model.json,weights.bin}`, `dir/decoder/{model.json,weights.bin}`
 * and `dir/vae.json` with the latent size and the given config; with
 * `options.discriminator`, also `dir/discriminator/` (its model, and its
 * optimiser's weights in `optimizer.json` + `optimizer.bin`). Each file is
 * written to a temporary name and renamed, so an interrupted save leaves
 * every file whole (old or new).
 *
 * @example
 * ```ts
 * import { buildVae, loadVae, saveVae } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 3, seed: 1 });
 * await saveVae(vae, dir, { config: { architecture: "mnist-mlp" } });
 * const loaded = await loadVae(dir);
 * assert.equal(loaded.config.architecture, "mnist-mlp");
 * assert.equal(loaded.latentDim, 3);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param vae The encoder and decoder.
 * @param dir The folder (created if needed; files in it are replaced).
 * @param options The config to store beside the weights.
 */
export async function saveVae(vae: Vae, dir: string, options: SaveVaeOptions = {}): Promise<void> {
  if (!vae?.encoder || !vae?.decoder) {
    throw new TypeError("Cannot save the VAE: vae must be { encoder, decoder }");
  }
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`Cannot save the VAE: dir must be a folder path, got ${String(dir)}`);
  }
  const { config = {}, discriminator } = options;
  await mkdir(dir, { recursive: true });
  await writeLayersModel(vae.encoder, join(dir, "encoder"));
  await faultPoint("save-vae");
  await writeLayersModel(vae.decoder, join(dir, "decoder"));
  if (discriminator) await writeDiscriminator(discriminator, join(dir, "discriminator"));
  const latentDim = (vae.encoder.outputs[0].shape[1] as number) / 2;
  const inputShape = vae.encoder.inputs[0].shape.slice(1);
  await writeFileAtomic(
    join(dir, "vae.json"),
    JSON.stringify({ format: "disentangle-vae/1", latentDim, inputShape, config }, null, 2),
  );
}
