// Run by wasm_threads_test.ts in a process of its own: initialises the wasm
// backend (threads from DISENTANGLE_THREADS), then compares a product, one
// fused Adam update and a few training steps with the cpu backend. Prints one
// JSON line. The process must end by itself (an idle thread pool may not
// keep it alive).
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../../models/use_backend.ts";
import { buildVae } from "../../models/build_vae.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { trainStep } from "../../models/train_step.ts";
import { simdHelper } from "../../models/_simd_helper.ts";
import { heapMemory, simdKernels } from "../../models/_simd_wasm.ts";
import { RELU_GRAD_KERNEL } from "../../models/_elementwise_wasm.ts";
import { heapAccumulate } from "../../models/_native_conv_kernels.ts";
import { oneChannelDataGradient } from "../../models/_one_channel_data_gradient.ts";
import { wasmGemm } from "../../models/_wasm_gemm.ts";
import { wasmConvKernels } from "../../models/_wasm_conv_kernels.ts";
import { BERNOULLI_GRAD_KERNEL, BERNOULLI_KERNEL } from "../../losses/bernoulli_kernel_parts.ts";

const { threads, native, wasmMatMul, wasmConv, convolutions, simdHelper: selectionHelper } =
  await useBackend("wasm");

// The fused Adam pass's helper thread, where the heap is shared: started here
// and given up to 10 s to compile its kernels.
const memory = heapMemory(
  (tf.backend() as unknown as { wasm: Parameters<typeof heapMemory>[0] }).wasm,
);
const helper = simdHelper(memory);
for (let i = 0; i < 200 && helper !== null && !helper.ready(); i++) {
  await new Promise((r) => setTimeout(r, 50));
}

function product(): number[] {
  return tf.tidy(() => {
    const a = tf.randomNormal([67, 129], 0, 1, "float32", 3);
    const b = tf.randomNormal([65, 129], 0, 1, "float32", 4);
    return Array.from(tf.matMul(a, b, false, true).dataSync()).slice(0, 200);
  });
}

function adamMoments(): number[] {
  const v = tf.variable(tf.randomNormal([1027], 0, 1, "float32", 5));
  const opt = fusedAdam({ learningRate: 0.01 });
  for (let i = 0; i < 3; i++) {
    opt.minimize(() => tf.sum(tf.mul(tf.square(v), tf.range(0, 1027))), false, [v]);
  }
  const out = Array.from(v.dataSync());
  opt.dispose();
  v.dispose();
  return out;
}

/**
 * Three Adam steps on variables large enough to be split with the helper
 * (3·2¹⁵ + 3 elements, not a multiple of 4, and one just below the split):
 * the parameters, then the first and second moments.
 */
function bigAdam(makeOptimizer: () => tf.Optimizer): Float32Array[] {
  const sizes = [3 * 32768 + 3, 32767];
  const vs = sizes.map((n, i) => tf.variable(tf.randomNormal([n], 0, 1, "float32", 10 + i)));
  const weights = sizes.map((n) => tf.sin(tf.range(0, n)));
  const opt = makeOptimizer();
  for (let i = 0; i < 3; i++) {
    opt.minimize(
      () => tf.addN(vs.map((v, j) => tf.sum(tf.mul(tf.square(v), weights[j])))) as tf.Scalar,
      false,
      vs,
    );
  }
  const out = vs.map((v) => v.dataSync() as Float32Array);
  const adam = opt as unknown as {
    accumulatedFirstMoment: { variable: tf.Variable }[];
    accumulatedSecondMoment: { variable: tf.Variable }[];
  };
  for (const m of [...adam.accumulatedFirstMoment, ...adam.accumulatedSecondMoment]) {
    out.push(m.variable.dataSync() as Float32Array);
  }
  opt.dispose();
  tf.dispose([...vs, ...weights]);
  return out;
}

/**
 * The element-wise passes the helper splits (ReLU and its gradient, the bias
 * add, the Bernoulli likelihood and its gradients) on 2¹⁸ + 32 elements,
 * against the same SIMD functions run whole on the calling thread: the
 * number of values that differ in any bit.
 */
function splitPasses(): number {
  const simd = simdKernels(memory)!;
  const rows = 8193, cols = 32, n = rows * cols; // above SPLIT_BYTES, rows odd
  const wasm = tf.backend() as unknown as {
    makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
    getMemoryOffset(dataId: object): number;
  };
  const at = (t: { dataId: object }) => wasm.getMemoryOffset(t.dataId);
  const whole = (outputs: number, call: (outs: number[]) => void): Float32Array[] => {
    const infos = Array.from({ length: outputs }, () => wasm.makeOutput([n], "float32"));
    call(infos.map(at));
    return infos.map((info) => {
      const t = tf.engine().makeTensorFromTensorInfo(info);
      const data = t.dataSync() as Float32Array;
      t.dispose();
      return data;
    });
  };
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, cols], 0, 3, "float32", 21);
    const dy = tf.randomNormal([rows, cols], 0, 1, "float32", 22);
    const bias = tf.randomNormal([cols], 0, 1, "float32", 23);
    const target = tf.cast(
      tf.greater(tf.randomUniform([rows, cols], 0, 1, "float32", 24), 0.7),
      "float32",
    );
    const logits = tf.mul(x, 10);
    const bytes = n * 4;
    const [gx, gl] = tf.engine().runKernel(BERNOULLI_GRAD_KERNEL, {
      x: target,
      logits,
      dy,
    }) as tf.Tensor[];
    const pairs: [tf.Tensor, Float32Array][] = [
      [tf.relu(x), whole(1, ([o]) => simd.relu(at(x), o, bytes))[0]],
      [tf.add(x, bias), whole(1, ([o]) => simd.biasAdd(at(x), at(bias), o, bytes, cols * 4))[0]],
      [
        tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as tf.Tensor,
        whole(1, ([o]) => simd.reluGrad(at(dy), at(x), o, bytes))[0],
      ],
      [
        tf.engine().runKernel(BERNOULLI_KERNEL, { x: target, logits }) as tf.Tensor,
        whole(1, ([o]) => simd.bernoulli(at(target), at(logits), o, bytes))[0],
      ],
      ...whole(2, ([a, b]) => simd.bernoulliGrad(at(target), at(logits), at(dy), a, b, bytes))
        .map((w, i) => [[gx, gl][i], w] as [tf.Tensor, Float32Array]),
    ];
    return pairs.reduce(
      (count, [split, reference]) =>
        count + mismatches([split.dataSync() as Float32Array], [reference]),
      0,
    );
  });
}

/**
 * The one-channel data gradient's scatter (burgess's last layer, 17 images:
 * odd, and above SPLIT_BYTES) on the wasm function, split with the helper
 * where there is one, against the JavaScript loop on the same planes: the
 * number of values that differ in any bit.
 */
function splitScatter(): number {
  const shape = {
    n: 17,
    h: 64,
    w: 64,
    ci: 1,
    oh: 32,
    ow: 32,
    co: 8,
    kh: 4,
    kw: 4,
    strideH: 2,
    strideW: 2,
    dilationH: 1,
    dilationW: 1,
    top: 1,
    bottom: 1,
    left: 1,
    right: 1,
  };
  const dxLength = shape.n * shape.h * shape.w, planesLength = 16 * shape.n * shape.oh * shape.ow;
  const wasm = tf.backend() as unknown as {
    makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
    getMemoryOffset(dataId: object): number;
    disposeData(dataId: object, force?: boolean): boolean;
    wasm: { HEAPF32: Float32Array };
  };
  const infos = [dxLength, dxLength, planesLength].map((n) => wasm.makeOutput([n], "float32"));
  const [splitAt, loopAt, planesAt] = infos.map((t) => wasm.getMemoryOffset(t.dataId));
  const heap = wasm.wasm.HEAPF32;
  const planes = heap.subarray(planesAt / 4, planesAt / 4 + planesLength);
  const filled = tf.tidy(() => tf.randomNormal([planesLength], 0, 1, "float32", 25).dataSync());
  const run = (at: number, split: boolean) => {
    const dx = heap.subarray(at / 4, at / 4 + dxLength);
    oneChannelDataGradient(() => planes.set(filled), shape, {
      dy: null,
      filter: null,
      dx,
      planes,
      accumulate: split ? heapAccumulate(memory, at, planesAt, 4 * dxLength) : undefined,
    });
    return dx.slice();
  };
  const count = mismatches([run(splitAt, true)], [run(loopAt, false)]);
  for (const t of infos) wasm.disposeData(t.dataId, true);
  return count;
}

/**
 * The library's matrix product with its panels split with the helper thread
 * (where there is one) against the same product on this thread alone, on
 * the models' shapes: the number of values that differ in any bit. The
 * split gives each C entry to one thread, so they must be equal.
 */
function splitGemm(): number {
  const split = wasmGemm(memory), alone = wasmGemm(memory, { helper: false });
  if (split === null || alone === null) return 0;
  const wasm = tf.backend() as unknown as {
    makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
    getMemoryOffset(dataId: object): number;
    disposeData(dataId: object, force?: boolean): boolean;
    wasm: { HEAPF32: Float32Array };
  };
  let count = 0;
  for (
    const [m, k, n, transA, transB] of [[64, 1200, 1200, false, false], [
      64,
      1200,
      4096,
      false,
      true,
    ], [1200, 64, 1200, true, false]] as const
  ) {
    const operands = tf.tidy(() => [
      tf.randomNormal([m * k], 0, 1, "float32", 31),
      tf.randomNormal([k * n], 0, 1, "float32", 32),
    ]);
    const product = {
      transA,
      transB,
      m,
      n,
      k,
      a: wasm.getMemoryOffset(operands[0].dataId) >>> 2,
      lda: transA ? m : k,
      b: wasm.getMemoryOffset(operands[1].dataId) >>> 2,
      ldb: transB ? k : n,
      ldc: n,
      accumulate: false,
    };
    const outs = [0, 1].map(() => wasm.makeOutput([m * n], "float32"));
    const scratch = wasm.makeOutput(
      [split.scratchFloats({ ...product, c: 0, scratch: 0 })],
      "float32",
    );
    const heap = wasm.wasm.HEAPF32;
    const [c0, c1] = outs.map((t) => wasm.getMemoryOffset(t.dataId) >>> 2);
    const at = wasm.getMemoryOffset(scratch.dataId) >>> 2;
    split.run(memory, heap, { ...product, c: c0, scratch: at });
    alone.run(memory, heap, { ...product, c: c1, scratch: at });
    const h = wasm.wasm.HEAPF32;
    count += mismatches([h.slice(c0, c0 + m * n)], [h.slice(c1, c1 + m * n)]);
    for (const t of [...outs, scratch]) wasm.disposeData(t.dataId, true);
    tf.dispose(operands);
  }
  return count;
}

/**
 * The library's convolution (forward, fused bias and ReLU, the data
 * gradient, a stride-1 convolution, and the filter gradient) with its images split with the helper
 * thread against the same on this thread alone: the number of values that
 * differ in any bit (each image, or filter row, is one thread's, so none may).
 */
function splitConv(): number {
  if (simdKernels(memory) === null) return 0;
  const originals = {
    Conv2D: tf.getKernel("Conv2D", "wasm")!,
    FusedConv2D: tf.getKernel("FusedConv2D", "wasm")!,
    Conv2DBackpropFilter: tf.getKernel("Conv2DBackpropFilter", "wasm")!,
    Conv2DBackpropInput: tf.getKernel("Conv2DBackpropInput", "wasm")!,
  };
  const use = (configs: tf.KernelConfig[]) =>
    configs.forEach((c) => {
      tf.unregisterKernel(c.kernelName, "wasm");
      tf.registerKernel(c);
    });
  const x = tf.randomNormal([17, 32, 32, 32], 0, 1, "float32", 41) as tf.Tensor4D;
  const w = tf.randomNormal([4, 4, 32, 32], 0, 1, "float32", 42) as tf.Tensor4D;
  const bias = tf.randomNormal([32], 0, 1, "float32", 43) as tf.Tensor1D;
  const run = () =>
    tf.tidy(() => {
      const y = tf.fused.conv2d({
        x,
        filter: w,
        strides: 2,
        pad: "same",
        bias,
        activation: "relu",
      });
      const dx = tf.conv2dTranspose(y, w, [17, 32, 32, 32], 2, "same");
      const [dw] = tf.grads((f: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, 2, "same"), y))
      )([w]);
      return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
    });
  try {
    use(wasmConvKernels(originals));
    const split = run();
    use(wasmConvKernels(originals, { helper: false }));
    return mismatches(split, run());
  } finally {
    use(Object.values(originals));
    tf.dispose([x, w, bias]);
  }
}

function mismatches(a: Float32Array[], b: Float32Array[]): number {
  let count = 0;
  a.forEach((x, i) => x.forEach((v, k) => (count += Object.is(v, b[i][k]) ? 0 : 1)));
  return count;
}

function losses(): { loss: number; grew: number } {
  // Small enough for the cpu backend, with convolutions in both directions.
  const vae = buildVae("burgess", { inputShape: [16, 16, 1], latentDim: 4, seed: 1 });
  const x = tf.tidy(() => tf.round(tf.randomUniform([8, 16, 16, 1], 0, 1, "float32", 2)));
  const optimizer = fusedAdam({ learningRate: 1e-4 });
  const opts = { objective: "beta-tcvae" as const, estimator: "mss" as const, datasetSize: 1000 };
  let loss = trainStep({ vae, optimizer }, x, { ...opts, step: 0 }).loss;
  const before = tf.memory().numTensors;
  for (let step = 1; step < 4; step++) {
    loss = trainStep({ vae, optimizer }, x, { ...opts, step }).loss;
  }
  const grew = tf.memory().numTensors - before;
  vae.encoder.dispose();
  vae.decoder.dispose();
  optimizer.dispose();
  x.dispose();
  return { loss, grew };
}

/** 1 000 steps of a tiny model: tensors and pool workers before and after. */
function soak(): { tensorsGrew: number; workersGrew: number } {
  const pool = () => {
    const p = (tf.backend() as unknown as {
      wasm: { PThread?: { runningWorkers: unknown[]; unusedWorkers: unknown[] } };
    }).wasm.PThread;
    return (p?.runningWorkers.length ?? 0) + (p?.unusedWorkers.length ?? 0);
  };
  const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 2, seed: 3 });
  const x = tf.tidy(() => tf.round(tf.randomUniform([8, 4, 4, 1], 0, 1, "float32", 4)));
  const optimizer = fusedAdam({ learningRate: 1e-3 });
  const opts = { objective: "beta-tcvae" as const, estimator: "mss" as const, datasetSize: 100 };
  trainStep({ vae, optimizer }, x, { ...opts, step: 0 });
  const tensors = tf.memory().numTensors, workers = pool();
  for (let step = 1; step <= 1000; step++) trainStep({ vae, optimizer }, x, { ...opts, step });
  const out = { tensorsGrew: tf.memory().numTensors - tensors, workersGrew: pool() - workers };
  vae.encoder.dispose();
  vae.decoder.dispose();
  optimizer.dispose();
  x.dispose();
  return out;
}

const soaked = soak();
// Against tf.train.adam on the same backend, so that both see the same gradients.
const big = bigAdam(() => fusedAdam({ learningRate: 0.01 }));
const splitMismatches = splitPasses() + splitScatter() + splitGemm() + splitConv();
const bigReference = bigAdam(() => tf.train.adam(0.01));
const onWasm = { product: product(), moments: adamMoments(), ...losses() };
await useBackend("cpu");
const onCpu = { product: product(), moments: adamMoments(), ...losses() };
console.log(JSON.stringify({
  threads,
  native: native !== null,
  wasmMatMul,
  wasmConv,
  convolutionThreads: convolutions?.threads ?? null,
  loss: onWasm.loss,
  lossCpu: onCpu.loss,
  product: onWasm.product,
  productCpu: onCpu.product,
  moments: onWasm.moments,
  momentsCpu: onCpu.moments,
  simdHelper: helper?.ready() ?? false,
  selectionHelper,
  splitMismatches,
  bigAdamValues: big.reduce((n, a) => n + a.length, 0),
  bigAdamMismatches: mismatches(big, bigReference),
  tensorsGrew: onWasm.grew,
  soakTensorsGrew: soaked.tensorsGrew,
  soakWorkersGrew: soaked.workersGrew,
}));
