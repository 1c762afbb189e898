import { tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { runOn, wasmDataIds } from "./_backends.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import assert from "node:assert/strict";

/** Trains a small tanh regression for `steps` steps; returns parameters and moments. */
function train(
  makeOptimizer: () => tf.Optimizer,
  steps: number,
): () => tf.Tensor[] {
  return () => {
    // Sizes 7×5 = 35 and 5 are not multiples of 4: the SIMD loop's tail is exercised.
    const w = tf.variable(tf.randomNormal([7, 5], 0, 1, "float32", 1));
    const b = tf.variable(tf.randomNormal([5], 0, 1, "float32", 2));
    const big = tf.variable(tf.randomNormal([64, 3], 0, 1, "float32", 3));
    const x = tf.randomNormal([11, 7], 0, 1, "float32", 4);
    const optimizer = makeOptimizer();
    for (let i = 0; i < steps; i++) {
      optimizer.minimize(() =>
        tf.add(
          tf.sum(tf.square(tf.tanh(tf.add(tf.matMul(x, w), b)))),
          tf.sum(tf.square(tf.sub(big, 0.5))),
        ) as tf.Scalar
      );
    }
    const adam = optimizer as unknown as {
      accumulatedFirstMoment: { variable: tf.Variable }[];
      accumulatedSecondMoment: { variable: tf.Variable }[];
    };
    const out = [
      tf.concat([w.flatten(), b, big.flatten()]),
      tf.concat(adam.accumulatedFirstMoment.map((m) => m.variable.flatten())),
      tf.concat(adam.accumulatedSecondMoment.map((m) => m.variable.flatten())),
    ];
    optimizer.dispose();
    tf.dispose([w, b, big]);
    return out;
  };
}

const options = { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 };
const reference = () => tf.train.adam(0.01, 0.8, 0.99, 1e-6);

Deno.test("fusedAdam on wasm is bit-identical to tf.train.adam on wasm (parameters and moments)", () => {
  const fused = runOn("wasm", train(() => fusedAdam(options), 15));
  const plain = runOn("wasm", train(reference, 15));
  for (const [k, what] of ["parameters", "first moments", "second moments"].entries()) {
    assert.deepEqual(fused[k], plain[k], what);
  }
});

Deno.test("fusedAdam stores subnormal moments as 0 and otherwise equals tf.train.adam", () => {
  // Gradients 2⁻⁷⁰ make v = (1−β₂)·g² ≈ 2⁻¹⁴⁷ (subnormal); 2⁻⁶⁰ and 1 stay normal.
  // 4 normal lanes, 4 subnormal-v lanes, and a tail of 3 (not a multiple of 4).
  const grads = [1, -1, 2 ** -60, 0.5, 2 ** -70, -(2 ** -70), 2 ** -71, 2 ** -72, 2 ** -70, 1, 0];
  const run = (make: () => tf.Optimizer) => () => {
    const w = tf.variable(tf.zeros([grads.length]));
    const g = tf.tensor1d(grads);
    const optimizer = make();
    for (let i = 0; i < 3; i++) optimizer.applyGradients({ [w.name]: g });
    const adam = optimizer as unknown as {
      accumulatedFirstMoment: { variable: tf.Variable }[];
      accumulatedSecondMoment: { variable: tf.Variable }[];
    };
    const out = [
      w.clone(),
      adam.accumulatedFirstMoment[0].variable.clone(),
      adam.accumulatedSecondMoment[0].variable.clone(),
    ];
    optimizer.dispose();
    tf.dispose([w, g]);
    return out;
  };
  const [p, m, v] = runOn("wasm", run(() => fusedAdam(options)));
  const [pRef, , vRef] = runOn("wasm", run(reference));
  const FLT_MIN = 2 ** -126;
  assert.ok(
    Array.from(vRef).some((x) => x !== 0 && Math.abs(x) < FLT_MIN),
    "tf.train.adam's moments do reach subnormals here",
  );
  // The specification: tf.train.adam's float32 steps, moments flushed to 0 below FLT_MIN.
  const f = Math.fround, ftz = (x: number) => (Math.abs(x) < FLT_MIN ? 0 : x);
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = options;
  const pw = grads.map(() => 0), mw = grads.map(() => 0), vw = grads.map(() => 0);
  let acc1 = f(b1), acc2 = f(b2);
  for (let t = 0; t < 3; t++) {
    const d1 = f(1 - acc1), d2 = f(1 - acc2);
    grads.forEach((gr, k) => {
      const g = f(gr);
      mw[k] = ftz(f(f(mw[k] * f(b1)) + f(g * f(1 - b1))));
      vw[k] = ftz(f(f(vw[k] * f(b2)) + f(f(g * g) * f(1 - b2))));
      const step = f(f(f(mw[k] / d1) / f(f(Math.sqrt(f(vw[k] / d2))) + f(eps))) * f(-lr));
      pw[k] = f(step + pw[k]);
    });
    acc1 = f(acc1 * f(b1));
    acc2 = f(acc2 * f(b2));
  }
  assert.deepEqual(Array.from(m), mw, "first moments");
  assert.deepEqual(Array.from(v), vw, "second moments");
  assert.deepEqual(Array.from(p), pw, "parameters");
  // ... which moves no parameter by more than lr·10⁻¹² from tf.train.adam's.
  Array.from(p).forEach((x, k) => assert.ok(Math.abs(x - pRef[k]) <= lr * 1e-12, `p[${k}]`));
});

Deno.test("fusedAdam on wasm matches tf.train.adam on cpu", () => {
  const fused = runOn("wasm", train(() => fusedAdam(options), 15));
  const cpu = runOn("cpu", train(reference, 15));
  for (let k = 0; k < 3; k++) assertClose(fused[k], cpu[k], { atol: 1e-5, rtol: 1e-5 });
});

Deno.test("fusedAdam's default settings are tf.train.adam's defaults", () => {
  const fused = runOn("wasm", train(() => fusedAdam(), 5));
  const plain = runOn("wasm", train(() => tf.train.adam(), 5));
  assert.deepEqual(fused[0], plain[0]);
  const config = fusedAdam().getConfig();
  assert.deepEqual(config, tf.train.adam().getConfig());
});

Deno.test("fusedAdam on cpu is tf.train.adam", () => {
  const fused = runOn("cpu", train(() => fusedAdam(options), 5));
  const plain = runOn("cpu", train(reference, 5));
  assert.deepEqual(fused[0], plain[0]);
});

Deno.test("fusedAdam leaves no tensor or wasm buffer behind after its first step", () => {
  tf.setBackend("wasm");
  try {
    const w = tf.variable(tf.randomNormal([9, 3], 0, 1, "float32", 1));
    const optimizer = fusedAdam({ learningRate: 0.1 });
    const step = () => optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    step(); // creates the two moment variables
    const tensors = tf.memory().numTensors, buffers = wasmDataIds();
    for (let i = 0; i < 4; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(wasmDataIds(), buffers);
    optimizer.dispose();
    w.dispose();
  } finally {
    tf.setBackend("cpu");
  }
});

Deno.test("fusedAdam rejects out-of-range settings", () => {
  assertThrowsWith(() => fusedAdam({ learningRate: 0 }), RangeError, /learningRate.*got 0/);
  assertThrowsWith(() => fusedAdam({ beta1: 1 }), RangeError, /beta1 must be in \[0, 1\), got 1/);
  assertThrowsWith(() => fusedAdam({ beta2: -0.1 }), RangeError, /beta2/);
  assertThrowsWith(() => fusedAdam({ epsilon: -1 }), RangeError, /epsilon/);
  assertThrowsWith(() => fusedAdam({ learningRate: NaN }), RangeError, /learningRate/);
});
