/**
 * The data gradient of a convolution whose input has one channel (the
 * forward pass of a transposed convolution to one channel, such as burgess's
 * last decoder layer, 32×32×32 → 64×64×1) as one matrix product and a
 * scatter: planes[k][p] = Σ_c W[k][c]·dy[p][c] for each of the kh·kw filter
 * taps k and output pixels p, then dx[n, oy·s − top + ky, ox·s − left + kx]
 * += planes[ky·kw + kx][n, oy, ox], tap by tap.
 *
 * Why: oneDNN has no good implementation for one output channel. On the
 * 2-core build machine (2026-12-04) its backward-data primitive took 5.6 ms
 * for burgess's layer at batch 64, where this takes 2.0 ms: 0.7 ms for the
 * product on OpenBLAS (planes laid out [taps, pixels], so the product is wide
 * rather than 16 columns narrow, which took 1.8 ms) and 1.3 ms for the
 * scatter.
 */
import type { Sgemm } from "./_native_blas.ts";
import type { ConvShape } from "./_native_dnnl.ts";

/** Where the operands live: a pointer for the product, a view for the scatter. */
export interface OneChannelOperands {
  /** dy, [n, oh, ow, co], as a pointer. */
  dy: Deno.PointerValue;
  /** The filter, [kh, kw, 1, co], as a pointer. */
  filter: Deno.PointerValue;
  /** dx, [n, h, w, 1]: a view of exactly its elements, overwritten. */
  dx: Float32Array;
  /** Scratch of at least kh·kw·n·oh·ow values for the planes (outside dy, W and dx). */
  planes: Float32Array;
}

/**
 * Computes dx for a convolution of `shape` with `shape.ci === 1` and no
 * dilation, on `sgemm`'s threads for the product and this thread for the
 * scatter.
 *
 * @param sgemm a row-major `cblas_sgemm` ({@link loadNativeBlas}).
 * @param shape the convolution (x → dy); `ci` must be 1, dilations 1.
 * @param operands dy and the filter as pointers, dx and scratch as views.
 * @throws {RangeError} when `shape` is not a one-channel, undilated convolution.
 *
 * @example
 * ```ts
 * import { loadNativeBlas } from "./_native_blas.ts";
 * import { oneChannelDataGradient } from "./_one_channel_data_gradient.ts";
 * import assert from "node:assert/strict";
 *
 * const blas = loadNativeBlas();
 * if (blas !== null) {
 *   // A 2×2 image, a 1×1 filter with 2 output channels: dx = dy·Wᵀ per pixel.
 *   const dy = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
 *   const w = new Float32Array([10, 1]);
 *   const dx = new Float32Array(4), planes = new Float32Array(4);
 *   const shape = {
 *     n: 1, h: 2, w: 2, ci: 1, oh: 2, ow: 2, co: 2, kh: 1, kw: 1, strideH: 1, strideW: 1,
 *     dilationH: 1, dilationW: 1, top: 0, bottom: 0, left: 0, right: 0,
 *   };
 *   const p = (a: Float32Array) => Deno.UnsafePointer.of(a);
 *   oneChannelDataGradient(blas.sgemm, shape, { dy: p(dy), filter: p(w), dx, planes });
 *   assert.deepEqual(Array.from(dx), [12, 34, 56, 78]);
 *   blas.close();
 * }
 * ```
 */
export function oneChannelDataGradient(
  sgemm: Sgemm,
  shape: ConvShape,
  operands: OneChannelOperands,
): void {
  const { n, h, w, oh, ow, co, kh, kw, strideH: sh, strideW: sw, top, left } = shape;
  if (shape.ci !== 1 || shape.dilationH !== 1 || shape.dilationW !== 1) {
    throw new RangeError(
      `Cannot compute a one-channel data gradient: the convolution has ${shape.ci} input channels and dilations ${shape.dilationH}×${shape.dilationW}, not 1 and 1×1`,
    );
  }
  const { dx, planes } = operands;
  if (dx.length !== n * h * w) {
    throw new RangeError(
      `Cannot compute a one-channel data gradient: dx holds ${dx.length} values, not ${n * h * w}`,
    );
  }
  const pixels = n * oh * ow, taps = kh * kw;
  if (planes.length < taps * pixels) {
    throw new RangeError(
      `Cannot compute a one-channel data gradient: the scratch holds ${planes.length} values, not ${
        taps * pixels
      }`,
    );
  }
  sgemm(
    false,
    true,
    taps,
    pixels,
    co,
    1,
    operands.filter,
    co,
    operands.dy,
    co,
    0,
    Deno.UnsafePointer.of(planes),
    pixels,
  );
  dx.fill(0);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const plane = (ky * kw + kx) * pixels;
      // The output columns whose input column ox·sw − left + kx falls inside the image.
      const ox0 = Math.max(0, Math.ceil((left - kx) / sw));
      const ox1 = Math.min(ow, Math.floor((w - 1 + left - kx) / sw) + 1);
      const shift = kx - left;
      for (let b = 0; b < n; b++) {
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - top + ky;
          if (iy < 0 || iy >= h) continue;
          const into = (b * h + iy) * w + shift;
          const from = plane + (b * oh + oy) * ow;
          for (let ox = ox0; ox < ox1; ox++) dx[into + ox * sw] += planes[from + ox];
        }
      }
    }
  }
}
