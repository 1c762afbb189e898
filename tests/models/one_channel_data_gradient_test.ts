/**
 * The one-channel data gradient (a product on the native BLAS and a scatter)
 * against the cpu backend's transposed convolution: strides, paddings that
 * cut taps off either edge, odd shapes, kernels larger than the stride and
 * smaller; a hand-worked 1-D case; the refusals. Without a native BLAS only
 * the refusals run.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import { loadNativeBlas, type Sgemm } from "../../models/_native_blas.ts";
import type { ConvShape } from "../../models/_native_dnnl.ts";
import { oneChannelDataGradient } from "../../models/_one_channel_data_gradient.ts";
import { heapAccumulate } from "../../models/_native_conv_kernels.ts";

await tf.setBackend("cpu");
const blas = loadNativeBlas({ threads: 2 });
const absent = blas === null;

type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];

/** The conv shape oneDNN's kernels describe, from tfjs's own arithmetic. */
function shapeOf(x: number[], w: number[], s: [number, number], pad: Pad): ConvShape {
  const info = tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number],
    w as [number, number, number, number],
    s,
    1,
    pad,
  );
  const p = info.padInfo;
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: 1,
    dilationW: 1,
    top: p.top,
    bottom: p.bottom,
    left: p.left,
    right: p.right,
  };
}

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const ptr = (a: Float32Array) => Deno.UnsafePointer.of(a);

/** dx by the function under test, with a scratch the size it needs. */
function compute(shape: ConvShape, dy: Float32Array, w: Float32Array): Float32Array {
  const dx = new Float32Array(shape.n * shape.h * shape.w).fill(Number.NaN); // overwritten
  const planes = new Float32Array(shape.kh * shape.kw * shape.n * shape.oh * shape.ow);
  oneChannelDataGradient(blas!.sgemm, shape, { dy: ptr(dy), filter: ptr(w), dx, planes });
  return dx;
}

const CASES: { x: number[]; w: number[]; s: [number, number]; pad: Pad }[] = [
  { x: [4, 16, 16, 1], w: [4, 4, 1, 8], s: [2, 2], pad: "same" }, // burgess's last layer, smaller
  { x: [2, 9, 7, 1], w: [3, 2, 1, 4], s: [2, 3], pad: "valid" },
  { x: [3, 10, 11, 1], w: [5, 5, 1, 3], s: [3, 3], pad: "same" }, // stride past half the kernel
  { x: [2, 9, 7, 1], w: [3, 3, 1, 5], s: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 6, 6, 1], w: [1, 1, 1, 17], s: [1, 1], pad: "valid" },
  { x: [2, 8, 8, 1], w: [2, 2, 1, 6], s: [3, 3], pad: "valid" }, // stride past the kernel: gaps
];

Deno.test({
  name: "oneChannelDataGradient equals the cpu backend's transposed convolution",
  ignore: absent,
  fn() {
    let seed = 1;
    for (const { x, w, s, pad } of CASES) {
      const shape = shapeOf(x, w, s, pad);
      const dyShape = [shape.n, shape.oh, shape.ow, shape.co];
      const dy = values(size(dyShape), seed++), wv = values(size(w), seed++);
      const expected = tf.tidy(() =>
        tf.conv2dTranspose(
          tf.tensor4d(dy, dyShape as [number, number, number, number]),
          tf.tensor4d(wv, w as [number, number, number, number]),
          x as [number, number, number, number],
          s,
          pad,
        ).dataSync() as Float32Array
      );
      assertClose(compute(shape, dy, wv), expected, {
        atol: 1e-6,
        rtol: 1e-5,
        message: `x ${x} w ${w} s ${s} pad ${JSON.stringify(pad)}`,
      });
    }
  },
});

Deno.test({
  name: "oneChannelDataGradient: a hand-worked 1-D case with padding and stride 2",
  ignore: absent,
  fn() {
    // x has 4 pixels; filter taps [a, b, c] = [1, 10, 100] over one channel; stride 2,
    // one pixel of padding on each side: output o reads x[2o − 1 + k].
    // dy = [1, 2] gives dx[i] = Σ_o dy[o]·W[i − 2o + 1]: dx = [10, 100 + 2, 20, 200].
    const shape = shapeOf([1, 1, 4, 1], [1, 3, 1, 1], [1, 2], [[0, 0], [0, 0], [1, 1], [0, 0]]);
    assert.equal(shape.ow, 2);
    const dx = compute(shape, new Float32Array([1, 2]), new Float32Array([1, 10, 100]));
    assert.deepEqual(Array.from(dx), [10, 102, 20, 200]);
  },
});

Deno.test("oneChannelDataGradient: the scatter on the wasm function equals the loop, to the bit", () => {
  // The planes come from a stand-in product, so this runs without OpenBLAS too.
  const memory = new WebAssembly.Memory({ initial: 64 });
  const heap = new Float32Array(memory.buffer);
  let seed = 7, checked = 0;
  for (
    const { x, w, s, pad } of [...CASES, {
      x: [3, 64, 64, 1],
      w: [4, 4, 1, 2],
      s: [2, 2] as [number, number],
      pad: "same" as Pad,
    }]
  ) {
    const shape = shapeOf(x, w, s, pad);
    const dxLength = shape.n * shape.h * shape.w;
    const planesLength = shape.kh * shape.kw * shape.n * shape.oh * shape.ow;
    const [dxAt, loopAt, planesAt] = [0, dxLength, 2 * dxLength].map((o) => 4 * o);
    const planes = heap.subarray(planesAt / 4, planesAt / 4 + planesLength);
    const filled = values(planesLength, seed++);
    const product: Sgemm = () => planes.set(filled);
    const run = (at: number, accumulate: boolean) => {
      const dx = heap.subarray(at / 4, at / 4 + dxLength).fill(Number.NaN); // overwritten
      oneChannelDataGradient(product, shape, {
        dy: null,
        filter: null,
        dx,
        planes,
        accumulate: accumulate ? heapAccumulate(memory, at, planesAt, 4 * dxLength) : undefined,
      });
      return dx;
    };
    const loop = run(loopAt, false), wasm = run(dxAt, true);
    assert.ok(loop.every(Number.isFinite), `x ${x}: every pixel written`);
    assert.deepEqual(wasm, loop, `x ${x} w ${w} s ${s} pad ${JSON.stringify(pad)}`);
    checked += dxLength;
  }
  assert.ok(checked > 12_000);
});

Deno.test("oneChannelDataGradient refuses more than one channel, dilation, wrong sizes", () => {
  const shape = shapeOf([1, 4, 4, 1], [2, 2, 1, 2], [2, 2], "valid");
  const fake: Sgemm = () => {
    throw new Error("sgemm must not run");
  };
  const ops = (dx: number, planes: number) => ({
    dy: null,
    filter: null,
    dx: new Float32Array(dx),
    planes: new Float32Array(planes),
  });
  assert.throws(
    () => oneChannelDataGradient(fake, { ...shape, ci: 2 }, ops(16, 16)),
    (e: unknown) => e instanceof RangeError && /2 input channels/.test(e.message),
  );
  assert.throws(
    () => oneChannelDataGradient(fake, { ...shape, dilationW: 2 }, ops(16, 16)),
    (e: unknown) => e instanceof RangeError && /dilations 1×2/.test(e.message),
  );
  assert.throws(
    () => oneChannelDataGradient(fake, shape, ops(15, 16)),
    (e: unknown) => e instanceof RangeError && /dx holds 15 values, not 16/.test(e.message),
  );
  assert.throws(
    () => oneChannelDataGradient(fake, shape, ops(16, 15)),
    (e: unknown) => e instanceof RangeError && /scratch holds 15 values, not 16/.test(e.message),
  );
});

Deno.test({
  name: "close the library",
  ignore: absent,
  fn() {
    blas!.close();
  },
});
