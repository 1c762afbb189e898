/**
 * Runs tf ops inside a kernel function: wraps the kernel's input TensorInfos as
 * tensors (taking a reference so disposing the wrappers cannot free the
 * caller's buffers), computes the result, and hands back its buffer as the
 * kernel's output, keeping it alive (`backend.incRef`) before the wrapper is
 * disposed. Ops run here are not recorded on a gradient tape (the engine stops
 * recording inside kernels) and every intermediate is freed.
 */
import * as tf from "@tensorflow/tfjs";

/** The part of a backend a composed kernel needs. */
export interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * Computes `fn(...inputs)` with tf ops and returns the result as a kernel
 * output (an array of outputs when `fn` returns an array).
 */
export function composeKernel(
  backend: RefCountingBackend,
  inputs: readonly tf.TensorInfo[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor,
): tf.TensorInfo;
export function composeKernel(
  backend: RefCountingBackend,
  inputs: readonly tf.TensorInfo[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor[],
): tf.TensorInfo[];
export function composeKernel(
  backend: RefCountingBackend,
  inputs: readonly tf.TensorInfo[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): tf.TensorInfo | tf.TensorInfo[] {
  const engine = tf.engine();
  const wrapped = inputs.map((info) => {
    backend.incRef(info.dataId);
    return engine.makeTensorFromTensorInfo(info);
  });
  try {
    const result = tf.tidy(() => fn(...wrapped));
    const outs = Array.isArray(result) ? result : [result];
    const infos = outs.map((out) => {
      backend.incRef(out.dataId);
      return { dataId: out.dataId, shape: out.shape.slice(), dtype: out.dtype };
    });
    tf.dispose(outs);
    return Array.isArray(result) ? infos : infos[0];
  } finally {
    tf.dispose(wrapped);
  }
}
