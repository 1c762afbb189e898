/**
 * The matrix-product kernels of _native_kernels.ts, on each of their two
 * products (a native BLAS's sgemm, and the library's own SIMD product of
 * _wasm_gemm.ts, which useBackend registers where no BLAS loads), against the
 * wasm backend's own (XNNPACK) kernels: equal to float32 rounding for every
 * transpose combination, batched and broadcast shapes, odd sizes and the
 * fused epilogues, leak-free, and the same β-TCVAE training loss on both
 * reference models. Without a BLAS (or without --allow-ffi) its runs check
 * only the reason for its absence.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import { useBackend } from "../../models/use_backend.ts";
import { betaTcvaeLosses, binaryBatch } from "./_train_losses.ts";
import { loadNativeBlas } from "../../models/_native_blas.ts";
import { nativeKernels, type OriginalMatMulKernels } from "../../models/_native_kernels.ts";
import { heapMemory } from "../../models/_simd_wasm.ts";
import { wasmGemm } from "../../models/_wasm_gemm.ts";

// No native libraries and not the library's product, so the originals below
// are the wasm backend's own kernels.
// (Set only while the backend starts: test files share the process environment.)
Deno.env.set("DISENTANGLE_WASM_GEMM", "off");
const selection = await useBackend("wasm", { native: false });
Deno.env.delete("DISENTANGLE_WASM_GEMM");
assert.equal(selection.wasmMatMul, false);
let reason = "";
const blas = loadNativeBlas({ onUnavailable: (line) => (reason = line) });
const absent = blas === null;
const originals: OriginalMatMulKernels = {
  BatchMatMul: tf.getKernel("BatchMatMul", "wasm")!,
  _FusedMatMul: tf.getKernel("_FusedMatMul", "wasm")!,
};
const gemm = wasmGemm(heapMemory((tf.backend() as unknown as { wasm: never }).wasm));
/** Each product's kernels, and whether it is missing here. */
const providers = [
  { label: "native BLAS", kernels: blas === null ? [] : nativeKernels(blas, originals), absent },
  {
    label: "wasm product",
    kernels: gemm === null ? [] : nativeKernels(gemm, originals),
    absent: gemm === null,
  },
];
/** Whether the wasm heap is shared (the threaded build): the pointers are tested on it. */
const sharedHeap = (tf.backend() as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32
  .buffer instanceof SharedArrayBuffer;
console.log(
  `native BLAS: ${blas === null ? reason : `${blas.library} (${blas.config})`}; wasm heap ${
    sharedHeap ? "SharedArrayBuffer" : "ArrayBuffer"
  }`,
);

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function register(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
  }
}

/**
 * Runs `fn` on the wasm backend with the original kernels and with the native
 * ones, and (unless `withCpu` is false) on the cpu backend, the repository's
 * reference; returns all three.
 * `fn` receives which run it is.
 */
function compare<T>(
  natives: readonly tf.KernelConfig[],
  fn: (run: "original" | "native" | "cpu") => T,
  withCpu = true,
): {
  original: T;
  native: T;
  cpu: T | undefined;
} {
  try {
    tf.setBackend("wasm");
    register(Object.values(originals));
    const original = fn("original");
    register(natives);
    const native = fn("native");
    register(Object.values(originals));
    tf.setBackend("cpu");
    const cpu = withCpu ? fn("cpu") : undefined;
    return { original, native, cpu };
  } finally {
    register(Object.values(originals));
    tf.setBackend("wasm");
  }
}

/** Equal to float32 rounding, relative to the output's scale. */
function assertSame(native: Float32Array, original: Float32Array, label: string): void {
  const scale = Math.max(1, maxAbs(original));
  assertClose(native, original, { atol: 1e-5 * scale, rtol: 1e-5, message: label });
}

/**
 * The values of the tensor `fn` computes, every tensor freed (read outside
 * tf.tidy, which would walk a returned typed array element by element).
 */
function values(fn: () => tf.Tensor): Float32Array {
  const y = tf.tidy(fn);
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

/** Seeded normal values. */
function tensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed);
}

Deno.test("loadNativeBlas: opens the library and reports it, or returns null with a reason", () => {
  if (blas === null) {
    assert.match(reason, /^Cannot load a native BLAS: \S/);
    assert.ok(!reason.includes("\n"), "the reason is one line");
    return;
  }
  assert.ok(blas.library.length > 0);
  assert.ok(Number.isInteger(blas.threads) && blas.threads >= 1);
  assert.equal(typeof blas.config, "string");
});

/** Runs `fn` with DISENTANGLE_BLAS set to `value` (unset for undefined), then restores it. */
function withBlasEnv(value: string | undefined, fn: () => void): void {
  const saved = Deno.env.get("DISENTANGLE_BLAS");
  if (value === undefined) Deno.env.delete("DISENTANGLE_BLAS");
  else Deno.env.set("DISENTANGLE_BLAS", value);
  try {
    fn();
  } finally {
    if (saved === undefined) Deno.env.delete("DISENTANGLE_BLAS");
    else Deno.env.set("DISENTANGLE_BLAS", saved);
  }
}

Deno.test("loadNativeBlas: DISENTANGLE_BLAS=off or a path, missing paths, bad threads", () => {
  assert.throws(() => loadNativeBlas({ threads: 0 }), RangeError);
  if (Deno.permissions.querySync({ name: "env" }).state !== "granted") return;
  const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  const attempt = (options: Parameters<typeof loadNativeBlas>[0] = {}) => {
    let why = "";
    const result = loadNativeBlas({ ...options, onUnavailable: (line) => (why = line) });
    return { result, why };
  };
  withBlasEnv("off", () => {
    const { result, why } = attempt();
    assert.equal(result, null);
    assert.equal(why, "Cannot load a native BLAS: DISENTANGLE_BLAS=off");
  });
  withBlasEnv(undefined, () => {
    const { result, why } = attempt({ paths: ["/nonexistent/libopenblas.so.0"] });
    assert.equal(result, null);
    assert.match(
      why,
      ffi ? /^Cannot load a native BLAS: .*\/nonexistent\/libopenblas\.so\.0/ : /--allow-ffi/,
    );
  });
  withBlasEnv("/nonexistent/libblas.so", () => {
    // The variable replaces the paths, even working ones.
    const { result, why } = attempt({ paths: blas === null ? [] : [blas.library] });
    assert.equal(result, null);
    assert.match(why, ffi ? /DISENTANGLE_BLAS.*\/nonexistent\/libblas\.so/ : /--allow-ffi/);
  });
});

Deno.test({
  name: "sgemm: pointers into ArrayBuffer and SharedArrayBuffer memory, before and after growth",
  ignore: absent,
  fn() {
    for (const shared of [false, true]) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 64, shared });
      let heap = new Float32Array(memory.buffer);
      assert.equal(heap.buffer instanceof SharedArrayBuffer, shared);
      heap.set([1, 2, 3, 4], 0);
      heap.set([5, 6, 7, 8], 8);
      const before = Deno.UnsafePointer.value(Deno.UnsafePointer.of(heap));
      memory.grow(2);
      heap = new Float32Array(memory.buffer);
      const base = Deno.UnsafePointer.of(heap)!;
      assert.equal(Deno.UnsafePointer.value(base), before, "the base address survives growth");
      const out = 2 * 65536; // in the grown part
      blas!.sgemm(
        false,
        false,
        2,
        2,
        2,
        1,
        base,
        2,
        Deno.UnsafePointer.offset(base, 32),
        2,
        0,
        Deno.UnsafePointer.offset(base, out),
        2,
      );
      assert.deepEqual(Array.from(heap.subarray(out / 4, out / 4 + 4)), [19, 22, 43, 50]);
    }
  },
});

for (const provider of providers) {
  Deno.test({
    name: `${provider.label}: BatchMatMul equals wasm for every transpose, odd and batched shapes`,
    ignore: provider.absent,
    fn() {
      const sizes = [1, 3, 17, 65];
      const batches: [number[], number[]][] = [
        [[], []],
        [[1], [1]],
        [[3], [3]],
        [[4], []],
        [[], [4]],
        [[4], [1]],
        [[1], [4]],
        [[2, 3], [2, 3]],
        [[2, 3], []],
        [[3, 1], [3]], // true broadcasting, which the original kernel gets wrong
        [[2, 1], [1, 3]],
      ];
      let seed = 1;
      for (const [outerA, outerB] of batches) {
        const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
        const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
        // Where the original kernel is wrong, its reference gets operands broadcast beforehand.
        const trivial = [outerA, outerB].every((o) => size(o) === 1 || size(o) === size(outer));
        for (const m of sizes) {
          for (const k of sizes) {
            for (const n of [1, 17]) {
              for (const transposeA of [false, true]) {
                for (const transposeB of [false, true]) {
                  const a = tensor([...outerA, ...(transposeA ? [k, m] : [m, k])], seed++);
                  const b = tensor([...outerB, ...(transposeB ? [n, k] : [k, n])], seed++);
                  const label = `a${JSON.stringify(a.shape)} b${
                    JSON.stringify(b.shape)
                  } tA ${transposeA} tB ${transposeB}`;
                  const full = (x: tf.Tensor) =>
                    tf.broadcastTo(x, [...outer, ...x.shape.slice(-2)]);
                  const shapes: number[][] = [];
                  const { original, native } = compare(provider.kernels, (run) =>
                    values(() => {
                      const y = run === "native" || trivial
                        ? tf.matMul(a, b, transposeA, transposeB)
                        : tf.matMul(full(a), full(b), transposeA, transposeB);
                      shapes.push(y.shape);
                      return y;
                    }), false);
                  assert.deepEqual(shapes[1], shapes[0], label);
                  assertSame(native, original, label);
                  tf.dispose([a, b]);
                }
              }
            }
          }
        }
      }
    },
  });

  Deno.test({
    name: `${provider.label}: BatchMatMul on large products (the models' shapes) and empty ones`,
    ignore: provider.absent,
    fn() {
      const cases: [number[], number[], boolean, boolean][] = [
        [[64, 4096], [4096, 1200], false, false],
        [[64, 4096], [64, 1200], true, false],
        [[64, 1200], [4096, 1200], false, true],
        [[1200, 64], [4096, 1200], true, true],
        [[8, 65, 33], [8, 33, 129], false, false],
        [[0, 5], [5, 3], false, false],
        [[4, 0], [0, 3], false, false],
      ];
      for (const [sa, sb, ta, tb] of cases) {
        const a = tensor(sa, 7), b = tensor(sb, 8);
        const label = `a${JSON.stringify(sa)} b${JSON.stringify(sb)} tA ${ta} tB ${tb}`;
        const empty = a.size === 0 || b.size === 0;
        const { original, native, cpu } = compare(
          provider.kernels,
          () => values(() => tf.matMul(a, b, ta, tb)),
          empty,
        );
        // With K = 0 the original leaves the output unwritten (XNNPACK refuses the product).
        assertSame(native, empty ? cpu! : original, label);
        tf.dispose([a, b]);
      }
    },
  });

  Deno.test({
    name: `${provider.label}: _FusedMatMul equals wasm with bias and every activation`,
    ignore: provider.absent,
    fn() {
      const activations = [
        "linear",
        "relu",
        "relu6",
        "elu",
        "sigmoid",
        "leakyrelu",
        "prelu",
      ] as const;
      let seed = 100;
      for (const activation of activations) {
        for (
          const [batch, m, k, n] of [[1, 1, 1, 1], [1, 3, 17, 65], [1, 65, 3, 17], [3, 17, 65, 3]]
        ) {
          for (const transposeA of [false, true]) {
            for (const transposeB of [false, true]) {
              for (const withBias of [false, true]) {
                const a = tf.mul(tensor([batch, ...(transposeA ? [k, m] : [m, k])], seed++), 3);
                const b = tensor([batch, ...(transposeB ? [n, k] : [k, n])], seed++);
                const bias = withBias ? tf.mul(tensor([n], seed++), 4) : undefined;
                const preluActivationWeights = activation === "prelu"
                  ? tensor([n], seed++)
                  : undefined;
                const label =
                  `${activation} [${batch}, ${m}, ${k}, ${n}] tA ${transposeA} tB ${transposeB} bias ${withBias}`;
                const { original, native, cpu } = compare(
                  provider.kernels,
                  () =>
                    values(() =>
                      tf.fused.matMul({
                        a,
                        b,
                        transposeA,
                        transposeB,
                        bias,
                        activation,
                        preluActivationWeights,
                        leakyreluAlpha: 0.3,
                      })
                    ),
                );
                assertSame(native, cpu!, `${label} (against cpu)`);
                // tfjs 4.22's wasm kernel adds the bias wrongly to a transposed product and
                // gets batched products wrong with a bias or an activation.
                const epilogue = withBias || activation !== "linear";
                const originalRight = (batch === 1 || !epilogue) &&
                  (!withBias || (!transposeA && !transposeB));
                if (originalRight) assertSame(native, original, label);
                tf.dispose([a, b, bias, preluActivationWeights].filter((t) => t !== undefined));
              }
            }
          }
        }
      }
    },
  });

  Deno.test({
    name: `${provider.label}: no tensor or wasm buffer grows, forward and backward`,
    ignore: provider.absent,
    fn() {
      const a = tensor([2, 17, 65], 1), b = tensor([65, 3], 2), bias = tensor([3], 3);
      register(provider.kernels);
      const backend = tf.findBackend("wasm") as unknown as { numDataIds(): number };
      try {
        const run = () =>
          tf.tidy(() => {
            const [ga, gb, gc] = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
              tf.sum(tf.fused.matMul({ a: x, b: w, bias: c, activation: "elu" }))
            )([tf.reshape(a, [34, 65]), b, bias]);
            const y = tf.matMul(a, b);
            const yt = tf.matMul(b, a, true, true);
            return [ga, gb, gc, y, yt].map((t) => t.dataSync()[0]);
          });
        run();
        const tensors = tf.memory().numTensors, ids = backend.numDataIds();
        for (let i = 0; i < 3; i++) run();
        assert.equal(tf.memory().numTensors, tensors);
        assert.equal(backend.numDataIds(), ids);
      } finally {
        register(Object.values(originals));
        tf.dispose([a, b, bias]);
      }
    },
  });

  for (const arch of ["locatello-mlp", "burgess"]) {
    Deno.test({
      name: `${provider.label}: trainStep (β-TCVAE, MSS) on ${arch}: the same losses as on XNNPACK`,
      ignore: provider.absent,
      fn() {
        const x = binaryBatch();
        const { original, native } = compare(
          provider.kernels,
          () => betaTcvaeLosses(arch, x, 2),
          false,
        );
        x.dispose();
        assertClose(native, original, { atol: 0, rtol: 1e-4, message: arch });
      },
    });
  }
}
