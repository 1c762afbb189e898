// Private: PNG/JPEG decoding (pngjs, jpeg-js) and resampling for image folders.
import jpeg from "jpeg-js";
import * as pngjs from "pngjs";

/** A decoded image: RGBA bytes, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

interface PngSync {
  read(buffer: Uint8Array): Rgba;
}
// pngjs ships no types: the part used here, typed by hand.
const PNG = (pngjs as unknown as { PNG: { sync: PngSync } }).PNG;

/** Which format the bytes are, by their magic number. */
export function imageFormat(bytes: Uint8Array): "png" | "jpeg" | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "png";
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return undefined;
}

/** Decodes a PNG or JPEG file, with `Cannot read <path>: ...` errors. */
export function decodeImage(bytes: Uint8Array, path: string): Rgba {
  const format = imageFormat(bytes);
  if (!format) throw new Error(`Cannot read ${path}: not a PNG or JPEG file`);
  try {
    const image = format === "png"
      ? PNG.sync.read(bytes)
      : jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    if (!(image.width > 0 && image.height > 0)) throw new Error("empty image");
    return { width: image.width, height: image.height, data: image.data };
  } catch (e) {
    throw new Error(
      `Cannot read ${path}: corrupt ${format.toUpperCase()} (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

/** Per output pixel along one axis: the source pixels and their weights. */
interface AxisWeights {
  index: Int32Array; // start offsets into `taps`
  src: Int32Array;
  weight: Float32Array;
}

/**
 * Resampling weights mapping the source interval [start, start + length)
 * (pixel i covers [i, i+1)) onto `out` pixels. Shrinking averages the
 * covered area (each source pixel weighted by its overlap); enlarging
 * interpolates linearly between the two nearest pixel centres (clamped at the
 * region's edge pixels).
 */
export function axisWeights(
  start: number,
  length: number,
  out: number,
  limit: number,
): AxisWeights {
  const step = length / out;
  const first = Math.max(0, Math.floor(start));
  const last = Math.min(limit - 1, Math.ceil(start + length) - 1);
  const src: number[] = [];
  const weight: number[] = [];
  const index = new Int32Array(out + 1);
  for (let j = 0; j < out; j++) {
    index[j] = src.length;
    if (step >= 1) {
      const a = start + j * step, b = a + step;
      for (let i = Math.floor(a); i < b; i++) {
        const overlap = Math.min(b, i + 1) - Math.max(a, i);
        if (overlap > 1e-12) {
          src.push(Math.min(last, Math.max(first, i)));
          weight.push(overlap / step);
        }
      }
    } else {
      const u = start + (j + 0.5) * step - 0.5;
      const i0 = Math.floor(u);
      const t = u - i0;
      src.push(Math.min(last, Math.max(first, i0)), Math.min(last, Math.max(first, i0 + 1)));
      weight.push(1 - t, t);
    }
  }
  index[out] = src.length;
  return { index, src: Int32Array.from(src), weight: Float32Array.from(weight) };
}

/**
 * Crops `box` = [x, y, w, h] from `image`, resamples it to `width × height`
 * and writes it to `out` at `offset` as `channels` (1: BT.601 luma, 3: RGB)
 * values in [0, 1], alpha composited over black.
 */
export function resampleInto(
  image: Rgba,
  box: readonly [number, number, number, number],
  width: number,
  height: number,
  channels: 1 | 3,
  out: Float32Array,
  offset: number,
): void {
  const [x, y, w, h] = box;
  const cols = axisWeights(x, w, width, image.width);
  const rows = axisWeights(y, h, height, image.height);
  // Source colour in [0, 1], premultiplied by alpha, per channel.
  const px = (i: number, c: number): number => {
    const d = image.data;
    return (d[i * 4 + c] * d[i * 4 + 3]) / (255 * 255);
  };
  const tmp = new Float32Array(3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      tmp.fill(0);
      for (let a = rows.index[r]; a < rows.index[r + 1]; a++) {
        const sy = rows.src[a], wy = rows.weight[a];
        for (let b = cols.index[c]; b < cols.index[c + 1]; b++) {
          const i = sy * image.width + cols.src[b];
          const wgt = wy * cols.weight[b];
          tmp[0] += wgt * px(i, 0);
          tmp[1] += wgt * px(i, 1);
          tmp[2] += wgt * px(i, 2);
        }
      }
      const o = offset + (r * width + c) * channels;
      if (channels === 3) {
        out[o] = clamp01(tmp[0]);
        out[o + 1] = clamp01(tmp[1]);
        out[o + 2] = clamp01(tmp[2]);
      } else {
        out[o] = clamp01(0.299 * tmp[0] + 0.587 * tmp[1] + 0.114 * tmp[2]);
      }
    }
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
