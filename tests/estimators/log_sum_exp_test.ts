/**
 * The estimators' logSumExp: the values of tf.logSumExp bit for bit, and the
 * gradient dy·softmax(x) (tf.logSumExp's own, without the max's terms that
 * cancel), also at -Infinity entries (an MSS weight of a data set as large as
 * the batch) and at large magnitudes where a naive exp would overflow.
 */
import assert from "node:assert/strict";
import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose } from "../_helpers/assert.ts";
import { logSumExp } from "../../estimators/_log_sum_exp.ts";

function both(x: tf.Tensor, axis: number, keepDims: boolean, dy: tf.Tensor) {
  const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(logSumExp(t, axis, keepDims), dy)))(x);
  const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(t, axis, keepDims), dy)))(x);
  return {
    value: logSumExp(x, axis, keepDims),
    reference: tf.logSumExp(x, axis, keepDims),
    ours,
    theirs,
  };
}

Deno.test("logSumExp: tf.logSumExp's values and gradients on every axis, with and without keepDims", () => {
  const x = tf.mul(tf.randomNormal([5, 7, 3], 0, 1, "float32", 11), 30);
  for (let axis = 0; axis < 3; axis++) {
    for (const keepDims of [false, true]) {
      const shape = x.shape.map((d, i) => (i === axis ? 1 : d));
      const dy = tf.randomUniform(
        keepDims ? shape : shape.filter((_, i) => i !== axis),
        0.5,
        2,
        "float32",
        3,
      );
      const r = both(x, axis, keepDims, dy);
      assert.deepEqual(r.value.shape, r.reference.shape);
      assert.deepEqual(Array.from(r.value.dataSync()), Array.from(r.reference.dataSync()));
      assertClose(r.ours.dataSync(), r.theirs.dataSync(), { atol: 1e-6, rtol: 1e-5 });
    }
  }
});

Deno.test("logSumExp: hand-worked gradient, -Infinity entries and large magnitudes", () => {
  // log(e^0 + e^log3) = log 4; the gradient is the softmax (1/4, 3/4).
  const x = tf.tensor2d([[0, Math.log(3)], [-Infinity, 200]]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, 1)))(x);
  assertClose(logSumExp(x, 1).dataSync(), [Math.log(4), 200], { rtol: 1e-6 });
  assertClose(g.dataSync(), [0.25, 0.75, 0, 1], { atol: 1e-6 });
  assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
});

Deno.test("logSumExp leaks no tensors, forward or backward", () => {
  const x = tf.randomNormal([4, 6], 0, 1, "float32", 2);
  assertNoLeak(() => logSumExp(x, 1), "logSumExp");
  assertNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, 0)))(x), "its gradient");
});
