import { readPath } from "./_read_path.ts";
import { decodeImage, resampleInto } from "./_images.ts";
import { checkVariantSeed, dspritesVariant } from "./_dsprites_variant.ts";
import type { DspritesVariantDataset, DspritesVariantOptions } from "./color_dsprites.ts";
import { drawInt } from "./_factor_grid.ts";

/** Options of {@link loadScreamDsprites}. */
export interface ScreamDspritesOptions extends DspritesVariantOptions {
  /**
   * The picture is first shrunk (keeping its aspect ratio, by area averaging)
   * to fit `[width, height]`, as disentanglement_lib shrinks The Scream to
   * fit 350×274; a smaller picture is kept as it is.
   * @default {[350, 274]}
   */
  maxSize?: readonly [number, number];
}

/**
 * Scream-dSprites (Locatello et al. 2019, as disentanglement_lib defines it):
 * procedural dSprites ({@link createDsprites}: the same indices and factor
 * grid) on a random 64×64 patch of a picture (the paper used Edvard Munch's
 * *The Scream*; any PNG or JPEG works): the background is
 * (patch + c)/2 with c a random colour (each channel uniform in [0, 1)), and
 * the sprite's pixels are its inverse, 1 − background. Patch and colour are
 * nuisances, not factors.
 *
 * @param imagePath A PNG or JPEG picture, at least 64×64 after the shrinking.
 * @param options The seed of the patches and colours, the size the picture is shrunk to.
 * @returns The data set (`[64, 64, 3]` observations, rendered on demand).
 * @throws {Error} `Cannot read <path>: ...` for a missing file, a file that
 *   is not a PNG or JPEG, or a picture smaller than 64×64.
 *
 * @example On a flat grey picture, the sprite is the background's inverse
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadScreamDsprites } from "@disentangle/vae/data";
 * import * as pngjs from "pngjs";
 * const { PNG } = pngjs as unknown as { PNG: { sync: { write(p: unknown): Uint8Array } } };
 * const png = { width: 80, height: 70, data: new Uint8Array(80 * 70 * 4).fill(128) };
 * const path = await Deno.makeTempFile({ suffix: ".png" });
 * await Deno.writeFile(path, PNG.sync.write(png));
 * const scream = await loadScreamDsprites(path, { seed: 2 });
 * const [index] = scream.indexOfFactors([[0, 5, 0, 16, 16]]);
 * const image = scream.observations([index]).data;
 * const centre = (32 * 64 + 32) * 3;
 * for (let k = 0; k < 3; k++) assert.ok(Math.abs(image[centre + k] + image[k] - 1) < 1e-6);
 * await Deno.remove(path);
 * ```
 */
export async function loadScreamDsprites(
  imagePath: string,
  options: ScreamDspritesOptions = {},
): Promise<DspritesVariantDataset> {
  const { seed = 0, maxSize = [350, 274] } = options;
  checkVariantSeed(seed, "load Scream-dSprites");
  if (
    !Array.isArray(maxSize) || maxSize.length !== 2 ||
    !maxSize.every((s) => Number.isInteger(s) && s >= 64)
  ) {
    throw new RangeError(
      `Cannot load Scream-dSprites: maxSize must be two integers ≥ 64, got ${
        JSON.stringify(maxSize)
      }`,
    );
  }
  const image = decodeImage(await readPath(imagePath, "Scream-dSprites picture"), imagePath);
  const scale = Math.min(1, maxSize[0] / image.width, maxSize[1] / image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width < 64 || height < 64) {
    throw new Error(
      `Cannot read ${imagePath}: the picture is ${width}×${height}${
        scale < 1 ? ` after shrinking to fit ${maxSize[0]}×${maxSize[1]}` : ""
      }; Scream-dSprites cuts 64×64 patches out of it`,
    );
  }
  const picture = new Float32Array(width * height * 3);
  resampleInto(image, [0, 0, image.width, image.height], width, height, 3, picture, 0);
  const action = "render Scream-dSprites observations";
  return dspritesVariant("scream-dsprites", seed, (mask, m, out, o, rng) => {
    const x0 = drawInt(rng, width - 63, action);
    const y0 = drawInt(rng, height - 63, action);
    const c = [rng(), rng(), rng()];
    for (let r = 0; r < 64; r++) {
      for (let col = 0; col < 64; col++) {
        const p = r * 64 + col;
        const src = ((y0 + r) * width + x0 + col) * 3;
        const inside = mask[m + p] !== 0;
        for (let k = 0; k < 3; k++) {
          const bg = (picture[src + k] + c[k]) / 2;
          out[o + 3 * p + k] = inside ? 1 - bg : bg;
        }
      }
    }
  });
}
