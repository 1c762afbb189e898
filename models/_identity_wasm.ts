/**
 * `Identity` for the wasm backend. The shipped kernel copies the whole buffer
 * (tf.layers reads every weight through it, every step); like the cpu
 * backend's, this one shares the buffer and counts a reference. Safe because
 * no wasm kernel writes into its inputs, and fusedAdam writes new buffers.
 */
import type * as tf from "@tensorflow/tfjs";

/** Builds the replacement kernel around the backend's original one. */
export function identityWasm(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (
    args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
  ): tf.TensorInfo | tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return original.kernelFunc(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
