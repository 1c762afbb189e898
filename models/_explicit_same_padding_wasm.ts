/**
 * The shipped wasm `Conv2D` and `FusedConv2D` hand 'same' padding to XNNPACK
 * as its TensorFlow-SAME flag, and return all zeros, silently, when a stride
 * exceeds the kernel and no padding results (e.g. a 2×2 kernel, stride 3, on
 * 6×6). Passing the same padding explicitly (tfjs's own SAME arithmetic) is
 * always right and costs nothing.
 */
import * as tf from "@tensorflow/tfjs";

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Wraps a conv kernel so that 'same' padding reaches it as explicit amounts. */
export function explicitSamePadding(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (
    args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
  ): tf.TensorInfo | tf.TensorInfo[] => {
    const attrs = args.attrs as unknown as ConvAttrs;
    if (attrs.pad !== "same") return original.kernelFunc(args);
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      "same",
      attrs.dimRoundingMode,
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return original.kernelFunc({
      ...args,
      attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap,
    });
  };
  return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
