// Private: resizing one image read through strides (so a row-major NORB plane
// and a column-major MATLAB array are read in place) into a row-major HWC
// uint8 image. Separable, with the weights of _images.ts' axisWeights: when
// shrinking each output pixel is the average of the source area it covers
// (fractional edge weights, as OpenCV's INTER_AREA), when enlarging it
// interpolates linearly between the nearest pixel centres.
import { axisWeights } from "./_images.ts";

/** Where one image's values sit in a flat array. */
export interface StridedImage {
  readonly data: ArrayLike<number>;
  /** Index of pixel (0, 0), channel 0. */
  readonly offset: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Index steps from one row, one column, one channel to the next. */
  readonly rowStride: number;
  readonly colStride: number;
  readonly channelStride: number;
}

/** A resizer for one source and output size: call it once per image. */
export type Resizer = (src: StridedImage, out: Uint8Array, outOffset: number) => void;

/**
 * A function that resizes `height × width × channels` images to
 * `outHeight × outWidth` and writes them to `out` at `outOffset` as row-major
 * HWC bytes (rounded to the nearest integer, clamped to 0..255). The source
 * values are taken as 0..255.
 */
export function makeResizer(
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): Resizer {
  const cols = axisWeights(0, width, outWidth, width);
  const rows = axisWeights(0, height, outHeight, height);
  const same = height === outHeight && width === outWidth;
  // Horizontal pass result: [height][outWidth][channels].
  const tmp = new Float64Array(height * outWidth * channels);
  return (src, out, outOffset) => {
    const { data, offset, rowStride, colStride, channelStride } = src;
    if (same) {
      let o = outOffset;
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < width; c++) {
          for (let k = 0; k < channels; k++) {
            out[o++] = data[offset + r * rowStride + c * colStride + k * channelStride];
          }
        }
      }
      return;
    }
    for (let r = 0; r < height; r++) {
      const rowBase = offset + r * rowStride;
      for (let j = 0; j < outWidth; j++) {
        const t = (r * outWidth + j) * channels;
        for (let k = 0; k < channels; k++) {
          let acc = 0;
          const base = rowBase + k * channelStride;
          for (let a = cols.index[j]; a < cols.index[j + 1]; a++) {
            acc += cols.weight[a] * data[base + cols.src[a] * colStride];
          }
          tmp[t + k] = acc;
        }
      }
    }
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++) {
        const o = outOffset + (i * outWidth + j) * channels;
        for (let k = 0; k < channels; k++) {
          let acc = 0;
          for (let a = rows.index[i]; a < rows.index[i + 1]; a++) {
            acc += rows.weight[a] * tmp[(rows.src[a] * outWidth + j) * channels + k];
          }
          const v = Math.round(acc);
          out[o + k] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  };
}
