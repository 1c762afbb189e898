// Pictures from trained models for the reports, in one place: encoding and
// decoding (shared with `deno task train`'s pictures), grids as PNG (pngjs),
// and animated GIFs (gifenc). Both encoders stay out of the library's import
// graph.
import gifenc from "gifenc";
import type { Raster } from "../_train/png_grid.ts";

export {
  decodeCodes,
  encodeMeans,
  type PictureModel,
  type PixelModel,
  reconstruct,
  traversalImages,
} from "../_train/model_images.ts";
export {
  comparisonRaster,
  encodePng,
  gridRaster,
  type ImageBatch,
  type Raster,
} from "../_train/png_grid.ts";

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
