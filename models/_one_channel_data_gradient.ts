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
 * scatter. On the 2-core Xeon (2026-12-07) the scatter in JavaScript took
 * ~5.5 ms of ~8 ms, so the caller may run it on a wasm function instead
 * (`accumulate`, one call per tap: _simd_strided_add.ts), ~1.4 ms there.
 */
import type { Sgemm } from "./_native_blas.ts";
import type { ConvShape } from "./_native_dnnl.ts";

/**
 * One tap's share of the scatter, offsets and strides in floats:
 * dx[into + b·intoImage + r·intoRow + j·step] += planes[from + b·fromImage + r·fromRow + j]
 * for b < images, r < rows, j < count.
 */
export interface TapAddition {
  /** Where the tap's first value is read, in planes. */
  from: number;
  /** Where it is added, in dx. */
  into: number;
  /** How many images. */
  images: number;
  /** How many rows of each image. */
  rows: number;
  /** How many values of each row. */
  count: number;
  /** Floats between images in planes. */
  fromImage: number;
  /** Floats between rows in planes. */
  fromRow: number;
  /** Floats between images in dx. */
  intoImage: number;
  /** Floats between rows in dx. */
  intoRow: number;
  /** Floats between consecutive values in a row of dx (the stride). */
  step: number;
}

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
  /**
   * Performs the taps' additions on `dx` and `planes` (zeroed dx, the
   * planes computed), in the order given, instead of this thread's
   * JavaScript loop; it must add each element in the order the loop does.
   * @default undefined
   */
  accumulate?: (taps: readonly TapAddition[]) => void;
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
  const additions: TapAddition[] = [];
  for (let ky = 0; ky < kh; ky++) {
    // The output rows (columns) whose input row oy·sh − top + ky (column) falls inside the image.
    const oy0 = Math.max(0, Math.ceil((top - ky) / sh));
    const oy1 = Math.min(oh, Math.floor((h - 1 + top - ky) / sh) + 1);
    for (let kx = 0; kx < kw; kx++) {
      const ox0 = Math.max(0, Math.ceil((left - kx) / sw));
      const ox1 = Math.min(ow, Math.floor((w - 1 + left - kx) / sw) + 1);
      if (oy1 <= oy0 || ox1 <= ox0) continue;
      additions.push({
        from: (ky * kw + kx) * pixels + oy0 * ow + ox0,
        into: (oy0 * sh - top + ky) * w + ox0 * sw - left + kx,
        images: n,
        rows: oy1 - oy0,
        count: ox1 - ox0,
        fromImage: oh * ow,
        fromRow: ow,
        intoImage: h * w,
        intoRow: sh * w,
        step: sw,
      });
    }
  }
  if (operands.accumulate) {
    operands.accumulate(additions);
    return;
  }
  for (const t of additions) {
    for (let b = 0; b < t.images; b++) {
      for (let r = 0; r < t.rows; r++) {
        const from = t.from + b * t.fromImage + r * t.fromRow;
        const into = t.into + b * t.intoImage + r * t.intoRow;
        for (let j = 0; j < t.count; j++) dx[into + j * t.step] += planes[from + j];
      }
    }
  }
}
