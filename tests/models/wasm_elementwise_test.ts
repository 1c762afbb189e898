import { tf } from "../_helpers/tf.ts";
import { assertClose } from "../_helpers/assert.ts";
import { maxAbs, normals, runOn, wasmDataIds } from "./_backends.ts";
import { bernoulliLogDensity } from "../../losses/mod.ts";
import { heapMemory, simdKernels } from "../../models/_simd_wasm.ts";
import assert from "node:assert/strict";

const FLT_MIN = 2 ** -126;

/** Logits over the whole range, with the edges the SIMD code branches on. */
function logitCases(n: number, seed: number): Float32Array {
  const edges = [
    0,
    -0,
    1e-30,
    -1e-30,
    17,
    -17,
    40,
    -40,
    40.5,
    -40.5,
    86.9,
    -86.9,
    87,
    -87,
    88,
    -88,
  ];
  const out = normals(n, seed).map((v) => v * 40);
  out.set(edges.slice(0, n));
  return out;
}

function fractionalTargets(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => [0, 1, 0.3, 1, 0][i % 5]);
}

/** Value and both gradients of Σ w·log p(x | ℓ). */
function bernoulliAll(xs: Float32Array, ls: Float32Array, shape: number[]) {
  return () => {
    const x = tf.tensor(xs, shape), logits = tf.tensor(ls, shape);
    const w = tf.tensor(Float32Array.from(xs, (_, i) => 1 + (i % 3)), shape);
    const [gx, gl] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(bernoulliLogDensity(a, b), w))
    )([x, logits]);
    return [bernoulliLogDensity(x, logits), gx, gl];
  };
}

Deno.test("the fused Bernoulli kernels: value and gradients as the exact formula, never subnormal", () => {
  const n = 4096;
  const ls = logitCases(n, 11), xs = fractionalTargets(n);
  const [value, gx, gl] = runOn("wasm", bernoulliAll(xs, ls, [16, 16, 16, 1]));
  for (let i = 0; i < n; i++) {
    const l = ls[i], x = xs[i], w = 1 + (i % 3);
    const softplus = Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
    // The two terms rounded to float32 (each up to |ℓ|), then a few ulps of the tail.
    const tol = 2 * 2 ** -24 * Math.max(1, Math.abs(l)) + 4 * 2 ** -24 * Math.abs(softplus);
    assert.ok(Math.abs(value[i] - (x * l - softplus)) <= tol, `value at ℓ = ${l}, x = ${x}`);
    const s = l < -40 ? 0 : 1 / (1 + Math.exp(-l));
    const dl = w * (x - s);
    assert.ok(Math.abs(gl[i] - dl) <= 1e-6 * Math.max(1, Math.abs(dl)), `dℓ at ℓ = ${l}: ${gl[i]}`);
    assert.ok(Math.abs(gx[i] - w * l) <= 1e-6 * Math.abs(w * l), `dx at ℓ = ${l}`);
    for (const v of [value[i], gl[i], gx[i]]) {
      assert.ok(v === 0 || Math.abs(v) >= FLT_MIN, `subnormal at ℓ = ${l}, x = ${x}: ${v}`);
    }
  }
  // A saturated background pixel (ℓ = −88, x = 0): the tail below e^−87 is
  // exactly 0, and so is its gradient.
  assert.ok(ls[15] === -88 && xs[15] === 0);
  assert.ok(value[15] === 0 && gl[15] === 0, `${value[15]}, ${gl[15]}`);
});

Deno.test("the fused Bernoulli kernels agree with the cpu backend's ops, and odd sizes fall back", () => {
  for (const shape of [[8, 8, 8, 1], [3, 5, 7, 1], [2, 4]]) {
    const n = shape.reduce((a, b) => a * b);
    const ls = logitCases(n, n), xs = fractionalTargets(n);
    const cpu = runOn("cpu", bernoulliAll(xs, ls, shape));
    const wasm = runOn("wasm", bernoulliAll(xs, ls, shape));
    for (let k = 0; k < 3; k++) {
      const scale = Math.max(1, maxAbs(cpu[k]));
      assertClose(wasm[k], cpu[k], { atol: 4e-7 * scale, message: `output ${k} of ${shape}` });
    }
  }
});

Deno.test("ReLU, its gradient and the bias Add on wasm equal the cpu backend's", () => {
  const cases: [number[], number[]][] = [
    [[4, 6, 6, 32], [32]],
    [[4, 6, 6, 32], [1, 1, 1, 32]],
    [[64, 256], [256]],
    [[5, 7], [7]], // 7 columns: the original kernels
    [[3, 4], [3, 4]], // not a bias
    [[8], [8]],
  ];
  for (const [i, [shape, biasShape]] of cases.entries()) {
    const n = shape.reduce((a, b) => a * b);
    const xs = normals(n, 300 + i), bs = normals(biasShape.reduce((a, b) => a * b), 400 + i);
    // A NaN input passes through the gradient; at 0 (either sign) the gradient is 0.
    if (n > 4) [xs[1], xs[2], xs[3]] = [0, -0, NaN];
    const compute = () => {
      const x = tf.tensor(xs, shape), b = tf.tensor(bs, biasShape);
      const dy = tf.add(tf.zerosLike(x), 0.5);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), dy)))(x);
      return [tf.add(x, b), tf.add(b, x), g, tf.relu(x)];
    };
    const cpu = runOn("cpu", compute), wasm = runOn("wasm", compute);
    for (let k = 0; k < 4; k++) {
      assert.deepEqual(Array.from(wasm[k]), Array.from(cpu[k]), `output ${k} for ${shape}`);
    }
  }
});

Deno.test("the element-wise kernels keep tensor and buffer counts constant", () => {
  tf.setBackend("wasm");
  try {
    const x = tf.tensor(fractionalTargets(1024), [4, 16, 16, 1]);
    const ls = tf.tensor(logitCases(1024, 5), [4, 16, 16, 1]);
    const h = tf.randomNormal([4, 8, 8, 16]), b = tf.randomNormal([16]);
    const run = () =>
      tf.tidy(() => {
        const [, gl] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(bernoulliLogDensity(a, c)))([
          x,
          ls,
        ]);
        const gh = tf.grad((v: tf.Tensor) => tf.sum(tf.relu(tf.add(v, b))))(h);
        return [gl.sum().dataSync(), gh.sum().dataSync()];
      });
    run();
    const tensors = tf.memory().numTensors, buffers = wasmDataIds();
    for (let i = 0; i < 5; i++) run();
    assert.equal(tf.memory().numTensors, tensors, "tensor count grew");
    assert.equal(wasmDataIds(), buffers, "wasm buffer count grew");
    tf.dispose([x, ls, h, b]);
  } finally {
    tf.setBackend("cpu");
  }
});

Deno.test("the SIMD functions are bound to the wasm heap", () => {
  const backend = tf.findBackend("wasm") as unknown as Parameters<typeof heapMemory>[0] & object;
  const simd = simdKernels(heapMemory((backend as { wasm?: never }).wasm));
  assert.ok(simd !== null);
  for (const name of ["reluGrad", "relu", "biasAdd", "bernoulli", "bernoulliGrad"] as const) {
    assert.equal(typeof simd[name], "function");
  }
});
