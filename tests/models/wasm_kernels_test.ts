import { tf } from "../_helpers/tf.ts";
import { assertClose } from "../_helpers/assert.ts";
import { int, maxAbs, normals, rng, runOn, wasmDataIds } from "./_backends.ts";
import assert from "node:assert/strict";

type Pad = "same" | "valid" | tf.backend_util.ExplicitPadding;

interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

/** Both backends agree to float32 rounding, relative to the output's scale. */
function assertSame(wasm: Float32Array, cpu: Float32Array, label: string): void {
  const scale = Math.max(1, maxAbs(cpu));
  assertClose(wasm, cpu, { atol: 2e-6 * scale, rtol: 1e-5, message: label });
}

/** Random conv problems: odd and even sizes, non-square, strides 1–3 per axis, all paddings. */
function convCases(count: number, seed: number): ConvCase[] {
  const r = rng(seed);
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const kh = int(r, 1, 5), kw = int(r, 1, 5);
    const h = int(r, kh, 13), w = int(r, kw, 13);
    const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
    const kind = int(r, 0, 2);
    const pad: Pad = kind === 0
      ? "same"
      : kind === 1
      ? "valid"
      : [[0, 0], [int(r, 0, 2), int(r, 0, 2)], [
        int(r, 0, 2),
        int(r, 0, 2),
      ], [0, 0]];
    cases.push({
      x: [int(r, 1, 3), h, w, int(r, 1, 5)],
      f: [kh, kw, 0, int(r, 1, 5)],
      strides,
      pad,
    });
    cases[cases.length - 1].f[2] = cases[cases.length - 1].x[3];
  }
  // A column of taps that reads only padding: the filter gradient there is zero.
  cases.push({
    x: [1, 6, 2, 5],
    f: [3, 1, 5, 1],
    strides: [2, 3],
    pad: [[0, 0], [1, 2], [1, 0], [0, 0]],
  });
  cases.push({
    x: [2, 5, 5, 2],
    f: [1, 1, 2, 3],
    strides: [2, 2],
    pad: [[0, 0], [2, 0], [2, 0], [0, 0]],
  });
  // Stride above the kernel with 'same' padding: the shipped wasm Conv2D returned zeros.
  cases.push({ x: [1, 6, 6, 2], f: [2, 2, 2, 2], strides: [3, 3], pad: "same" });
  // One input channel, even kernel width, 16·k output channels: the SIMD filter gradient.
  cases.push({ x: [3, 9, 7, 1], f: [3, 2, 1, 16], strides: [2, 1], pad: "valid" });
  cases.push({ x: [2, 10, 11, 1], f: [2, 4, 1, 16], strides: [1, 3], pad: "same" });
  cases.push({
    x: [1, 7, 8, 1],
    f: [1, 2, 1, 32],
    strides: [3, 2],
    pad: [[0, 0], [2, 1], [0, 3], [0, 0]],
  });
  cases.push({ x: [2, 8, 8, 1], f: [4, 4, 1, 48], strides: [2, 2], pad: "same" });
  // The shapes of the Burgess net's layers (batch 2 instead of 64).
  cases.push({ x: [2, 64, 64, 1], f: [4, 4, 1, 32], strides: [2, 2], pad: "same" });
  cases.push({ x: [2, 16, 16, 32], f: [4, 4, 32, 64], strides: [2, 2], pad: "same" });
  return cases;
}

function describe(c: ConvCase): string {
  return `x ${c.x} filter ${c.f} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;
}

Deno.test("conv2d gradients (Conv2DBackpropInput, Conv2DBackpropFilter) on wasm equal cpu's", () => {
  for (const [i, c] of convCases(40, 1).entries()) {
    const xs = normals(c.x.reduce((a, b) => a * b), 100 + i);
    const fs = normals(c.f.reduce((a, b) => a * b), 200 + i);
    const compute = () => {
      const x = tf.tensor4d(xs, c.x), f = tf.tensor4d(fs, c.f);
      const y = tf.conv2d(x, f, c.strides, c.pad);
      const dy = tf.tensor(normals(y.size, 300 + i), y.shape);
      // d/dx and d/df of Σ y·dy are the two backprop kernels applied to dy.
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dy))
      )([x, f]);
      return [y, gx, gf];
    };
    const cpu = runOn("cpu", compute), wasm = runOn("wasm", compute);
    for (const [k, name] of ["forward", "input gradient", "filter gradient"].entries()) {
      assertSame(wasm[k], cpu[k], `${name} of ${describe(c)}`);
    }
  }
});

Deno.test("conv2dTranspose and its gradients on wasm equal cpu's", () => {
  for (const [i, c] of convCases(25, 2).entries()) {
    // conv2dTranspose maps the conv's output shape back to c.x.
    const yShape = tf.tidy(() =>
      tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad).shape
    );
    const outShape = yShape.reduce((a, b) => a * b);
    const ys = normals(outShape, 400 + i), fs = normals(c.f.reduce((a, b) => a * b), 500 + i);
    const upstream = normals(c.x.reduce((a, b) => a * b), 600 + i);
    const compute = () => {
      const y = tf.tensor4d(ys, yShape), f = tf.tensor4d(fs, c.f);
      const u = tf.tensor(upstream, c.x);
      const fn = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.x, c.strides, c.pad);
      const [gy, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, b), u)))([
        y,
        f,
      ]);
      return [fn(y, f), gy, gf];
    };
    const cpu = runOn("cpu", compute), wasm = runOn("wasm", compute);
    for (const [k, name] of ["forward", "input gradient", "filter gradient"].entries()) {
      assertSame(wasm[k], cpu[k], `conv2dTranspose ${name} of ${describe(c)}`);
    }
  }
});

Deno.test("the dilated, explicitly padded conv2d the filter gradient is built on equals cpu's", () => {
  const r = rng(3);
  for (let i = 0; i < 15; i++) {
    const shape: [number, number, number, number] = [
      int(r, 1, 3),
      int(r, 6, 14),
      int(r, 6, 14),
      int(
        r,
        1,
        4,
      ),
    ];
    const f: [number, number, number, number] = [
      int(r, 1, 4),
      int(r, 1, 4),
      shape[3],
      int(r, 1, 4),
    ];
    const dil: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
    const pad: Pad = [[0, 0], [int(r, 0, 3), int(r, 0, 3)], [int(r, 0, 3), int(r, 0, 3)], [0, 0]];
    const xs = normals(shape.reduce((a, b) => a * b), 700 + i);
    const fs = normals(f.reduce((a, b) => a * b), 800 + i);
    const compute = () =>
      tf.conv2d(tf.tensor4d(xs, shape), tf.tensor4d(fs, f), 1, pad, "NHWC", dil);
    const [cpu] = runOn("cpu", compute), [wasm] = runOn("wasm", compute);
    assertSame(wasm, cpu, `dilated conv x ${shape} filter ${f} dilation ${dil}`);
  }
});

Deno.test("matMul with every transpose combination (BatchMatMul) and its gradients on wasm equal cpu's", () => {
  const r = rng(4);
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean; broadcast?: boolean }[] = [];
  for (let i = 0; i < 24; i++) {
    const m = int(r, 1, 40), k = int(r, 1, 40), n = int(r, 1, 40);
    const ta = (i & 1) === 1, tb = (i & 2) === 2;
    const batch = i % 8 < 4 ? [] : [int(r, 1, 3)];
    const bBatch = i % 12 === 5 ? [1] : batch; // broadcasting a batch of one
    cases.push({
      a: [...batch, ...(ta ? [k, m] : [m, k])],
      b: [...bBatch, ...(tb ? [n, k] : [k, n])],
      ta,
      tb,
      broadcast: bBatch !== batch,
    });
  }
  // Both sides of the A·Bᵀ choice: a small A against a big B, and the reverse.
  cases.push({ a: [4, 300], b: [200, 300], ta: false, tb: true });
  cases.push({ a: [200, 300], b: [4, 300], ta: false, tb: true });
  for (const [i, c] of cases.entries()) {
    const as = normals(c.a.reduce((x, y) => x * y), 900 + i);
    const bs = normals(c.b.reduce((x, y) => x * y), 1000 + i);
    const compute = () => {
      const a = tf.tensor(as, c.a), b = tf.tensor(bs, c.b);
      const y = tf.matMul(a, b, c.ta, c.tb);
      // tfjs's own BatchMatMul gradient does not reduce broadcast batch axes: product only.
      if (c.broadcast) return [y, y, y];
      const dy = tf.tensor(normals(y.size, 1100 + i), y.shape);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(tf.mul(tf.matMul(p, q, c.ta, c.tb), dy))
      )([a, b]);
      return [y, ga, gb];
    };
    const cpu = runOn("cpu", compute), wasm = runOn("wasm", compute);
    for (const [k, name] of ["product", "gradient of a", "gradient of b"].entries()) {
      assertSame(wasm[k], cpu[k], `${name}: a ${c.a} b ${c.b} ta ${c.ta} tb ${c.tb}`);
    }
  }
});

Deno.test("the wasm kernels free every intermediate: no tensor or buffer is left behind", () => {
  tf.setBackend("wasm");
  try {
    const x = tf.randomNormal([2, 9, 7, 3], 0, 1, "float32", 1) as tf.Tensor4D;
    const f = tf.randomNormal([3, 4, 3, 5], 0, 1, "float32", 2) as tf.Tensor4D;
    const a = tf.randomNormal([6, 6], 0, 1, "float32", 3);
    const w = tf.randomNormal([40, 2000], 0, 1, "float32", 4) as tf.Tensor2D;
    const bias = tf.randomNormal([2000], 0, 1, "float32", 5);
    const rows = tf.randomNormal([8, 40], 0, 1, "float32", 6) as tf.Tensor2D;
    // One input channel: the SIMD filter gradient on a padded copy of x.
    const x1 = tf.randomNormal([2, 8, 8, 1], 0, 1, "float32", 7) as tf.Tensor4D;
    const f1 = tf.randomNormal([4, 4, 1, 16], 0, 1, "float32", 8) as tf.Tensor4D;
    const run = () => {
      const [gx, gf] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 2, "same")))
      )([x, f]);
      const [gx1, gf1] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 2, "same")))
      )([x1, f1]);
      const ones = tf.ones([2, 5, 4, 5]) as tf.Tensor4D;
      const t = tf.conv2dTranspose(ones, f, [2, 9, 7, 3], 2, "same");
      const m = [
        tf.matMul(a, a, true, false),
        tf.matMul(a, a, false, true),
        tf.matMul(a, a, true, true),
      ];
      const big = [
        tf.transpose(w),
        tf.matMul(rows, w),
        tf.fused.matMul({ a: rows, b: w, bias, activation: "relu" }),
      ];
      tf.dispose([gx, gf, gx1, gf1, ones, t, ...m, ...big]);
    };
    run(); // first use compiles and caches
    const tensors = tf.memory().numTensors, buffers = wasmDataIds();
    for (let i = 0; i < 3; i++) run();
    assert.equal(tf.memory().numTensors, tensors, "tensor count grew");
    assert.equal(wasmDataIds(), buffers, "wasm buffer count grew");
    tf.dispose([x, f, a, w, bias, rows, x1, f1]);
  } finally {
    tf.setBackend("cpu");
  }
});

Deno.test("padSpatial equals tf.pad on the spatial axes, whatever the heap held before", async () => {
  const { padSpatial } = await import("../../models/_wasm_heap.ts");
  tf.setBackend("wasm");
  try {
    const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [3, 5, 7, 1], [2, 4, 3, 5]];
    const pads: [number, number, number, number][] = [[0, 0, 0, 0], [1, 1, 1, 1], [2, 0, 0, 3]];
    for (const [i, shape] of shapes.entries()) {
      for (const [top, bottom, left, right] of pads) {
        // Leave non-zero garbage in freed memory the output may reuse.
        tf.dispose(tf.fill([4096], 7));
        const x = tf.tensor4d(normals(shape.reduce((a, b) => a * b), 700 + i), shape);
        const got = padSpatial(x, top, bottom, left, right);
        const want = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
        assert.deepEqual(got.shape, want.shape);
        assert.deepEqual(
          got.dataSync(),
          want.dataSync(),
          `${shape} padded ${top},${bottom},${left},${right}`,
        );
        tf.dispose([x, got, want]);
      }
    }
  } finally {
    tf.setBackend("cpu");
  }
});

Deno.test("depthToSpaceCrop interleaves the phases and crops, on both of its paths", async () => {
  const { depthToSpaceCrop } = await import("../../models/_wasm_heap.ts");
  tf.setBackend("wasm");
  try {
    // [sh, sw, c, zh, zw, top, left]: sw·c a multiple of 4 takes the SIMD path.
    const cases = [
      [2, 2, 32, 17, 17, 1, 1],
      [2, 2, 2, 5, 4, 0, 0],
      [3, 2, 4, 4, 5, 2, 1],
      [2, 3, 3, 4, 3, 1, 2], // 9 floats a block: the copying loop
      [1, 4, 1, 3, 2, 0, 3],
      [2, 1, 5, 3, 4, 1, 0],
    ];
    for (const [i, [sh, sw, c, zh, zw, top, left]] of cases.entries()) {
      const batch = 2, depth = sh * sw * c;
      const height = zh * sh - top - (i % 2), width = zw * sw - left - (i % 3 === 0 ? 1 : 0);
      const data = normals(batch * zh * zw * depth, 800 + i);
      const want = new Float32Array(batch * height * width * c);
      for (let b = 0; b < batch; b++) {
        for (let h = 0; h < height; h++) {
          for (let w = 0; w < width; w++) {
            const q = Math.floor((h + top) / sh), rh = (h + top) % sh;
            const p = Math.floor((w + left) / sw), rw = (w + left) % sw;
            for (let k = 0; k < c; k++) {
              want[((b * height + h) * width + w) * c + k] =
                data[((b * zh + q) * zw + p) * depth + (rh * sw + rw) * c + k];
            }
          }
        }
      }
      tf.dispose(tf.fill([65536], 7)); // garbage in memory the output may reuse
      const tensors = tf.memory().numTensors, buffers = wasmDataIds();
      const z = tf.tensor4d(data, [batch, zh, zw, depth]);
      const got = depthToSpaceCrop(z, sh, sw, top, left, height, width);
      assert.deepEqual(got.shape, [batch, height, width, c]);
      assert.deepEqual(got.dataSync(), want, `case ${i}: ${[sh, sw, c, zh, zw, top, left]}`);
      tf.dispose([z, got]);
      assert.equal(tf.memory().numTensors, tensors, "tensor count grew");
      assert.equal(wasmDataIds(), buffers, "wasm buffer count grew");
    }
  } finally {
    tf.setBackend("cpu");
  }
});

Deno.test("registering the kernels twice is harmless", async () => {
  const { registerWasmTrainingKernels } = await import(
    "../../models/register_wasm_training_kernels.ts"
  );
  const before = tf.getKernel("BatchMatMul", "wasm");
  assert.deepEqual(registerWasmTrainingKernels(), [
    "Conv2DBackpropFilter",
    "Conv2DBackpropInput",
    "BatchMatMul",
    "Conv2D",
    "FusedConv2D",
    "_FusedMatMul",
    "Transpose",
    "Identity",
    "Sum",
    "Add",
    "Relu",
    "DisentangleBernoulliLogDensity",
    "DisentangleBernoulliLogDensityGrad",
    "DisentangleReluGrad",
  ]);
  assert.equal(tf.getKernel("BatchMatMul", "wasm"), before);
});

Deno.test("x·W with a big W, plain and fused with bias and activation, equals cpu's (with gradients)", () => {
  const shapes: [number, number, number][] = [[8, 300, 256], [3, 256, 300], [1, 512, 128], [
    12,
    64,
    1100,
  ]];
  const activations = ["linear", "relu", "elu", "sigmoid", "leakyrelu", "relu6"] as const;
  for (const [i, [m, k, n]] of shapes.entries()) {
    for (const [j, activation] of activations.entries()) {
      const as = normals(m * k, 1200 + i), bs = normals(k * n, 1300 + i);
      const cs = normals(n, 1400 + j), us = normals(m * n, 1500 + j);
      const compute = () => {
        const a = tf.tensor2d(as, [m, k]), b = tf.tensor2d(bs, [k, n]), bias = tf.tensor1d(cs);
        const up = tf.tensor2d(us, [m, n]);
        const fused = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) =>
          tf.fused.matMul({
            a: p as tf.Tensor2D,
            b: q as tf.Tensor2D,
            bias: c,
            activation,
            leakyreluAlpha: 0.1,
          });
        const grads = tf.grads((p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.mul(fused(p, q, c), up))
        )([a, b, bias]);
        return [tf.matMul(a, b), fused(a, b, bias), ...grads];
      };
      const cpu = runOn("cpu", compute), wasm = runOn("wasm", compute);
      for (const [q, name] of ["plain", "fused", "grad a", "grad b", "grad bias"].entries()) {
        assertSame(wasm[q], cpu[q], `${name} ${m}×${k}·${k}×${n} ${activation}`);
      }
    }
  }
});

Deno.test("transposes of every kind (SIMD blocks, batched, odd sizes, general) equal cpu's", () => {
  const r = rng(5);
  const cases: [number[], number[]][] = [
    [[400, 120], [1, 0]],
    [[8, 12], [1, 0]],
    [[3, 8, 4], [0, 2, 1]],
    [[2, 4, 4, 8], [0, 1, 3, 2]],
    [[4, 2, 3, 8], [1, 2, 3, 0]],
    [[5, 8], [1, 0]],
    [[2, 3, 4], [2, 0, 1]],
    [[8, 3, 3, 4], [3, 1, 2, 0]], // NHWC → CHWN, strided matrix transposes
    [[8, 5, 3, 1], [3, 1, 2, 0]], // a size-1 axis dropped: a plain matrix transpose
    [[12, 5, 8], [2, 1, 0]],
    [[4, 3, 3, 8], [1, 2, 0, 3]], // NHWC → HWNC, blocks of 8 floats
    [[3, 5, 4], [1, 0, 2]],
    [[3, 5, 6], [1, 0, 2]], // blocks of 6 floats: the original kernel
  ];
  for (let i = 0; i < 20; i++) {
    const rank = int(r, 2, 5);
    const shape = Array.from({ length: rank }, () => int(r, 1, 9));
    const perm = shape.map((_, a) => a);
    for (let a = rank - 1; a > 0; a--) {
      const b = int(r, 0, a);
      [perm[a], perm[b]] = [perm[b], perm[a]];
    }
    cases.push([shape, perm]);
  }
  for (const [i, [shape, perm]] of cases.entries()) {
    const xs = normals(shape.reduce((a, b) => a * b), 1600 + i);
    const compute = () => tf.transpose(tf.tensor(xs, shape), perm);
    const [cpu] = runOn("cpu", compute), [wasm] = runOn("wasm", compute);
    assert.deepEqual(wasm, cpu, `transpose ${shape} by ${perm}`);
  }
});

Deno.test("sums over leading axes (bias gradients) and every other sum equal cpu's", () => {
  const cases: [number[], number | number[], boolean][] = [
    [[64, 8, 8, 32], [0, 1, 2], false],
    [[64, 8, 8, 32], [2, 0, 1], true],
    [[16, 12], 0, false],
    [[16, 12], -2, true],
    [[5, 6, 7], [0, 1], false], // 7 columns: the original kernel
    [[5, 6, 8], [1, 2], false], // trailing axes: the original kernel
    [[5, 6, 8], [0, 2], true],
    [[9, 8], [0, 1], false],
  ];
  for (const [i, [shape, axis, keepDims]] of cases.entries()) {
    const xs = normals(shape.reduce((a, b) => a * b), 1700 + i);
    const compute = () => tf.sum(tf.tensor(xs, shape), axis, keepDims);
    const cpu = runOn("cpu", compute), wasm = runOn("wasm", compute);
    assertSame(wasm[0], cpu[0], `sum of ${shape} over ${axis}`);
    tf.setBackend("wasm");
    const onWasm = tf.tidy(() => compute().shape);
    tf.setBackend("cpu");
    assert.deepEqual(onWasm, tf.tidy(() => compute().shape), `shape of the sum of ${shape}`);
  }
});
