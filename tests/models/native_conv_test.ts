/**
 * The convolution kernels on each of oneDNN and the library's own SIMD product
 * (_wasm_conv_kernels.ts, which useBackend registers where oneDNN does not
 * load) against the wasm backend's XNNPACK-based kernels and the cpu backend
 * (the reference): equal to float32 rounding for forward
 * convolutions (strides, paddings, dilations, odd shapes, fused bias and
 * ReLU), their data and filter gradients and transposed convolutions;
 * fallbacks for what they do not cover; leak-free; and the same β-TCVAE
 * training losses on the conv model. Without the library (or without
 * --allow-ffi) only the reason for its absence is checked.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import { useBackend } from "../../models/use_backend.ts";
import { betaTcvaeLosses, binaryBatch } from "./_train_losses.ts";
import { loadNativeDnnl } from "../../models/_native_dnnl.ts";
import { loadNativeBlas } from "../../models/_native_blas.ts";
import { nativeConvKernels, type OriginalConvKernels } from "../../models/_native_conv_kernels.ts";
import { wasmConvKernels } from "../../models/_wasm_conv_kernels.ts";
import { heapMemory, simdKernels } from "../../models/_simd_wasm.ts";

// The XNNPACK-based kernels are the originals here: no native path, and not
// the library's product either.
// (Set only while the backend starts: test files share the process environment.)
Deno.env.set("DISENTANGLE_WASM_GEMM", "off");
const selection = await useBackend("wasm", { native: false });
Deno.env.delete("DISENTANGLE_WASM_GEMM");
assert.equal(selection.wasmConv, false);
let reason = "";
const dnnl = loadNativeDnnl({ onUnavailable: (line) => (reason = line) });
const absent = dnnl === null;
const originals: OriginalConvKernels = {
  Conv2D: tf.getKernel("Conv2D", "wasm")!,
  FusedConv2D: tf.getKernel("FusedConv2D", "wasm")!,
  Conv2DBackpropInput: tf.getKernel("Conv2DBackpropInput", "wasm")!,
  Conv2DBackpropFilter: tf.getKernel("Conv2DBackpropFilter", "wasm")!,
};
// With OpenBLAS, as useBackend sets them up: transposed convolutions to one channel run on it.
const blas = loadNativeBlas();
const simd = simdKernels(heapMemory((tf.backend() as unknown as { wasm: never }).wasm));
/** Each path's kernels, and whether it is missing here. */
const providers = [
  {
    label: "oneDNN",
    kernels: dnnl === null ? [] : nativeConvKernels(dnnl, originals, { sgemm: blas?.sgemm }),
    absent,
  },
  {
    label: "wasm product",
    kernels: simd === null ? [] : wasmConvKernels(originals),
    absent: simd === null,
  },
];
console.log(`oneDNN: ${dnnl === null ? reason : `${dnnl.library} ${dnnl.version}`}`);
console.log(`one-channel data gradients: ${blas === null ? "oneDNN" : blas.library}`);

function register(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
  }
}

/** Runs `fn` with the original kernels, with the native ones, and on the cpu backend. */
function compare<T>(
  natives: readonly tf.KernelConfig[],
  fn: () => T,
  withCpu = true,
): { original: T; native: T; cpu?: T } {
  try {
    tf.setBackend("wasm");
    register(Object.values(originals));
    const original = fn();
    register(natives);
    const native = fn();
    register(Object.values(originals));
    if (!withCpu) return { original, native };
    tf.setBackend("cpu");
    return { original, native, cpu: fn() };
  } finally {
    register(Object.values(originals));
    tf.setBackend("wasm");
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Equal to float32 rounding of a sum of `terms` products, relative to the output's scale. */
function assertSame(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  const scale = Math.max(1, maxAbs(expected));
  assertClose(actual, expected, { atol: 2e-6 * scale, rtol: 1e-5, message: label });
}

/** Seeded values in [-1, 1), built on the current backend. */
function values(shape: number[], seed: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed * 2654435761 >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];

/** The convolution cases: input, filter, strides, padding, dilations. */
const CASES: { x: number[]; w: number[]; s: [number, number]; pad: Pad; d?: [number, number] }[] = [
  { x: [4, 16, 16, 1], w: [4, 4, 1, 8], s: [2, 2], pad: "same" }, // burgess's first layer, smaller
  { x: [3, 8, 8, 6], w: [4, 4, 6, 5], s: [2, 2], pad: "same" },
  { x: [2, 7, 9, 5], w: [3, 2, 5, 4], s: [2, 3], pad: "valid" },
  { x: [1, 5, 5, 3], w: [3, 3, 3, 2], s: [1, 1], pad: "same" },
  { x: [2, 8, 8, 3], w: [5, 5, 3, 6], s: [3, 3], pad: "same" }, // stride past half the kernel
  { x: [2, 9, 7, 2], w: [3, 3, 2, 3], s: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 3, 3, 17], w: [1, 1, 17, 33], s: [1, 1], pad: "valid" },
  { x: [2, 9, 7, 1], w: [3, 3, 1, 5], s: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  // 8k input channels: the wasm product's transposed convolution computes each output phase in place.
  { x: [3, 8, 8, 8], w: [4, 4, 8, 5], s: [2, 2], pad: "same" },
  { x: [2, 9, 7, 16], w: [3, 3, 16, 4], s: [2, 3], pad: "valid" },
  { x: [2, 9, 7, 8], w: [3, 3, 8, 3], s: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 8, 8, 8], w: [1, 1, 8, 3], s: [2, 2], pad: "valid" }, // phases with no tap
  { x: [2, 10, 11, 8], w: [5, 4, 8, 6], s: [3, 2], pad: "same" },
  { x: [2, 11, 11, 4], w: [3, 3, 4, 5], s: [1, 1], pad: "same", d: [2, 2] }, // forward only
];

Deno.test("loadNativeDnnl: opens the library and reports it, or returns null with a reason", () => {
  if (dnnl === null) {
    assert.match(reason, /^Cannot load oneDNN: \S/);
    assert.ok(!reason.includes("\n"), "the reason is one line");
    return;
  }
  assert.match(dnnl.version, /^2\.\d+\.\d+$/);
  assert.ok(Number.isInteger(dnnl.threads) && dnnl.threads >= 1);
});

/** Runs `fn` with DISENTANGLE_DNNL set to `value` (unset for undefined), then restores it. */
function withDnnlEnv(value: string | undefined, fn: () => void): void {
  const saved = Deno.env.get("DISENTANGLE_DNNL");
  if (value === undefined) Deno.env.delete("DISENTANGLE_DNNL");
  else Deno.env.set("DISENTANGLE_DNNL", value);
  try {
    fn();
  } finally {
    if (saved === undefined) Deno.env.delete("DISENTANGLE_DNNL");
    else Deno.env.set("DISENTANGLE_DNNL", saved);
  }
}

Deno.test("loadNativeDnnl: DISENTANGLE_DNNL=off or a path, missing paths, bad threads", () => {
  assert.throws(() => loadNativeDnnl({ threads: 0 }), RangeError);
  assert.throws(() => loadNativeDnnl({ threads: 1.5 }), /positive integer, got 1.5/);
  if (Deno.permissions.querySync({ name: "env" }).state !== "granted") return;
  const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  const attempt = (options: Parameters<typeof loadNativeDnnl>[0] = {}) => {
    let why = "";
    const result = loadNativeDnnl({ ...options, onUnavailable: (line) => (why = line) });
    result?.close();
    return { result, why };
  };
  withDnnlEnv("off", () => {
    const { result, why } = attempt();
    assert.equal(result, null);
    assert.equal(why, "Cannot load oneDNN: DISENTANGLE_DNNL=off");
  });
  withDnnlEnv(undefined, () => {
    const { result, why } = attempt({ paths: ["/nonexistent/libdnnl.so.2"] });
    assert.equal(result, null);
    assert.match(
      why,
      ffi ? /^Cannot load oneDNN: .*\/nonexistent\/libdnnl\.so\.2.*libdnnl2/ : /--allow-ffi/,
    );
  });
  withDnnlEnv("/nonexistent/other.so", () => {
    // The variable replaces the paths, even working ones.
    const { result, why } = attempt({ paths: dnnl === null ? [] : [dnnl.library] });
    assert.equal(result, null);
    assert.match(why, ffi ? /DISENTANGLE_DNNL.*\/nonexistent\/other\.so/ : /--allow-ffi/);
  });
  // A library without the oneDNN symbols is refused with the path named.
  if (ffi) {
    const { result, why } = attempt({ paths: ["libc.so.6"] });
    assert.equal(result, null);
    assert.match(why, /libc\.so\.6/);
  }
});

for (const provider of providers) {
  Deno.test({
    name:
      `${provider.label}: Conv2D and its gradients, conv2dTranspose equal the cpu backend and XNNPACK`,
    ignore: provider.absent,
    fn() {
      let seed = 1;
      for (const { x: xShape, w: wShape, s, pad, d } of CASES) {
        const label = `x ${xShape} w ${wShape} s ${s} pad ${JSON.stringify(pad)} d ${d ?? 1}`;
        const xv = values(xShape, seed++), wv = values(wShape, seed++);
        const { original, native, cpu } = compare(provider.kernels, () =>
          tf.tidy(() => {
            const x = tf.tensor4d(xv, xShape as [number, number, number, number]);
            const w = tf.tensor4d(wv, wShape as [number, number, number, number]);
            const y = tf.conv2d(x, w, s, pad, "NHWC", d ?? 1);
            if (d !== undefined) return [y.dataSync() as Float32Array];
            const dy = tf.tensor4d(values(y.shape, 99), y.shape);
            const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dy))
            )([x, w]);
            const t = tf.conv2dTranspose(dy, w, xShape as [number, number, number, number], s, pad);
            return [y, gx, gw, t].map((v) => v.dataSync() as Float32Array);
          }));
        const names = ["forward", "data gradient", "filter gradient", "transposed"];
        native.forEach((v, i) => {
          assertSame(v, cpu![i], `${label} ${names[i]} (against cpu)`);
          assertSame(v, original[i], `${label} ${names[i]} (against wasm)`);
        });
      }
      if (provider.label === "oneDNN") {
        assert.ok(dnnl!.implementations().length > 0, "primitives were created");
      }
    },
  });

  Deno.test({
    name:
      `${provider.label}: FusedConv2D equals the cpu backend with and without bias, linear and ReLU`,
    ignore: provider.absent,
    fn() {
      let seed = 50;
      for (const { x: xShape, w: wShape, s, pad } of CASES.slice(0, 5)) {
        for (const activation of ["linear", "relu", "elu"] as const) {
          for (const withBias of [false, true]) {
            const label = `x ${xShape} w ${wShape} ${activation} bias ${withBias}`;
            const xv = values(xShape, seed++), wv = values(wShape, seed++);
            const bv = values([wShape[3]], seed++);
            const { native, cpu } = compare(provider.kernels, () =>
              tf.tidy(() =>
                tf.fused.conv2d({
                  x: tf.tensor4d(xv, xShape as [number, number, number, number]),
                  filter: tf.tensor4d(wv, wShape as [number, number, number, number]),
                  strides: s,
                  pad,
                  bias: withBias ? tf.tensor1d(bv) : undefined,
                  activation,
                }).dataSync() as Float32Array
              ));
            assertSame(native, cpu!, label);
          }
        }
      }
    },
  });

  Deno.test({
    name: `${provider.label}: convolutions fall back to the originals for what they do not cover`,
    ignore: provider.absent,
    fn() {
      // PReLU and activations other than ReLU go to the original kernels, with the same results.
      const x = tf.tensor4d(values([1, 5, 5, 2], 7), [1, 5, 5, 2]);
      const w = tf.tensor4d(values([3, 3, 2, 3], 8), [3, 3, 2, 3]);
      const { original, native } = compare(provider.kernels, () =>
        tf.tidy(() =>
          [
            tf.fused.conv2d({
              x,
              filter: w,
              strides: 1,
              pad: "same",
              activation: "prelu",
              preluActivationWeights: tf.tensor1d([0.1, 0.2, 0.3]),
            }),
            tf.fused.conv2d({ x, filter: w, strides: 2, pad: "same", activation: "sigmoid" }),
          ].map((t) => Array.from(t.dataSync()))
        ), false);
      assert.deepEqual(native, original);
      // tfjs's own errors for bad shapes still come through.
      register(provider.kernels);
      try {
        assert.throws(() => tf.conv2d(x, tf.ones([3, 3, 4, 1]) as tf.Tensor4D, 1, "same"), /depth/);
      } finally {
        register(Object.values(originals));
      }
      tf.dispose([x, w]);
    },
  });

  Deno.test({
    name: `${provider.label}: no tensor or wasm buffer grows, forward and backward`,
    ignore: provider.absent,
    fn() {
      const x = tf.tensor4d(values([2, 8, 8, 3], 1), [2, 8, 8, 3]);
      const w = tf.tensor4d(values([4, 4, 3, 5], 2), [4, 4, 3, 5]);
      const w8 = tf.tensor4d(values([4, 4, 8, 5], 3), [4, 4, 8, 5]); // 8 channels: by phase
      register(provider.kernels);
      const backend = tf.findBackend("wasm") as unknown as { numDataIds(): number };
      try {
        const run = () =>
          tf.tidy(() => {
            const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")))
            )([x, w]);
            const t = tf.conv2dTranspose(
              tf.ones([2, 4, 4, 5]) as tf.Tensor4D,
              w,
              [2, 8, 8, 3],
              2,
              "same",
            );
            const one = tf.conv2dTranspose( // to one channel: the product-and-scatter path
              tf.ones([2, 4, 4, 5]) as tf.Tensor4D,
              tf.ones([4, 4, 1, 5]) as tf.Tensor4D,
              [2, 8, 8, 1],
              2,
              "same",
            );
            const phases = tf.conv2dTranspose(
              tf.ones([2, 4, 4, 5]) as tf.Tensor4D,
              w8,
              [2, 8, 8, 8],
              2,
              "same",
            );
            return [gx, gw, t, one, phases].map((v) => v.dataSync()[0]);
          });
        run();
        const tensors = tf.memory().numTensors, ids = backend.numDataIds();
        for (let i = 0; i < 3; i++) run();
        assert.equal(tf.memory().numTensors, tensors);
        assert.equal(backend.numDataIds(), ids);
      } finally {
        register(Object.values(originals));
        tf.dispose([x, w, w8]);
      }
    },
  });

  Deno.test({
    name: `${provider.label}: trainStep (β-TCVAE, MSS) on burgess: the same losses as on XNNPACK`,
    ignore: provider.absent,
    fn() {
      const x = binaryBatch();
      const { original, native } = compare(
        provider.kernels,
        () => betaTcvaeLosses("burgess", x, 3),
        false,
      );
      x.dispose();
      assertClose(native, original, { atol: 0, rtol: 1e-4, message: "burgess" });
    },
  });
}

Deno.test({
  name: "useBackend: the summary names oneDNN for convolutions, or says why not",
  async fn() {
    const script = `
      import { useBackend } from "${new URL("../../models/use_backend.ts", import.meta.url).href}";
      const s = await useBackend("wasm");
      console.log(JSON.stringify({ summary: s.summary, convolutions: s.convolutions, why: s.convolutionsReason }));
    `;
    const run = async (env: Record<string, string>) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", script],
        env: { DISENTANGLE_WASM_GEMM: "on", ...env, NO_COLOR: "1" },
        cwd: new URL("../..", import.meta.url).pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    };
    const off = await run({ DISENTANGLE_DNNL: "off" });
    assert.equal(off.convolutions, null);
    assert.equal(off.why, "DISENTANGLE_DNNL=off");
    assert.match(
      off.summary,
      /convolutions on the library's SIMD kernel \((fused multiply-add|multiply then add); DISENTANGLE_DNNL=off\)/,
    );
    const xnnpack = await run({ DISENTANGLE_DNNL: "off", DISENTANGLE_WASM_GEMM: "off" });
    assert.match(xnnpack.summary, /convolutions on XNNPACK \(DISENTANGLE_DNNL=off\)/);
    const on = await run({});
    if (absent) assert.match(on.summary, /convolutions on the library's SIMD kernel/);
    else {
      assert.match(on.summary, /oneDNN 2\.\d+\.\d+ \(\d threads?\) for convolutions/);
      assert.equal(on.convolutions.version, dnnl!.version);
    }
  },
});
