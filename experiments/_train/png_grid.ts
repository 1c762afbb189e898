// Image grids as PNG files, encoded with pngjs (kept out of the library's
// import graph: only the command lines draw pictures).
import { PNG } from "pngjs";

/** Images `[N, H, W, C]` with values in [0, 1]. */
export interface ImageBatch {
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

/** An RGBA raster. */
export interface Raster {
  readonly rgba: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Lays images out row-major in a grid of `columns` (grey padding between
 * cells); cell `k` shows image `k`, or stays grey when `k` is past the end
 * or listed in `blank`. Grey images become grey pixels, RGB stays RGB.
 */
export function gridRaster(
  images: ImageBatch,
  { columns, padding = 2, scale = 1, cells }: {
    columns: number;
    padding?: number;
    scale?: number;
    cells?: number;
  },
): Raster {
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) {
    throw new TypeError(`Cannot draw the grid: images need 1 or 3 channels, got ${c}`);
  }
  const count = cells ?? n;
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  const cw = w * scale, ch = h * scale;
  const width = cols * cw + (cols + 1) * padding;
  const height = rows * ch + (rows + 1) * padding;
  const rgba = new Uint8Array(width * height * 4).fill(160);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  for (let k = 0; k < Math.min(n, count); k++) {
    const x0 = padding + (k % cols) * (cw + padding);
    const y0 = padding + Math.floor(k / cols) * (ch + padding);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const src = ((k * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let q = 0; q < 3; q++) {
          const v = images.data[src + (c === 1 ? 0 : q)];
          rgba[dst + q] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
      }
    }
  }
  return { rgba, width, height };
}

/**
 * Images beside the images they are compared with (originals and their
 * reconstructions by one or more models), as a grid. Every series holds the
 * same images in the same order. `by: "row"`: each series is a row of
 * `columns` images, and when there are more images the rows of all series
 * repeat below for the next `columns` (cells past the last image stay black);
 * `by: "column"`: each series is a column, one row per image.
 */
export function comparisonRaster(
  series: readonly ImageBatch[],
  { by = "row", columns = series[0]?.shape[0] ?? 1, padding, scale }: {
    by?: "row" | "column";
    columns?: number;
    padding?: number;
    scale?: number;
  } = {},
): Raster {
  if (series.length === 0) throw new RangeError("Cannot compare the images: no series");
  const [n, h, w, c] = series[0].shape;
  series.forEach((s, k) => {
    if (s.shape.some((v, i) => v !== series[0].shape[i])) {
      throw new TypeError(
        `Cannot compare the images: series ${k} has shape [${s.shape}], not [${series[0].shape}]`,
      );
    }
  });
  const per = h * w * c;
  const image = (s: ImageBatch, i: number) => s.data.subarray(i * per, (i + 1) * per);
  if (by === "column") {
    const data = new Float32Array(n * series.length * per);
    for (let i = 0; i < n; i++) {
      series.forEach((s, k) => data.set(image(s, i), (i * series.length + k) * per));
    }
    return gridRaster(
      { data, shape: [n * series.length, h, w, c] },
      { columns: series.length, padding, scale },
    );
  }
  const bands = Math.ceil(n / columns);
  const data = new Float32Array(bands * series.length * columns * per);
  for (let b = 0; b < bands; b++) {
    series.forEach((s, k) => {
      for (let j = 0; j < columns && b * columns + j < n; j++) {
        data.set(image(s, b * columns + j), ((b * series.length + k) * columns + j) * per);
      }
    });
  }
  return gridRaster(
    { data, shape: [bands * series.length * columns, h, w, c] },
    { columns, padding, scale },
  );
}

/** PNG bytes of a raster (8-bit grey when every pixel is grey, else RGB). */
export function encodePng(raster: Raster): Uint8Array {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data.set(raster.rgba);
  let grey = true;
  for (let i = 0; i < raster.rgba.length && grey; i += 4) {
    grey = raster.rgba[i] === raster.rgba[i + 1] && raster.rgba[i] === raster.rgba[i + 2];
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: grey ? 0 : 2, inputHasAlpha: true }));
}
