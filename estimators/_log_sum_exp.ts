import * as tf from "@tensorflow/tfjs-core";

/**
 * log Σ exp(x) along `axis`, as `tf.logSumExp`, with the gradient written as
 * the softmax dy·exp(x − lse). tfjs differentiates through the max it
 * subtracts for stability, whose gradient (a broadcast `Equal` mask and its
 * products) cancels mathematically yet cost the estimators' backward pass
 * ~5 ms per β-TCVAE step on the wasm backend (batch 64, 10 latents).
 * Values are computed exactly as tf.logSumExp computes them.
 *
 * @param x the tensor to reduce.
 * @param axis the single axis to reduce.
 * @param keepDims whether to keep the reduced axis with length 1.
 * @returns log Σ exp(x) along `axis`.
 */
export function logSumExp(x: tf.Tensor, axis: number, keepDims = false): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor, save = args[1] as tf.GradSaveFunc;
    const lse = tf.logSumExp(t, axis, true);
    save([t, lse]);
    return {
      value: keepDims ? lse : tf.squeeze(lse, [axis]),
      gradFunc: (dy, saved) => {
        const [xs, l] = saved as tf.Tensor[];
        const g = keepDims ? dy as tf.Tensor : tf.expandDims(dy as tf.Tensor, axis);
        return tf.mul(g, tf.exp(tf.sub(xs, l)));
      },
    };
  });
  return f(x);
}
