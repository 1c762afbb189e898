/**
 * The two halves of the Bernoulli log-density (see bernoulli_log_density.ts),
 * as tf ops, and the names under which a backend may register each as one
 * fused kernel: the library's wasm training kernels do (models/), so that the
 * dozen element-wise kernels below run as one SIMD pass each. A fused kernel
 * takes float32 `x` and `logits` of the same shape, a multiple of 4 elements.
 */
import * as tf from "@tensorflow/tfjs-core";

/** Inputs {x, logits}; output the log-density. */
export const BERNOULLI_KERNEL = "DisentangleBernoulliLogDensity";
/** Inputs {x, logits, dy}; outputs [dx, dLogits]. */
export const BERNOULLI_GRAD_KERNEL = "DisentangleBernoulliLogDensityGrad";

/**
 * −ln of the smallest normal float32 is 87.34: e^−t for t above this is
 * subnormal, and so is σ(ℓ) for ℓ below −LIMIT.
 */
const LIMIT = 87;

/**
 * In the gradient, σ(ℓ) for ℓ below −GRAD_LIMIT (σ < 4.3·10⁻¹⁸) is taken as 0:
 * such a value is normal, but the backward pass multiplies it by weights and
 * activations, and a trained decoder's were seen to reach subnormals within
 * a few layers (82 840 subnormal conv outputs per step, a 1.3× slower step).
 * A per-pixel gradient changes by less than 4.3·10⁻¹⁸, and with Adam's ε =
 * 10⁻⁷ a gradient that small could move no weight by more than lr·10⁻¹⁰.
 */
const GRAD_LIMIT = 40;

/** Whether the active backend has both fused kernels and they take these tensors. */
export function fusedBernoulli(x: tf.Tensor, logits: tf.Tensor): boolean {
  const backend = tf.getBackend();
  return x.dtype === "float32" && logits.dtype === "float32" && x.size % 4 === 0 &&
    tf.getKernel(BERNOULLI_KERNEL, backend) !== undefined &&
    tf.getKernel(BERNOULLI_GRAD_KERNEL, backend) !== undefined;
}

/**
 * x·ℓ − softplus(ℓ) with softplus(ℓ) = max(ℓ, 0) + log(1 + e^−|ℓ|), the second
 * term 0 where |ℓ| ≥ 87 (it is below 2⁻¹²⁶ there).
 */
export function bernoulliValue(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const negAbs = tf.neg(tf.abs(logits));
    const inRange = tf.greater(negAbs, -LIMIT);
    const tail = tf.where(
      inRange,
      tf.log1p(tf.exp(tf.maximum(negAbs, -LIMIT))),
      tf.zerosLike(negAbs),
    );
    return tf.sub(tf.mul(x, logits), tf.add(tf.relu(logits), tail));
  });
}

/** [dy·ℓ, dy·(x − σ(ℓ))], σ(ℓ) exactly 0 where ℓ < −40. */
export function bernoulliGradients(
  x: tf.Tensor,
  logits: tf.Tensor,
  dy: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const sigma = tf.where(
      tf.greater(logits, -GRAD_LIMIT),
      tf.sigmoid(tf.maximum(logits, -GRAD_LIMIT)),
      tf.zerosLike(logits),
    );
    return [tf.mul(dy, logits), tf.mul(dy, tf.sub(x, sigma))];
  });
}
