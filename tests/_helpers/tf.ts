/**
 * Test set-up for tensor code: the union package (which registers every
 * gradient and chained op under Deno) on the pure-JS `cpu` backend, which is
 * the reference the library's own kernels are checked against.
 */
import * as tf from "@tensorflow/tfjs";

// The cpu backend greets Node users once on first write; tests need no greeting.
const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
if (cpu) cpu.firstUse = false;
await tf.setBackend("cpu");

export { tf };

/**
 * Runs `fn`, disposes what it returns, and throws if the number of live
 * tensors changed: the check every exported tensor function must pass.
 */
export function assertNoLeak(fn: () => tf.TensorContainer, label = "function"): void {
  const before = tf.memory().numTensors;
  const out = fn();
  tf.dispose(out);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${label} leaked ${after - before} tensor(s): ${before} before, ${after} after`,
    );
  }
}
