/**
 * `BatchMatMul` and `_FusedMatMul` for the wasm backend on a product that
 * works in the wasm heap in place: a native BLAS's `cblas_sgemm`
 * ({@link loadNativeBlas}), or the library's own SIMD product
 * (`wasmGemm` of _wasm_gemm.ts, where no BLAS loads). It reads both operands
 * and writes the product where they lie, transposed operands included (no
 * transposes materialised), one call per batch entry, or one call for a whole
 * batch against a shared right operand; scratch the product asks for is a
 * heap buffer for the call. `_FusedMatMul` seeds the output with
 * the bias and lets sgemm accumulate onto it (β = 1), then applies the
 * activation in one loop over the heap.
 *
 * Batch axes broadcast as in NumPy, also where neither operand's batch is 1
 * or full (a [2, 1, M, K] by a [1, 3, K, N]), which tfjs 4.22's wasm kernel
 * gets wrong (it leaves output entries unwritten), as it does products with
 * K = 0 (which are zeros). Its `_FusedMatMul` also adds the bias wrongly to a
 * transposed product and gets batched products wrong with a bias or an
 * activation; here the result equals the cpu backend's in
 * every case.
 *
 * Cases left to the original kernels: non-float32 operands, shapes that do
 * not fit (for tfjs's own error), products below `minMultiplyAdds`, biases or
 * PReLU weights that do not repeat along the output's trailing axes, and
 * activations not listed in {@link ACTIVATIONS}.
 *
 * Convolutions stay on the existing XNNPACK kernels. im2col (in JS, on the
 * heap) plus sgemm was measured on burgess's layers (batch 64, 4×4 stride 2,
 * 2 threads): forward 6.3 ms against 1.9 ms (64×64×1 → 32 filters), 14.3
 * against 6.7 ms (32×32×32 → 32), 3.8 against 3.5 ms, 1.75 against 2.2 ms;
 * filter gradients 5.7 against 4.6 ms, 13.1 against 13.7 ms, 3.9 against 6.3
 * ms, 2.0 against 2.5 ms. sgemm is slow with few output channels (N = 32) and
 * the im2col copy costs as much again: at most ~2% of a step to gain.
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeBlas } from "./_native_blas.ts";
import { heapMemory } from "./_simd_wasm.ts";
import type { HeapGemm, HeapProduct } from "./_wasm_gemm.ts";

/** The part of the wasm backend these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
  wasm: {
    HEAPF32: Float32Array;
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
}

/** The original kernels to fall back to, by name (as from `tf.getKernel(name, "wasm")`). */
export interface OriginalMatMulKernels {
  /** The wasm backend's `BatchMatMul`. */
  BatchMatMul: tf.KernelConfig;
  /** The wasm backend's `_FusedMatMul`. */
  _FusedMatMul: tf.KernelConfig;
}

/** Options of {@link nativeKernels}. */
export interface NativeKernelsOptions {
  /**
   * Products with fewer multiply-adds (batch·M·N·K) run on the original kernel.
   * @default 0: measured, sgemm is faster at every size (a 4×4×4 product takes
   *   ~4 µs against ~16 µs, 64×64×64 ~7 µs against ~11 µs, on OpenBLAS 0.3.21)
   */
  minMultiplyAdds?: number;
}

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

function size(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/**
 * Activations applied in place to heap[from, to): x ↦ f(x), with `alpha` the
 * leaky-ReLU slope and `w`/`wAt`/`ws` the PReLU weights (`w[wAt + i mod ws]`).
 */
const ACTIVATIONS: Record<
  string,
  (h: Float32Array, from: number, to: number, alpha: number, wAt: number, ws: number) => void
> = {
  linear: () => {},
  relu: (h, from, to) => {
    for (let i = from; i < to; i++) if (h[i] < 0) h[i] = 0;
  },
  relu6: (h, from, to) => {
    for (let i = from; i < to; i++) {
      const x = h[i];
      if (x < 0) h[i] = 0;
      else if (x > 6) h[i] = 6;
    }
  },
  leakyrelu: (h, from, to, alpha) => {
    for (let i = from; i < to; i++) if (h[i] < 0) h[i] *= alpha;
  },
  prelu: (h, from, to, _alpha, wAt, ws) => {
    for (let i = from, j = 0; i < to; i++, j = j + 1 === ws ? 0 : j + 1) {
      if (h[i] < 0) h[i] *= h[wAt + j];
    }
  },
  elu: (h, from, to) => {
    for (let i = from; i < to; i++) if (h[i] < 0) h[i] = Math.expm1(h[i]);
  },
  sigmoid: (h, from, to) => {
    for (let i = from; i < to; i++) h[i] = 1 / (1 + Math.exp(-h[i]));
  },
};

/** A planned product: shapes checked, output shape and per-batch operand strides. */
interface Plan {
  outShape: number[];
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Batch entries of A and B (1: shared by every output entry). */
  batchA: number;
  batchB: number;
  /** The entry of A and of B each output entry takes, when broadcasting is not trivial. */
  indexA?: Int32Array;
  indexB?: Int32Array;
}

/**
 * For each entry of the broadcast batch shape `outer`, the entry of an operand
 * whose batch shape is `own` (aligned at the right, size-1 axes repeated).
 */
function broadcastIndex(own: readonly number[], outer: readonly number[]): Int32Array {
  const total = size(outer);
  const index = new Int32Array(total);
  const shift = outer.length - own.length;
  for (let i = 0; i < total; i++) {
    let rest = i, at = 0, stride = 1;
    for (let d = outer.length - 1; d >= shift; d--) {
      const coordinate = rest % outer[d];
      rest = (rest - coordinate) / outer[d];
      const dim = own[d - shift];
      if (dim !== 1) at += coordinate * stride;
      stride *= dim;
    }
    index[i] = at;
  }
  return index;
}

/**
 * Plans op(A)·op(B) for the native path, or returns null when the original
 * kernel should run (its own checks then raise tfjs's errors for bad shapes).
 */
function plan(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  minMultiplyAdds: number,
): Plan | null {
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null;
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = size(outerA), batchB = size(outerB);
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = size(outer);
  if (batch * m * n * k < minMultiplyAdds) return null;
  // An operand with every batch entry, or with one, needs no index.
  const indexA = batchA === batch || batchA === 1 ? undefined : broadcastIndex(outerA, outer);
  const indexB = batchB === batch || batchB === 1 ? undefined : broadcastIndex(outerB, outer);
  return { outShape: [...outer, m, n], batch, m, n, k, batchA, batchB, indexA, indexB };
}

/** `cblas_sgemm` of a native BLAS as a {@link HeapGemm}: pointers into the heap, no scratch. */
function blasGemm(blas: NativeBlas): HeapGemm {
  return {
    scratchFloats: () => 0,
    run(_memory, heap, p) {
      const base = Deno.UnsafePointer.of(heap);
      const at = (floats: number) => Deno.UnsafePointer.offset(base!, floats * 4);
      blas.sgemm(
        p.transA,
        p.transB,
        p.m,
        p.n,
        p.k,
        1,
        at(p.a),
        p.lda,
        at(p.b),
        p.ldb,
        p.accumulate ? 1 : 0,
        at(p.c),
        p.ldc,
      );
    },
  };
}

/**
 * The products of a plan on operands and output at float offsets of the
 * heap, adding to what `out` holds when `accumulate` (k > 0; scratch unset).
 */
function products(
  p: Plan,
  aAt: number,
  bAt: number,
  outAt: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): HeapProduct[] {
  const { batch, m, n, k, batchA, batchB, indexA, indexB } = p;
  const lda = transA ? m : k, ldb = transB ? k : n;
  const one = { transA, transB, n, k, lda, ldb, ldc: n, accumulate, scratch: 0 };
  if (batchB === 1 && batchA === batch && batch > 1 && !transA) {
    // Rows of every A entry are contiguous: one product of [batch·M, K] by B.
    return [{ ...one, m: batch * m, a: aAt, b: bAt, c: outAt }];
  }
  return Array.from({ length: batch }, (_, i) => {
    const ai = indexA?.[i] ?? (batchA === 1 ? 0 : i);
    const bi = indexB?.[i] ?? (batchB === 1 ? 0 : i);
    return { ...one, m, a: aAt + ai * m * k, b: bAt + bi * k * n, c: outAt + i * m * n };
  });
}

/**
 * Runs `list` with `gemm`, in heap scratch allocated for the call (before the
 * heap is read: an allocation may grow it). `prepare` runs first, on the heap
 * as it is then.
 */
function runProducts(
  gemm: HeapGemm,
  backend: WasmBackend,
  list: HeapProduct[],
  prepare: (heap: Float32Array) => void,
): Float32Array {
  const floats = list.reduce((most, q) => Math.max(most, gemm.scratchFloats(q)), 0);
  const scratch = floats > 0 ? backend.makeOutput([floats], "float32") : null;
  try {
    const heap = backend.wasm.HEAPF32;
    prepare(heap);
    const memory = heapMemory(backend.wasm);
    const at = scratch === null ? 0 : backend.getMemoryOffset(scratch.dataId) >>> 2;
    for (const q of list) gemm.run(memory, heap, { ...q, scratch: at });
    return heap;
  } finally {
    if (scratch !== null) backend.disposeData(scratch.dataId, true);
  }
}

/**
 * Where a tensor repeats along the output's trailing axes: its shape, without
 * leading ones, is a suffix of the output shape (or it has one element).
 * Returns its size, or 0 when it does not repeat that way.
 */
function trailingRepeat(shape: readonly number[], outShape: readonly number[]): number {
  const s = size(shape);
  if (s === 1) return 1;
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const core = shape.slice(start);
  if (core.length > outShape.length) return 0;
  const tail = outShape.slice(outShape.length - core.length);
  return core.every((d, i) => d === tail[i]) ? s : 0;
}

/** Fills heap[at, at + total) with repeats of heap[from, from + s). */
function repeatInto(heap: Float32Array, from: number, s: number, at: number, total: number): void {
  if (s === 1) {
    heap.fill(heap[from], at, at + total);
    return;
  }
  heap.copyWithin(at, from, from + s);
  let filled = s;
  while (filled < total) {
    const chunk = Math.min(filled, total - filled);
    heap.copyWithin(at + filled, at, at + chunk);
    filled += chunk;
  }
}

/**
 * Kernel configs for the wasm backend's `BatchMatMul` and `_FusedMatMul` that
 * compute the product with the native BLAS's `sgemm` on the wasm heap and
 * fall back to `originals` for the cases they do not cover (see the module
 * notes). Register them in place of the originals:
 * `tf.unregisterKernel(name, "wasm"); tf.registerKernel(config)`.
 *
 * @param blas a library from {@link loadNativeBlas}, or a product on the heap (`wasmGemm`).
 * @param originals the kernels in use now, from `tf.getKernel(name, "wasm")`.
 * @param options the smallest product computed natively.
 * @returns the two kernel configs.
 * @throws {TypeError} when an original kernel is missing.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { loadNativeBlas } from "./_native_blas.ts";
 * import { nativeKernels } from "./_native_kernels.ts";
 * import { useBackend } from "./use_backend.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("wasm");
 * const blas = loadNativeBlas();
 * if (blas !== null) {
 *   const originals = {
 *     BatchMatMul: tf.getKernel("BatchMatMul", "wasm")!,
 *     _FusedMatMul: tf.getKernel("_FusedMatMul", "wasm")!,
 *   };
 *   const kernels = nativeKernels(blas, originals);
 *   for (const k of kernels) {
 *     tf.unregisterKernel(k.kernelName, "wasm");
 *     tf.registerKernel(k);
 *   }
 *   const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
 *   assert.equal(y.dataSync()[0], 64);
 *   for (const k of Object.values(originals)) {
 *     tf.unregisterKernel(k.kernelName, "wasm");
 *     tf.registerKernel(k);
 *   }
 * }
 * ```
 */
export function nativeKernels(
  blas: NativeBlas | HeapGemm,
  originals: OriginalMatMulKernels,
  options: NativeKernelsOptions = {},
): tf.KernelConfig[] {
  const { minMultiplyAdds = 0 } = options;
  const gemm = "sgemm" in blas ? blasGemm(blas) : blas;
  const { BatchMatMul: matMul, _FusedMatMul: fusedMatMul } = originals ?? {};
  if (matMul?.kernelFunc === undefined || fusedMatMul?.kernelFunc === undefined) {
    throw new TypeError(
      "Cannot build the native kernels: originals must hold the BatchMatMul and _FusedMatMul kernels",
    );
  }

  const batchMatMul = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA = false, transposeB = false } = (args.attrs ?? {}) as {
      transposeA?: boolean;
      transposeB?: boolean;
    };
    const p = plan(a, b, transposeA, transposeB, minMultiplyAdds);
    if (p === null) return matMul.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(p.outShape, "float32");
    if (size(p.outShape) === 0) return out;
    const outAt = backend.getMemoryOffset(out.dataId) >>> 2;
    if (p.k === 0) {
      backend.wasm.HEAPF32.fill(0, outAt, outAt + size(p.outShape));
      return out;
    }
    const list = products(
      p,
      backend.getMemoryOffset(a.dataId) >>> 2,
      backend.getMemoryOffset(b.dataId) >>> 2,
      outAt,
      transposeA,
      transposeB,
      false,
    );
    runProducts(gemm, backend, list, () => {});
    return out;
  };

  const fused = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b, bias, preluActivationWeights: prelu } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const {
      transposeA = false,
      transposeB = false,
      activation = "linear",
      leakyreluAlpha = 0.2,
    } = (args.attrs ?? {}) as {
      transposeA?: boolean;
      transposeB?: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    const act = ACTIVATIONS[activation];
    const p = a && b ? plan(a, b, transposeA, transposeB, minMultiplyAdds) : null;
    if (p === null || act === undefined) return fusedMatMul.kernelFunc(args);
    const biasSize = bias == null ? 0 : trailingRepeat(bias.shape, p.outShape);
    const preluSize = prelu == null ? 0 : trailingRepeat(prelu.shape, p.outShape);
    if (
      (bias != null && (biasSize === 0 || bias.dtype !== "float32")) ||
      (activation === "prelu" && (preluSize === 0 || prelu!.dtype !== "float32"))
    ) {
      return fusedMatMul.kernelFunc(args);
    }
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(p.outShape, "float32");
    const total = size(p.outShape);
    if (total === 0) return out;
    const outAt = backend.getMemoryOffset(out.dataId) >>> 2;
    const seed = (heap: Float32Array) => {
      if (bias != null) {
        repeatInto(heap, backend.getMemoryOffset(bias.dataId) >>> 2, biasSize, outAt, total);
      } else if (p.k === 0) heap.fill(0, outAt, outAt + total);
    };
    const list = p.k === 0 ? [] : products(
      p,
      backend.getMemoryOffset(a!.dataId) >>> 2,
      backend.getMemoryOffset(b!.dataId) >>> 2,
      outAt,
      transposeA,
      transposeB,
      bias != null,
    );
    // The heap after the scratch allocation, which may have grown it.
    const heap = runProducts(gemm, backend, list, seed);
    const wAt = activation === "prelu" ? backend.getMemoryOffset(prelu!.dataId) >>> 2 : 0;
    act(heap, outAt, outAt + total, leakyreluAlpha, wAt, preluSize);
    return out;
  };

  return [
    { ...matMul, kernelFunc: batchMatMul as unknown as tf.KernelFunc },
    { ...fusedMatMul, kernelFunc: fused as unknown as tf.KernelFunc },
  ];
}
