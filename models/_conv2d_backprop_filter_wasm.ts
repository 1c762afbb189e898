/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it (both
 * conv2d and conv2dTranspose need it for their weight gradients).
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sH + kh − padTop, ow·sW + kw − padLeft, ci] · dy[b, oh, ow, co]
 *
 * is itself a convolution once batch and channels swap places: the input is x
 * transposed to [Ci, H, W, B] (channels as batch, batch as channels), the
 * filter is dy transposed to [OH, OW, B, Co], the original stride becomes the
 * dilation and the output [Ci, KH, KW, Co] is transposed back. That runs on the
 * backend's XNNPACK convolution instead of a scalar loop.
 *
 * XNNPACK repacks that convolution's filter (all of dy) on every call, which
 * dominates when x has one channel (the first layer on grey images: 16 taps
 * against dy's 2M values, ~4 GFLOP/s). That case (an even kernel width, output
 * channels a multiple of 16) runs on a SIMD kernel reading x and dy where they
 * lie, two taps × 16 channels per sweep.
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, type RefCountingBackend } from "./_compose_kernel.ts";
import { heapMemory, simdKernels } from "./_simd_wasm.ts";
import { padSpatial, type WasmHeapBackend } from "./_wasm_heap.ts";

interface Attrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/** Padding of one spatial axis so the swapped convolution yields exactly `k` outputs. */
function axisPlan(size: number, k: number, out: number, stride: number, before: number) {
  const needed = (k - 1) + (out - 1) * stride + 1; // rows the taps touch, counted from −before
  const keep = Math.min(size, needed - before); // rows of x actually read
  const after = needed - before - keep; // zero rows needed past the end
  return { keep, after };
}

function conv2dBackpropFilter(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Attrs;
  if (dataFormat === "NCHW") {
    throw new Error("Cannot compute Conv2DBackpropFilter on wasm: only NHWC data is supported");
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const rows = axisPlan(info.inHeight, kh, info.outHeight, sh, top);
  const cols = axisPlan(info.inWidth, kw, info.outWidth, sw, left);
  function filterGradOneChannel(
    kernel: NonNullable<ReturnType<typeof simdKernels>>["filterGradC1"],
    x4: tf.Tensor4D,
    dy4: tf.Tensor4D,
  ): tf.Tensor {
    // Pad so that every tap of every output position reads inside the buffer.
    const padBottom = Math.max(0, (info.outHeight - 1) * sh + kh - top - info.inHeight);
    const padRight = Math.max(0, (info.outWidth - 1) * sw + kw - left - info.inWidth);
    const xp = padSpatial(x4, top, padBottom, left, padRight);
    const backend = tf.backend() as unknown as WasmHeapBackend;
    const out = backend.makeOutput([...filterShape], "float32");
    kernel(
      backend.getMemoryOffset(xp.dataId),
      backend.getMemoryOffset(dy4.dataId),
      backend.getMemoryOffset(out.dataId),
      info.batchSize,
      info.outHeight,
      info.outWidth,
      xp.shape[1],
      xp.shape[2],
      kh,
      kw,
      sh,
      sw,
      info.outChannels,
    );
    return tf.engine().makeTensorFromTensorInfo(out);
  }
  return composeKernel(args.backend as unknown as RefCountingBackend, [x, dy], (x4, dy4) => {
    // Every tap reads only padding (possible with explicit padding): the gradient is zero.
    if (rows.keep <= 0 || cols.keep <= 0) return tf.zeros(filterShape);
    const simd = simdKernels(
      heapMemory((args.backend as unknown as { wasm?: Parameters<typeof heapMemory>[0] }).wasm),
    );
    if (simd !== null && info.inChannels === 1 && kw % 2 === 0 && info.outChannels % 16 === 0) {
      return filterGradOneChannel(simd.filterGradC1, x4 as tf.Tensor4D, dy4 as tf.Tensor4D);
    }
    let xs = x4 as tf.Tensor4D;
    if (rows.keep < info.inHeight || cols.keep < info.inWidth) {
      xs = tf.slice(xs, [0, 0, 0, 0], [-1, rows.keep, cols.keep, -1]);
    }
    const xt = tf.transpose(xs, [3, 1, 2, 0]); // [Ci, H', W', B]
    const ft = tf.transpose(dy4 as tf.Tensor4D, [1, 2, 0, 3]); // [OH, OW, B, Co]
    const out = tf.conv2d(
      xt,
      ft,
      1,
      [[0, 0], [top, rows.after], [left, cols.after], [0, 0]],
      "NHWC",
      [sh, sw],
    ); // [Ci, KH, KW, Co]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** Kernel config registered for the wasm backend. */
export const conv2dBackpropFilterWasm: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
