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
 * The untransposed product runs on the original kernel, which packs its
 * second operand for XNNPACK on every call (~8 ns per element, since weights
 * change every step). When that operand is the big one, as in a dense layer's
 * forward pass x·W with a batch of 64 rows, A·B = (Bᵀ·Aᵀ)ᵀ is cheaper: the SIMD
 * transpose of B costs ~2 ns per element and only the small Aᵀ is packed.
 * The same holds for `_FusedMatMul` (dense layers with bias and activation),
 * whose bias and activation then follow as separate ops.
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

/**
 * Whether A·B (A [M, K], B [K, N], one batch) is cheaper as (Bᵀ·Aᵀ)ᵀ. Costs in
 * element moves, measured: packing the second operand ~4 per element, a SIMD
 * transpose ~1. Direct: pack B (4KN). Transposed: transpose B (KN), transpose
 * and pack Aᵀ (5KM), transpose the result (MN).
 */
function preferTransposed(a: readonly number[], b: readonly number[]): boolean {
  if (size(a.slice(0, -2)) !== 1 || size(b.slice(0, -2)) !== 1) return false;
  const m = a[a.length - 2], k = b[b.length - 2], n = b[b.length - 1];
  return k * n >= 65536 && 3 * k * n > 5 * k * m + m * n;
}

/** (Bᵀ·Aᵀ)ᵀ: the transposed operands go through the original kernel untransposed. */
function transposedProduct(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return t(tf.matMul(t(y), t(x)));
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
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const backend = args.backend as unknown as RefCountingBackend;
    if (!transposeA && !transposeB) {
      if (!preferTransposed(a.shape, b.shape)) return original.kernelFunc(args);
      return composeKernel(backend, [a, b], transposedProduct);
    }
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

/** Activations `_FusedMatMul` may carry, as separate ops. */
const ACTIVATIONS: Record<string, ((x: tf.Tensor, alpha: number) => tf.Tensor) | undefined> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  elu: (x) => tf.elu(x),
  sigmoid: (x) => tf.sigmoid(x),
  leakyrelu: (x, alpha) => tf.leakyRelu(x, alpha),
};

/** `_FusedMatMul` that takes the (Bᵀ·Aᵀ)ᵀ route when B is the big operand. */
export function fusedMatMulWasm(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (
    args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
  ): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo>;
    const { transposeA, transposeB, activation = "linear", leakyreluAlpha = 0.2 } =
      (args.attrs ?? {}) as {
        transposeA?: boolean;
        transposeB?: boolean;
        activation?: string;
        leakyreluAlpha?: number;
      };
    const act = ACTIVATIONS[activation];
    if (
      transposeA || transposeB || preluActivationWeights != null || act === undefined ||
      !preferTransposed(a.shape, b.shape)
    ) {
      return original.kernelFunc(args);
    }
    const backend = args.backend as unknown as RefCountingBackend;
    const inputs = bias == null ? [a, b] : [a, b, bias];
    return composeKernel(backend, inputs, (x, y, c) => {
      const product = transposedProduct(x, y);
      return act(c === undefined ? product : tf.add(product, c), leakyreluAlpha);
    });
  };
  return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
