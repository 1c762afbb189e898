/**
 * Direct access to the wasm backend's heap for the few rearrangements whose
 * shipped kernels are slow (DepthToSpace runs at ~40 ns per element).
 */
import * as tf from "@tensorflow/tfjs";
import { heapMemory, simdKernels } from "./_simd_wasm.ts";

/** The part of the wasm backend these helpers use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
  wasm: { HEAPF32: Float32Array };
}

/**
 * A new float32 tensor of `shape` filled by `fill`, which gets the heap and the
 * float indices of `input` and of the output (taken after the allocation,
 * which may grow the heap).
 */
function rearranged(
  input: tf.Tensor,
  shape: number[],
  fill: (heap: Float32Array, src: number, dst: number) => void,
): tf.Tensor4D {
  const backend = tf.backend() as unknown as WasmHeapBackend;
  const outInfo = backend.makeOutput(shape, "float32");
  fill(
    backend.wasm.HEAPF32,
    backend.getMemoryOffset(input.dataId) >>> 2,
    backend.getMemoryOffset(outInfo.dataId) >>> 2,
  );
  return tf.engine().makeTensorFromTensorInfo(outInfo) as tf.Tensor4D;
}

/**
 * Interleaves the stride phases of a sub-pixel convolution and crops it:
 * out[b, h, w, c] = z[b, q, p, ((rh·sw) + rw)·C + c] where h + top = q·sh + rh
 * and w + left = p·sw + rw. Where sw·C is a multiple of 4 and the library's
 * SIMD kernels run, each z row [zw, sh] of sw·C-float blocks is block-
 * transposed into a small scratch (its sh output rows, uncropped) and the
 * cropped rows are copied out: ~3 000 calls on the conv net's 32×32×32
 * layer where one copy per output pixel took ~65 000 (4.9 ms). Elsewhere it
 * copies contiguous runs of C floats.
 */
export function depthToSpaceCrop(
  z: tf.Tensor4D,
  sh: number,
  sw: number,
  top: number,
  left: number,
  height: number,
  width: number,
): tf.Tensor4D {
  const [batch, zh, zw, depth] = z.shape;
  const c = depth / (sh * sw);
  const backend = tf.backend() as unknown as WasmHeapBackend;
  const simd = (sw * c) % 4 === 0 ? simdKernels(heapMemory(backend.wasm as never)) : null;
  if (simd !== null) {
    const rowFloats = zw * sw * c; // one uncropped output row
    const outInfo = backend.makeOutput([batch, height, width, c], "float32");
    const scratch = backend.makeOutput([sh * rowFloats], "float32");
    const heap = backend.wasm.HEAPF32; // after the allocations, which may grow the heap
    const src = backend.getMemoryOffset(z.dataId), dst = backend.getMemoryOffset(outInfo.dataId);
    const tmp = backend.getMemoryOffset(scratch.dataId);
    for (let b = 0; b < batch; b++) {
      for (let q = 0; q < zh; q++) {
        const h0 = q * sh - top;
        if (h0 + sh <= 0 || h0 >= height) continue;
        simd.blockTranspose(src + 4 * (b * zh + q) * zw * depth, tmp, zw, sh, 4 * sw * c);
        for (let rh = Math.max(0, -h0); rh < sh && h0 + rh < height; rh++) {
          const from = (tmp >>> 2) + rh * rowFloats + left * c;
          heap.copyWithin(
            (dst >>> 2) + ((b * height + h0 + rh) * width) * c,
            from,
            from + width * c,
          );
        }
      }
    }
    backend.disposeData(scratch.dataId, true);
    return tf.engine().makeTensorFromTensorInfo(outInfo) as tf.Tensor4D;
  }
  return rearranged(z, [batch, height, width, c], (heap, src, dst) => {
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < height; h++) {
        const q = Math.floor((h + top) / sh), rh = (h + top) - q * sh;
        const rowBase = src + ((b * zh + q) * zw) * depth + rh * sw * c;
        for (let w = 0; w < width; w++) {
          const p = Math.floor((w + left) / sw), rw = (w + left) - p * sw;
          const from = rowBase + p * depth + rw * c;
          if (c >= 16) {
            heap.copyWithin(dst, from, from + c);
          } else {
            for (let k = 0; k < c; k++) heap[dst + k] = heap[from + k];
          }
          dst += c;
        }
      }
    }
  });
}

/**
 * The stacked sub-filters of a strided transposed convolution, from a filter W
 * [KH, KW, Ci, Co]: F[th, tw, co, (rh·sw + rw)·Ci + ci] =
 * W[rh + (jh−1−th)·sh, rw + (jw−1−tw)·sw, ci, co], zero where the tap is past
 * the kernel; jh = ⌈KH/sh⌉, jw = ⌈KW/sw⌉. One pass in place of pad, reshape,
 * reverse and a 6-D transpose (~8 ms for a 4×4×64×64 filter as shipped).
 */
export function subPixelFilter(w: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  const jh = Math.ceil(kh / sh), jw = Math.ceil(kw / sw);
  const depth = sh * sw * ci;
  return rearranged(w, [jh, jw, co, depth], (heap, src, dst) => {
    for (let th = 0; th < jh; th++) {
      for (let tw = 0; tw < jw; tw++) {
        for (let o = 0; o < co; o++) {
          for (let rh = 0; rh < sh; rh++) {
            const y = rh + (jh - 1 - th) * sh;
            for (let rw = 0; rw < sw; rw++) {
              const x = rw + (jw - 1 - tw) * sw;
              if (y >= kh || x >= kw) {
                heap.fill(0, dst, dst + ci);
              } else {
                let from = src + ((y * kw + x) * ci) * co + o;
                for (let c = 0; c < ci; c++, from += co) heap[dst + c] = heap[from];
              }
              dst += ci;
            }
          }
        }
      }
    }
  });
}

/**
 * Zero-pads the two spatial axes of an NHWC tensor: out[b, h + top, w + left,
 * c] = x[b, h, w, c], zeros elsewhere. One fill and one copy per input row
 * (W·C contiguous floats), in place of the shipped PadV2, which took ~8 ms for
 * 64×64×64×1 → 64×66×66×1 (the one-channel filter gradient's input).
 */
export function padSpatial(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.Tensor4D {
  const [batch, height, width, c] = x.shape;
  const ph = height + top + bottom, pw = width + left + right;
  return rearranged(x, [batch, ph, pw, c], (heap, src, dst) => {
    heap.fill(0, dst, dst + batch * ph * pw * c);
    const run = width * c;
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < height; h++) {
        const from = src + (b * height + h) * run;
        heap.copyWithin(dst + ((b * ph + h + top) * pw + left) * c, from, from + run);
      }
    }
  });
}
