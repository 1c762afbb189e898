import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Discriminator } from "./build_discriminator.ts";
import type { Vae } from "./build_vae.ts";
import { hasDiscriminator, readDiscriminator } from "./_discriminator_files.ts";
import { readLayersModel } from "./_layers_files.ts";

/** A VAE read back from disk, with what was saved beside it. */
export interface LoadedVae extends Vae {
  /** Number of latent dimensions. */
  readonly latentDim: number;
  /** Shape of one observation, `[H, W, C]`. */
  readonly inputShape: number[];
  /** The config saved with the model. */
  readonly config: Record<string, unknown>;
  /** FactorVAE's discriminator with its optimiser's state, when one was saved beside the VAE. */
  readonly discriminator?: Discriminator;
}

/**
 * Loads a VAE saved by `saveVae` (and the discriminator saved with it, if
 * any, its optimiser restored to continue training). A folder that does not hold one, or
 * weights that do not match, is an Error naming the path.
 *
 * @example
 * ```ts
 * import { loadVae } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => loadVae("/no/such/run"), /Cannot load the VAE: \/no\/such\/run\/vae\.json/);
 * ```
 *
 * @param dir A folder written by `saveVae` (e.g. a run's `model/`).
 * @returns The encoder, decoder, latent size, input shape and config.
 */
export async function loadVae(dir: string): Promise<LoadedVae> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`Cannot load the VAE: dir must be a folder path, got ${String(dir)}`);
  }
  const path = join(dir, "vae.json");
  let meta: { latentDim?: number; inputShape?: number[]; config?: Record<string, unknown> };
  try {
    meta = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    const reason = (e as { code?: string }).code === "ENOENT"
      ? "the file does not exist (is this a saved VAE?)"
      : (e as Error).message;
    throw new Error(`Cannot load the VAE: ${path}: ${reason}`);
  }
  const encoder = await readLayersModel(join(dir, "encoder"), "VAE's encoder");
  const decoder = await readLayersModel(join(dir, "decoder"), "VAE's decoder");
  const latentDim = (encoder.outputs[0].shape[1] as number) / 2;
  if (meta.latentDim !== undefined && meta.latentDim !== latentDim) {
    throw new RangeError(
      `Cannot load the VAE: ${path} says latentDim ${meta.latentDim} but the encoder outputs ${latentDim}`,
    );
  }
  const discriminatorDir = join(dir, "discriminator");
  return {
    encoder,
    decoder,
    latentDim,
    inputShape: encoder.inputs[0].shape.slice(1) as number[],
    config: meta.config ?? {},
    ...(hasDiscriminator(discriminatorDir)
      ? { discriminator: await readDiscriminator(discriminatorDir) }
      : {}),
  };
}
