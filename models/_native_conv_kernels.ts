/**
 * `Conv2D`, `FusedConv2D`, `Conv2DBackpropInput` and `Conv2DBackpropFilter`
 * for the wasm backend on oneDNN ({@link loadNativeDnnl}): each is one
 * primitive reading and writing the wasm heap in place (NHWC activations,
 * [KH, KW, Ci, Co] filters). `Conv2DBackpropInput` is also conv2dTranspose's
 * forward pass, so the decoder's transposed convolutions run on it too.
 *
 * Measured on burgess's layers (batch 64, 4×4 stride 2, 2 threads, AVX-512,
 * the 2-core CI kind of machine while other work ran, 2026-12-03): the
 * forward convolution of 32×32×32 → 32 channels takes ~3.4 ms against
 * ~10 ms on XNNPACK; forward, data and filter gradient together ~11 ms
 * against ~45 ms on the wasm kernels.
 *
 * Cases left to the original kernels: non-float32 operands, NCHW, shapes
 * tfjs itself would reject (its error then comes from the original), empty
 * tensors, `FusedConv2D` with an activation other than linear or ReLU or
 * with PReLU weights or a bias that is not one value per output channel, and
 * any shape oneDNN has no primitive for.
 *
 * With a native `sgemm` given, `Conv2DBackpropInput` into one channel (a
 * transposed convolution to one channel) runs as a product and a scatter
 * instead ({@link oneChannelDataGradient}), which is 2.8× faster there.
 */
import * as tf from "@tensorflow/tfjs";
import type { ConvKind, ConvShape, NativeDnnl } from "./_native_dnnl.ts";
import type { Sgemm } from "./_native_blas.ts";
import { oneChannelDataGradient, type TapAddition } from "./_one_channel_data_gradient.ts";
import { heapMemory, simdKernels } from "./_simd_wasm.ts";
import { alongside, helperFor } from "./_simd_helper.ts";

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

/**
 * The scatter's tap additions on the library's wasm function, with dx and
 * the planes at heap byte offsets `dxAt` and `planesAt`; the upper half of
 * the images on the heap's helper thread when there is one and dx is large.
 * Returns undefined where the function is not available (the JavaScript loop
 * then runs).
 */
export function heapAccumulate(
  memory: WebAssembly.Memory | undefined,
  dxAt: number,
  planesAt: number,
  dxBytes: number,
): ((taps: readonly TapAddition[]) => void) | undefined {
  const simd = simdKernels(memory);
  if (simd === null) return undefined;
  const args = (t: TapAddition, from: number, images: number) => [
    planesAt + 4 * (t.from + from * t.fromImage),
    dxAt + 4 * (t.into + from * t.intoImage),
    images,
    t.rows,
    t.count,
    4 * t.fromImage,
    4 * t.fromRow,
    4 * t.intoImage,
    4 * t.intoRow,
    4 * t.step,
  ];
  const run = (a: number[]) => simd.stridedAdd(...(a as Parameters<typeof simd.stridedAdd>));
  return (taps) => {
    const images = taps[0]?.images ?? 0, low = images >> 1;
    const helper = low === 0 ? null : helperFor(memory, dxBytes);
    if (helper === null) {
      for (const t of taps) run(args(t, 0, images));
      return;
    }
    // Images split evenly; each dx element is still added in tap order.
    alongside(
      helper,
      taps.map((t) => ({ kernel: "stridedAdd", args: args(t, low, images - low) })),
      () => taps.forEach((t) => run(args(t, 0, low))),
      (task) => run([...task.args]),
    );
  };
}

/** The kernels to fall back to, by name (the wasm backend's, as registered now). */
export interface OriginalConvKernels {
  /** The wasm backend's `Conv2D`. */
  Conv2D: tf.KernelConfig;
  /** The wasm backend's `FusedConv2D`. */
  FusedConv2D: tf.KernelConfig;
  /** The wasm backend's `Conv2DBackpropInput`. */
  Conv2DBackpropInput: tf.KernelConfig;
  /** The wasm backend's `Conv2DBackpropFilter`. */
  Conv2DBackpropFilter: tf.KernelConfig;
}

/** Options of {@link nativeConvKernels}. */
export interface NativeConvKernelsOptions {
  /**
   * A row-major `cblas_sgemm` ({@link loadNativeBlas}) for the data gradient
   * into one channel; without it oneDNN computes that too.
   * @default undefined
   */
  sgemm?: Sgemm;
}

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function size(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/**
 * oneDNN's description of a convolution of an input of `xShape` by a filter
 * of `filterShape`, or null when tfjs would reject it or it is not one this
 * path computes (NCHW, empty). Also the plan of _wasm_conv_kernels.ts.
 */
export function convShape(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
  dilations: number | [number, number],
): { shape: ConvShape; outShape: number[] } | null {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") return null;
  if (xShape.length !== 4 || filterShape.length !== 4 || xShape[3] !== filterShape[2]) return null;
  let info: tf.backend_util.Conv2DInfo;
  try {
    info = tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      attrs.strides,
      dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
  } catch {
    return null;
  }
  const { padInfo: p } = info;
  if (size(xShape) === 0 || size(filterShape) === 0 || size(info.outShape) === 0) return null;
  if (p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0) return null;
  return {
    shape: {
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
      dilationH: info.dilationHeight,
      dilationW: info.dilationWidth,
      top: p.top,
      bottom: p.bottom,
      left: p.left,
      right: p.right,
    },
    outShape: [...info.outShape],
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Kernel configs for the wasm backend's convolutions on oneDNN, falling back
 * to `originals` for the cases they do not cover (see the module notes).
 * Register them in place of the originals:
 * `tf.unregisterKernel(name, "wasm"); tf.registerKernel(config)`.
 *
 * @param dnnl a library from {@link loadNativeDnnl}.
 * @param originals the kernels in use now, from `tf.getKernel(name, "wasm")`.
 * @param options an optional `sgemm` for one-channel data gradients.
 * @returns the four kernel configs.
 * @throws {TypeError} when an original kernel is missing.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { loadNativeDnnl } from "./_native_dnnl.ts";
 * import { nativeConvKernels } from "./_native_conv_kernels.ts";
 * import { useBackend } from "./use_backend.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("wasm", { native: false });
 * const dnnl = loadNativeDnnl();
 * if (dnnl !== null) {
 *   const names = ["Conv2D", "FusedConv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"];
 *   const originals = Object.fromEntries(names.map((n) => [n, tf.getKernel(n, "wasm")!]));
 *   const swap = (configs: tf.KernelConfig[]) => {
 *     for (const k of configs) {
 *       tf.unregisterKernel(k.kernelName, "wasm");
 *       tf.registerKernel(k);
 *     }
 *   };
 *   swap(nativeConvKernels(dnnl, originals as never));
 *   const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
 *   const y = tf.conv2d(x, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, "valid");
 *   assert.deepEqual(Array.from(y.dataSync()), [18, 18, 18, 18]);
 *   swap(Object.values(originals));
 *   dnnl.close();
 * }
 * ```
 */
export function nativeConvKernels(
  dnnl: NativeDnnl,
  originals: OriginalConvKernels,
  options: NativeConvKernelsOptions = {},
): tf.KernelConfig[] {
  const { sgemm } = options;
  const {
    Conv2D: conv,
    FusedConv2D: fused,
    Conv2DBackpropInput: input,
    Conv2DBackpropFilter: filter,
  } = originals ?? {};
  if (
    conv?.kernelFunc === undefined || fused?.kernelFunc === undefined ||
    input?.kernelFunc === undefined || filter?.kernelFunc === undefined
  ) {
    throw new TypeError(
      "Cannot build the native convolution kernels: originals must hold the Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter kernels",
    );
  }

  /** Runs `kind` into a new output of `outShape`, or returns null to fall back. */
  const compute = (
    args: KernelArgs,
    kind: ConvKind,
    shape: ConvShape,
    outShape: number[],
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    bias: tf.TensorInfo | null,
  ): tf.TensorInfo | null => {
    const run = dnnl.convolution(kind, shape, bias !== null);
    if (run === null) return null;
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(outShape, "float32");
    const heap = backend.wasm.HEAPF32; // after the allocation, which may grow the heap
    const base = Deno.UnsafePointer.of(heap)!;
    const at = (t: tf.TensorInfo) =>
      Deno.UnsafePointer.offset(base, backend.getMemoryOffset(t.dataId));
    run(at(a), at(b), at(out), bias === null ? null : at(bias));
    return out;
  };

  /** dx into one channel by a product and a scatter, or null to leave it to oneDNN. */
  const oneChannel = (
    args: KernelArgs,
    shape: ConvShape,
    dy: tf.TensorInfo,
    w: tf.TensorInfo,
  ): tf.TensorInfo | null => {
    if (sgemm === undefined || shape.ci !== 1) return null;
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput([shape.n, shape.h, shape.w, 1], "float32");
    // The planes live in the heap too, for the scatter's wasm function, only for this call.
    const planesLength = shape.kh * shape.kw * shape.n * shape.oh * shape.ow;
    const scratch = backend.makeOutput([planesLength], "float32");
    try {
      const heap = backend.wasm.HEAPF32; // after the allocations, which may grow the heap
      const base = Deno.UnsafePointer.of(heap)!;
      const at = (t: tf.TensorInfo) =>
        Deno.UnsafePointer.offset(base, backend.getMemoryOffset(t.dataId));
      const dxAt = backend.getMemoryOffset(out.dataId),
        planesAt = backend.getMemoryOffset(scratch.dataId);
      const dxLength = shape.n * shape.h * shape.w;
      oneChannelDataGradient(sgemm, shape, {
        dy: at(dy),
        filter: at(w),
        dx: heap.subarray(dxAt / 4, dxAt / 4 + dxLength),
        planes: heap.subarray(planesAt / 4, planesAt / 4 + planesLength),
        accumulate: heapAccumulate(heapMemory(backend.wasm), dxAt, planesAt, 4 * dxLength),
      });
    } finally {
      backend.disposeData(scratch.dataId, true);
    }
    return out;
  };

  const floats = (...ts: (tf.TensorInfo | undefined)[]) => ts.every((t) => t?.dtype === "float32");

  const conv2d = (args: KernelArgs) => {
    const { x, filter: w } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const planned = floats(x, w) ? convShape(x.shape, w.shape, attrs, attrs.dilations ?? 1) : null;
    return (planned && compute(args, "forward", planned.shape, planned.outShape, x, w, null)) ??
      conv.kernelFunc(args);
  };

  const fusedConv2d = (args: KernelArgs) => {
    const { x, filter: w, bias, preluActivationWeights: prelu } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
    const activation = attrs.activation ?? "linear";
    const planned = x && w && floats(x, w) && prelu == null &&
        (activation === "linear" || activation === "relu")
      ? convShape(x.shape, w.shape, attrs, attrs.dilations ?? 1)
      : null;
    const biasOk = bias == null || (bias.dtype === "float32" && planned !== null &&
      size(bias.shape) === planned.shape.co && bias.shape.at(-1) === planned.shape.co);
    const kind: ConvKind = activation === "relu" ? "forward-relu" : "forward";
    return (planned && biasOk &&
      compute(args, kind, planned.shape, planned.outShape, x!, w!, bias ?? null)) ??
      fused.kernelFunc(args);
  };

  const backpropInput = (args: KernelArgs) => {
    const { dy, filter: w } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const planned = floats(dy, w) ? convShape(attrs.inputShape, w.shape, attrs, 1) : null;
    if (planned === null || !sameShape(planned.outShape, dy.shape)) return input.kernelFunc(args);
    return oneChannel(args, planned.shape, dy, w) ??
      compute(args, "backward-data", planned.shape, [...attrs.inputShape], dy, w, null) ??
      input.kernelFunc(args);
  };

  const backpropFilter = (args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const planned = floats(x, dy) ? convShape(x.shape, attrs.filterShape, attrs, 1) : null;
    return (planned && sameShape(planned.outShape, dy.shape) &&
      compute(args, "backward-weights", planned.shape, [...attrs.filterShape], x, dy, null)) ??
      filter.kernelFunc(args);
  };

  return [
    { ...conv, kernelFunc: conv2d as unknown as tf.KernelFunc },
    { ...fused, kernelFunc: fusedConv2d as unknown as tf.KernelFunc },
    { ...input, kernelFunc: backpropInput as unknown as tf.KernelFunc },
    { ...filter, kernelFunc: backpropFilter as unknown as tf.KernelFunc },
  ];
}
