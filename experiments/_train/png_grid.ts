// Image grids as PNG files, encoded with pngjs (kept out of the library's
// import graph: only the command line draws pictures).
import { PNG } from "pngjs";

/** Options of {@link pngGrid}. */
export interface GridOptions {
  /** Images per row. */
  readonly columns: number;
  /** Pixels between images (drawn in a mid grey). */
  readonly padding?: number;
  /** Each image pixel becomes a scale×scale block (small images read better larger). */
  readonly scale?: number;
}

/**
 * Lays out N images `[N, H, W, C]` (values in [0, 1], C = 1 or 3) in a grid
 * and encodes it as PNG bytes.
 */
export function pngGrid(
  images: Float32Array,
  shape: readonly number[],
  { columns, padding = 2, scale = 1 }: GridOptions,
): Uint8Array {
  const [n, h, w, c] = shape;
  if (n < 1 || (c !== 1 && c !== 3) || images.length !== n * h * w * c) {
    throw new TypeError(
      `Cannot draw the image grid: bad shape [${shape}] for ${images.length} values`,
    );
  }
  const cols = Math.min(columns, n);
  const rows = Math.ceil(n / cols);
  const cellW = w * scale, cellH = h * scale;
  const width = cols * cellW + (cols + 1) * padding;
  const height = rows * cellH + (rows + 1) * padding;
  const png = new PNG({ width, height });
  png.data.fill(128);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  for (let k = 0; k < n; k++) {
    const x0 = padding + (k % cols) * (cellW + padding);
    const y0 = padding + Math.floor(k / cols) * (cellH + padding);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const src = ((k * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const v = images[src + (c === 1 ? 0 : ch)];
          png.data[dst + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
      }
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}
