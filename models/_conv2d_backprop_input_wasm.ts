/**
 * `Conv2DBackpropInput` for the wasm backend (the shipped one is a scalar loop
 * at about 1 GFLOP/s). It is both the input gradient of conv2d and the forward
 * pass of conv2dTranspose.
 *
 * dx[b, h, w, ci] = Σ dy[b, oh, ow, co] · W[kh, kw, ci, co] over h = oh·sH + kh − padTop
 * (and likewise for w). Writing h + padTop = q·sH + r with 0 ≤ r < sH, only the
 * taps kh = r + j·sH contribute, from dy row q − j. So each output phase r is a
 * stride-1 convolution of dy with a small sub-filter of ⌈KH/sH⌉ taps; stacking
 * the sH·sW phases as output channels makes the whole gradient ONE stride-1
 * convolution (XNNPACK) doing no multiply by an inserted zero, followed by one
 * copy pass that interleaves the phases and crops the padding.
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, type RefCountingBackend } from "./_compose_kernel.ts";
import { depthToSpaceCrop, subPixelFilter } from "./_wasm_heap.ts";

interface Attrs {
  inputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function conv2dBackpropInput(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as Attrs;
  if (dataFormat === "NCHW") {
    throw new Error("Cannot compute Conv2DBackpropInput on wasm: only NHWC data is supported");
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { inHeight: h, inWidth: w } = info;
  const [, oh, ow] = dy.shape;
  const { top, left } = info.padInfo;
  const jh = Math.ceil(kh / sh), jw = Math.ceil(kw / sw); // taps per phase
  const qh = Math.ceil((h + top) / sh), qw = Math.ceil((w + left) / sw); // rows per phase
  const padBottom = Math.max(0, qh - oh), padRight = Math.max(0, qw - ow);
  return composeKernel(args.backend as unknown as RefCountingBackend, [dy, filter], (d, f) => {
    // Sub-filters: F[th, tw, co, (rh, rw, ci)] = W[rh + (jh−1−th)·sh, rw + (jw−1−tw)·sw, ci, co].
    const sub = subPixelFilter(f as tf.Tensor4D, sh, sw);
    const z = tf.conv2d(
      d as tf.Tensor4D,
      sub as tf.Tensor4D,
      1,
      [[0, 0], [jh - 1, padBottom], [jw - 1, padRight], [0, 0]],
    ); // [B, OH + padBottom, OW + padRight, sh·sw·ci]
    if (sh === 1 && sw === 1 && top === 0 && left === 0 && z.shape[1] === h && z.shape[2] === w) {
      return z;
    }
    return depthToSpaceCrop(z, sh, sw, top, left, h, w);
  });
}

/** Kernel config registered for the wasm backend. */
export const conv2dBackpropInputWasm: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
