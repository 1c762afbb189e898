/**
 * `BatchMatMul` for the wasm backend with transposed operands. The shipped
 * kernel reaches XNNPACK only when neither operand is transposed and falls to
 * a scalar loop otherwise (a 512×512 product: 17 ms plain, 270 ms with
 * transposeA), yet backpropagation always transposes. Here the transposes are
 * materialised (memory-bound, cheap next to the product) choosing, by element
 * count, between transposing an operand and transposing the result:
 *
 * - Aᵀ·Bᵀ = (B·A)ᵀ: one product, one transpose of the result;
 * - A·Bᵀ: either A·(Bᵀ) or (B·Aᵀ)ᵀ, whichever moves fewer elements (dense
 *   layers' input gradients dy·Wᵀ take the second, never touching W);
 * - Aᵀ·B: (Aᵀ)·B.
 *
 * The untransposed product runs on the original kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, type RefCountingBackend } from "./_compose_kernel.ts";

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Swaps the last two axes. */
function t(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** Builds the replacement kernel around the backend's original one. */
export function batchMatMulWasm(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (
    args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
  ): tf.TensorInfo | tf.TensorInfo[] => {
    const { transposeA, transposeB } = (args.attrs ?? {}) as {
      transposeA?: boolean;
      transposeB?: boolean;
    };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const backend = args.backend as unknown as RefCountingBackend;
    return composeKernel(backend, [a, b], (x, y) => {
      if (transposeA && transposeB) return t(tf.matMul(y, x));
      if (transposeA) return tf.matMul(t(x), y);
      // A·Bᵀ: out has A's rows and B's rows.
      const m = x.shape[x.rank - 2], n = y.shape[y.rank - 2];
      const outSize = size(x.shape.slice(0, -2)) * m * n;
      if (size(x.shape) * 2 + outSize < size(y.shape) * 2) return t(tf.matMul(y, t(x)));
      return tf.matMul(x, t(y));
    });
  };
  return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
