/**
 * `Conv2D`, `FusedConv2D`, `Conv2DBackpropFilter` and `Conv2DBackpropInput`
 * for the wasm backend on the library's own SIMD product (_simd_sgemm.ts),
 * where no oneDNN computes them. (The filter gradient is described at
 * {@link filterGradient}: 57 against 88 ms on the conv net's largest layer,
 * where the XNNPACK-based kernel repacks all of dy as a filter on every
 * call; the transposed convolution at {@link transposedConvolve}.) Each
 * image's output is one call: its OH·OW output pixels are the rows (in
 * groups of OW, one output row each), the KH·KW·Ci filter taps the K steps
 * (in KH runs of KW·Ci contiguous input floats, one input row each), read in
 * place from the (padded) input, with the filter packed once per call. There
 * is no im2col copy. On the conv net's layers this measured 1.6–2.8×
 * XNNPACK's convolution in tfjs 4.22 (32–35 against 17–21 GFLOP/s on 32
 * channels, and 4.0 against 11.2 ms on the one-channel first layer; one
 * thread, 2-core Xeon, 2026-12-07).
 *
 * Padding is a zero-padded copy of each image in heap scratch, made on the
 * thread that multiplies it just before (_simd_pad.ts). With the SIMD helper
 * thread ready, the upper half of the images runs on it.
 *
 * Left to the original kernels: NCHW, dilations other than 1 (the
 * XNNPACK-based filter gradient's swapped convolution is one), non-float32
 * tensors, shapes tfjs would reject (for its own error), FusedConv2D with an
 * activation other than linear or ReLU, PReLU weights, a bias that is not
 * one value per output channel, or a transposed convolution into fewer than
 * 8 (or not 8k) channels (the stacked phases of _conv2d_backprop_input_wasm.ts,
 * whose convolution still runs here).
 */
import type * as tf from "@tensorflow/tfjs";
import { convShape } from "./_native_conv_kernels.ts";
import type { ConvShape } from "./_native_dnnl.ts";
import { PANEL_COLUMNS, ROW_SCRATCH_BYTES } from "./_simd_sgemm.ts";
import { alongside, type HelperTask, readyHelper, splitPass } from "./_simd_helper.ts";
import { MAX_TASKS } from "./_simd_helper_protocol.ts";
import { heapMemory, type SimdKernels, simdKernels } from "./_simd_wasm.ts";

/** The part of the wasm backend these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
  wasm: Parameters<typeof heapMemory>[0] & { HEAPF32: Float32Array };
}

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

interface ConvAttrs {
  strides: number | [number, number];
  pad: "same" | "valid" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  activation?: string;
}

/** The kernels to fall back to, by name (the wasm backend's, as registered now). */
export interface OriginalWasmConvKernels {
  /** The wasm backend's `Conv2D`. */
  Conv2D: tf.KernelConfig;
  /** The wasm backend's `FusedConv2D`. */
  FusedConv2D: tf.KernelConfig;
  /** The wasm backend's `Conv2DBackpropFilter` (the library's, _conv2d_backprop_filter_wasm.ts). */
  Conv2DBackpropFilter: tf.KernelConfig;
  /** The wasm backend's `Conv2DBackpropInput` (the library's, _conv2d_backprop_input_wasm.ts). */
  Conv2DBackpropInput: tf.KernelConfig;
}

/** Options of {@link wasmConvKernels}. */
export interface WasmConvKernelsOptions {
  /**
   * Whether large convolutions split their images with the SIMD helper
   * thread when it is ready.
   * @default true
   */
  helper?: boolean;
}

/** Multiply-adds of a convolution below which the helper is not worth waking. */
const SPLIT_MULTIPLY_ADDS = 1 << 20;

/**
 * The zero-padded copy of one input image: its row width, whether there is
 * one, its floats, and the floats set aside for it (whole cache lines, so
 * the two threads' copies never share one).
 */
function paddedImage(
  s: ConvShape,
): { wp: number; padded: boolean; imageFloats: number; slotFloats: number } {
  const hp = s.h + s.top + s.bottom, wp = s.w + s.left + s.right;
  const imageFloats = hp * wp * s.ci;
  return {
    wp,
    padded: s.top + s.bottom + s.left + s.right > 0,
    imageFloats,
    slotFloats: Math.ceil(imageFloats / 16) * 16,
  };
}

/**
 * Makes the output (`outShape`) and a heap scratch of `scratchFloats`, runs
 * `fill` on them, and frees the scratch (and the output, if `fill` throws).
 */
function withScratch(
  backend: WasmBackend,
  outShape: number[],
  scratchFloats: number,
  fill: (out: tf.TensorInfo, scratch: tf.TensorInfo) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(outShape, "float32");
  const scratch = backend.makeOutput([scratchFloats], "float32");
  try {
    fill(out, scratch);
    return out;
  } catch (e) {
    backend.disposeData(out.dataId, true);
    throw e;
  } finally {
    backend.disposeData(scratch.dataId, true);
  }
}

/** Runs one task here, on the caller's thread. */
function runTask(simd: SimdKernels, t: HelperTask): void {
  (simd[t.kernel] as (...args: number[]) => void)(...t.args);
}

/**
 * Runs `tasks(b, thread)` for the images b in [0, n), in order: the upper
 * half on the helper (thread 1) when there is one and the work is large
 * enough, the rest here (thread 0).
 */
function splitImages(
  memory: WebAssembly.Memory | undefined,
  simd: SimdKernels,
  n: number,
  multiplyAdds: number,
  split: boolean,
  tasks: (b: number, thread: 0 | 1) => HelperTask[],
): void {
  const half = n >> 1;
  const helper = !split || half === 0 || multiplyAdds < SPLIT_MULTIPLY_ADDS
    ? null
    : readyHelper(memory);
  const here = (from: number, to: number) => {
    for (let b = from; b < to; b++) for (const t of tasks(b, 0)) runTask(simd, t);
  };
  if (helper === null) {
    here(0, n);
    return;
  }
  // The upper images on the helper, at most MAX_TASKS tasks at a time, in order.
  const perImage = tasks(half, 1).length;
  const batch = Math.max(1, Math.floor(MAX_TASKS / perImage));
  for (let from = 0; from < half; from += batch) {
    const count = Math.min(batch, half - from);
    const upper = Array.from({ length: count }, (_, i) => tasks(half + from + i, 1)).flat();
    alongside(helper, upper, () => here(from, from + count), (t) => runTask(simd, t));
  }
  if (n % 2 === 1) here(n - 1, n);
}

/** The padImages task that writes image b of x (at byte xAt) padded as `s` says at `to`. */
function padTask(s: ConvShape, xAt: number, b: number, to: number): HelperTask {
  return {
    kernel: "padImages",
    args: [
      xAt + 4 * b * s.h * s.w * s.ci,
      to,
      1,
      s.h,
      4 * s.w * s.ci,
      s.top,
      s.bottom,
      4 * s.left * s.ci,
      4 * s.right * s.ci,
    ],
  };
}

/**
 * Computes the convolution of x by w (and the bias, and ReLU) into a new
 * output, or returns null where this path does not apply.
 */
function convolve(
  backend: WasmBackend,
  s: ConvShape,
  outShape: number[],
  x: tf.TensorInfo,
  w: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  relu: boolean,
  split: boolean,
): tf.TensorInfo | null {
  const memory = heapMemory(backend.wasm);
  const simd = simdKernels(memory);
  if (simd === null || s.dilationH !== 1 || s.dilationW !== 1) return null;
  const { wp, padded, imageFloats, slotFloats } = paddedImage(s);
  const k = s.kh * s.kw * s.ci;
  const packedFloats = k * Math.ceil(s.co / PANEL_COLUMNS) * PANEL_COLUMNS;
  // The two threads' row scratches, the packed filter, then (with padding)
  // one padded image per thread: each pads an image just before its product.
  return withScratch(
    backend,
    outShape,
    ROW_SCRATCH_BYTES / 4 + packedFloats + (padded ? 2 * slotFloats : 0),
    (out, scratch) => {
      // The heap after the allocations, which may have grown it.
      const heap = backend.wasm.HEAPF32;
      const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
      const scratchAt = at(scratch), packedAt = scratchAt + ROW_SCRATCH_BYTES;
      const padAt = [packedAt + 4 * packedFloats, packedAt + 4 * (packedFloats + slotFloats)];
      const xAt = at(x);
      simd.sgemmPack(at(w), 4 * s.co, 4, k, s.co, packedAt);
      const yAt = at(out), outImage = s.oh * s.ow * s.co;
      // A bias the SIMD pass can add (4·k channels) goes on after the product
      // (acc + bias: the bits of bias + acc), one pass split with the helper;
      // another is the product's starting value, filled here.
      const biasAfter = bias !== null && s.co % 4 === 0;
      if (bias !== null && !biasAfter) {
        const b0 = at(bias) >>> 2, y0 = yAt >>> 2;
        heap.copyWithin(y0, b0, b0 + s.co);
        for (let filled = s.co; filled < s.n * outImage;) {
          const chunk = Math.min(filled, s.n * outImage - filled);
          heap.copyWithin(y0 + filled, y0, y0 + chunk);
          filled += chunk;
        }
      }
      const image = (b: number, thread: 0 | 1): HelperTask[] => {
        const product: HelperTask = {
          kernel: "sgemmPanels",
          args: [
            padded ? padAt[thread] : xAt + 4 * b * imageFloats,
            4 * s.strideW * s.ci,
            4,
            packedAt,
            yAt + 4 * b * outImage,
            4 * s.co,
            4,
            s.oh * s.ow,
            s.co,
            s.kw * s.ci,
            bias === null || biasAfter ? 0 : 1,
            scratchAt + thread * (ROW_SCRATCH_BYTES / 2),
            s.ow,
            4 * s.strideH * wp * s.ci,
            s.kh,
            4 * wp * s.ci,
            4 * s.ow * s.co,
          ],
        };
        return padded ? [padTask(s, xAt, b, padAt[thread]), product] : [product];
      };
      splitImages(memory, simd, s.n, s.n * s.oh * s.ow * k * s.co, split, image);
      const bytes = 4 * s.n * outImage, colBytes = 4 * s.co;
      if (biasAfter) {
        const biasAt = at(bias!);
        const pass = (low: number, n: number) => [yAt + low, biasAt, yAt + low, n, colBytes];
        splitPass(
          memory,
          "biasAdd",
          bytes,
          colBytes,
          pass,
          ([a, b, c, n, w]) => simd.biasAdd(a, b, c, n, w),
        );
      }
      if (relu) {
        splitPass(
          memory,
          "relu",
          bytes,
          16,
          (low, n) => [yAt + low, yAt + low, n],
          ([a, b, n]) => simd.relu(a, b, n),
        );
      }
    },
  );
}

/**
 * The transposed convolution dx = conv(·, W)ᵀ dy (Conv2DBackpropInput: a
 * convolution's data gradient and conv2dTranspose's forward pass) into a new
 * output of `s`'s input shape, or null where this path does not apply. As in
 * _conv2d_backprop_input_wasm.ts, output phase (rh, rw), the pixels h ≡ rh −
 * top (mod sH) and likewise for w, is a stride-1 convolution of dy (padded by
 * the sub-filter's taps less one) with its own ⌈KH/sH⌉×⌈KW/sW⌉ sub-filter.
 * Here each phase is one product per image that computes only its own
 * pixels and writes them in place, every sH-th row and sW-th pixel of dx (C
 * in row groups): no extra border row and column of phase outputs (13–56%
 * more multiply-adds on the conv net's layers) and no interleaving pass
 * after. Each image is padded, then its phases multiplied, on one thread;
 * the helper takes half of the images. Applies to ci % 8 == 0 (full panels:
 * fewer channels waste most of each tile; the stacked path keeps those).
 */
function transposedConvolve(
  backend: WasmBackend,
  s: ConvShape,
  dy: tf.TensorInfo,
  w: tf.TensorInfo,
  split: boolean,
): tf.TensorInfo | null {
  const memory = heapMemory(backend.wasm);
  const simd = simdKernels(memory);
  if (simd === null || s.dilationH !== 1 || s.dilationW !== 1 || s.ci % PANEL_COLUMNS !== 0) {
    return null;
  }
  const { kh, kw, strideH: sh, strideW: sw, ci: c, co } = s;
  const jh = Math.ceil(kh / sh), jw = Math.ceil(kw / sw); // taps per phase
  // Phase rows q of each phase: h = q·sH + r − top; dy padded by jh − 1 above.
  const qh = Math.ceil((s.h + s.top) / sh), qw = Math.ceil((s.w + s.left) / sw);
  const pads: ConvShape = {
    ...s,
    h: s.oh,
    w: s.ow,
    ci: co,
    top: jh - 1,
    bottom: Math.max(0, qh - s.oh),
    left: jw - 1,
    right: Math.max(0, qw - s.ow),
  };
  const { wp, slotFloats } = paddedImage(pads);
  const k = jh * jw * co, phases = sh * sw;
  const packedPhase = k * c; // c is whole panels
  const denseFloats = k * phases * c;
  return withScratch(
    backend,
    [s.n, s.h, s.w, c],
    ROW_SCRATCH_BYTES / 4 + phases * packedPhase + denseFloats + 2 * slotFloats,
    (out, scratch) => {
      const heap = backend.wasm.HEAPF32; // after the allocations, which may grow the heap
      const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
      const scratchAt = at(scratch), packedAt = scratchAt + ROW_SCRATCH_BYTES;
      const denseAt = packedAt + 4 * phases * packedPhase;
      const padAt = [denseAt + 4 * denseFloats, denseAt + 4 * (denseFloats + slotFloats)];
      // The sub-filters side by side, D[(th, tw, o), (rh, rw, ci)] =
      // W[rh + (jh−1−th)·sH, rw + (jw−1−tw)·sW, ci, o] (0 past the filter),
      // then each phase's columns packed.
      const wAt = at(w) >>> 2, d0 = denseAt >>> 2;
      for (let th = 0; th < jh; th++) {
        for (let tw = 0; tw < jw; tw++) {
          for (let o = 0; o < co; o++) {
            const row = d0 + ((th * jw + tw) * co + o) * phases * c;
            for (let rh = 0; rh < sh; rh++) {
              const fh = rh + (jh - 1 - th) * sh;
              for (let rw = 0; rw < sw; rw++) {
                const fw = rw + (jw - 1 - tw) * sw, to = row + (rh * sw + rw) * c;
                if (fh >= kh || fw >= kw) {
                  heap.fill(0, to, to + c);
                  continue;
                }
                const from = wAt + (fh * kw + fw) * c * co + o;
                for (let ch = 0; ch < c; ch++) heap[to + ch] = heap[from + ch * co];
              }
            }
          }
        }
      }
      for (let phase = 0; phase < phases; phase++) {
        simd.sgemmPack(
          denseAt + 4 * phase * c,
          4 * phases * c,
          4,
          k,
          c,
          packedAt + 4 * phase * packedPhase,
        );
      }
      // Each phase's first phase row and column inside dx, and their counts.
      const first = (r: number, pad: number, stride: number) =>
        Math.max(0, Math.ceil((pad - r) / stride));
      const count = (r: number, pad: number, stride: number, size: number) =>
        Math.floor((size - 1 + pad - r) / stride) - first(r, pad, stride) + 1;
      const dyAt = at(dy), dxAt = at(out);
      const image = (b: number, thread: 0 | 1): HelperTask[] => {
        const tasks = [padTask(pads, dyAt, b, padAt[thread])];
        for (let rh = 0; rh < sh; rh++) {
          const q0 = first(rh, s.top, sh), nq = count(rh, s.top, sh, s.h);
          for (let rw = 0; rw < sw; rw++) {
            const p0 = first(rw, s.left, sw), np = count(rw, s.left, sw, s.w);
            if (nq <= 0 || np <= 0) continue;
            const h0 = q0 * sh + rh - s.top, w0 = p0 * sw + rw - s.left;
            tasks.push({
              kernel: "sgemmPanels",
              args: [
                padAt[thread] + 4 * (q0 * wp + p0) * co,
                4 * co,
                4,
                packedAt + 4 * (rh * sw + rw) * packedPhase,
                dxAt + 4 * ((b * s.h + h0) * s.w + w0) * c,
                4 * sw * c,
                4,
                nq * np,
                c,
                jw * co,
                0,
                scratchAt + thread * (ROW_SCRATCH_BYTES / 2),
                np,
                4 * wp * co,
                jh,
                4 * wp * co,
                4 * sh * s.w * c,
              ],
            });
          }
        }
        return tasks;
      };
      splitImages(memory, simd, s.n, s.n * s.oh * s.ow * kh * kw * c * co, split, image);
    },
  );
}

/**
 * The filter gradient dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sH + kh − top,
 * ow·sW + kw − left, ci] · dy[b, oh, ow, co] into a new output, or null where
 * this path does not apply. One call per image, accumulating: the rows are
 * the KH·KW·Ci taps (in KH groups of KW·Ci adjacent input floats), the K
 * steps that image's OH·OW output pixels (in OH runs of OW, sW·Ci floats
 * apart), and the packed operand is that image's dy. With the helper, it
 * takes the lower half of the filter rows for every image.
 */
function filterGradient(
  backend: WasmBackend,
  s: ConvShape,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  split: boolean,
): tf.TensorInfo | null {
  const memory = heapMemory(backend.wasm);
  const simd = simdKernels(memory);
  if (simd === null || s.dilationH !== 1 || s.dilationW !== 1) return null;
  const { wp, padded, imageFloats } = paddedImage(s);
  const steps = s.oh * s.ow, m = s.kh * s.kw * s.ci;
  const packedImage = steps * Math.ceil(s.co / PANEL_COLUMNS) * PANEL_COLUMNS;
  return withScratch(
    backend,
    [s.kh, s.kw, s.ci, s.co],
    ROW_SCRATCH_BYTES / 4 + s.n * packedImage + (padded ? s.n * imageFloats : 0),
    (out, scratch) => {
      const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
      const scratchAt = at(scratch), packedAt = scratchAt + ROW_SCRATCH_BYTES;
      const paddedAt = packedAt + 4 * s.n * packedImage;
      const xAt = padded ? paddedAt : at(x);
      const dyAt = at(dy), dwAt = at(out);
      // Every image's dy packed and x padded first (both threads read them all),
      // the images shared between the threads.
      splitImages(memory, simd, s.n, s.n * steps * m * s.co, split, (b) => {
        const pack: HelperTask = {
          kernel: "sgemmPack",
          args: [
            dyAt + 4 * b * steps * s.co,
            4 * s.co,
            4,
            steps,
            s.co,
            packedAt + 4 * b * packedImage,
          ],
        };
        return padded ? [padTask(s, at(x), b, paddedAt + 4 * b * imageFloats), pack] : [pack];
      });
      // Rows [from, to) (whole groups of KW·Ci) of image b's product.
      const rows = (b: number, from: number, to: number, rowScratch: number) => [
        xAt + 4 * b * imageFloats + (from / (s.kw * s.ci)) * 4 * wp * s.ci,
        4,
        4 * s.strideW * s.ci,
        packedAt + 4 * b * packedImage,
        dwAt + 4 * from * s.co,
        4 * s.co,
        4,
        to - from,
        s.co,
        s.ow,
        b === 0 ? 0 : 1,
        rowScratch,
        s.kw * s.ci,
        4 * wp * s.ci,
        s.oh,
        4 * s.strideH * wp * s.ci,
        4 * s.kw * s.ci * s.co,
      ];
      const run = (args: readonly number[]) => runTask(simd, { kernel: "sgemmPanels", args });
      // Every image adds into all of dW, so the threads split its rows, not the images.
      const low = (s.kh >> 1) * s.kw * s.ci;
      const helper = !split || low === 0 || s.n * steps * m * s.co < SPLIT_MULTIPLY_ADDS
        ? null
        : readyHelper(memory);
      if (helper === null) {
        for (let b = 0; b < s.n; b++) run(rows(b, 0, m, scratchAt));
      } else {
        for (let from = 0; from < s.n; from += MAX_TASKS) {
          const to = Math.min(s.n, from + MAX_TASKS);
          const upper: HelperTask[] = [];
          for (let b = from; b < to; b++) {
            upper.push({
              kernel: "sgemmPanels",
              args: rows(b, low, m, scratchAt + ROW_SCRATCH_BYTES / 2),
            });
          }
          alongside(helper, upper, () => {
            for (let b = from; b < to; b++) run(rows(b, 0, low, scratchAt));
          }, (t) => runTask(simd, t));
        }
      }
    },
  );
}

/**
 * Kernel configs for the wasm backend's `Conv2D`, `FusedConv2D`,
 * `Conv2DBackpropFilter` and `Conv2DBackpropInput` on the library's SIMD
 * product, falling back to `originals` for the cases they do
 * not cover (see the module notes). Register them in place of the originals:
 * `tf.unregisterKernel(name, "wasm"); tf.registerKernel(config)`.
 *
 * @param originals the kernels in use now, from `tf.getKernel(name, "wasm")`.
 * @param options whether to split with the SIMD helper thread.
 * @returns the four kernel configs.
 * @throws {TypeError} when an original kernel is missing.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { wasmConvKernels } from "./_wasm_conv_kernels.ts";
 * import { useBackend } from "./use_backend.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("wasm");
 * const kernels = wasmConvKernels({
 *   Conv2D: tf.getKernel("Conv2D", "wasm")!,
 *   FusedConv2D: tf.getKernel("FusedConv2D", "wasm")!,
 *   Conv2DBackpropFilter: tf.getKernel("Conv2DBackpropFilter", "wasm")!,
 *   Conv2DBackpropInput: tf.getKernel("Conv2DBackpropInput", "wasm")!,
 * });
 * assert.deepEqual(kernels.map((k) => k.kernelName), [
 *   "Conv2D",
 *   "FusedConv2D",
 *   "Conv2DBackpropFilter",
 *   "Conv2DBackpropInput",
 * ]);
 * ```
 */
export function wasmConvKernels(
  originals: OriginalWasmConvKernels,
  options: WasmConvKernelsOptions = {},
): tf.KernelConfig[] {
  const { helper: split = true } = options;
  const {
    Conv2D: conv,
    FusedConv2D: fused,
    Conv2DBackpropFilter: filter,
    Conv2DBackpropInput: input,
  } = originals ?? {};
  if (
    conv?.kernelFunc === undefined || fused?.kernelFunc === undefined ||
    filter?.kernelFunc === undefined || input?.kernelFunc === undefined
  ) {
    throw new TypeError(
      "Cannot build the wasm convolution kernels: originals must hold the Conv2D, FusedConv2D, Conv2DBackpropFilter and Conv2DBackpropInput kernels",
    );
  }
  const floats = (...ts: (tf.TensorInfo | undefined)[]) => ts.every((t) => t?.dtype === "float32");

  const conv2d = (args: KernelArgs) => {
    const { x, filter: w } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const planned = floats(x, w) ? convShape(x.shape, w.shape, attrs, attrs.dilations ?? 1) : null;
    return (planned &&
      convolve(
        args.backend as unknown as WasmBackend,
        planned.shape,
        planned.outShape,
        x,
        w,
        null,
        false,
        split,
      )) ?? conv.kernelFunc(args);
  };

  const fusedConv2d = (args: KernelArgs) => {
    const { x, filter: w, bias, preluActivationWeights: prelu } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const attrs = args.attrs as unknown as ConvAttrs;
    const activation = attrs.activation ?? "linear";
    const planned = x && w && floats(x, w) && prelu == null &&
        (activation === "linear" || activation === "relu")
      ? convShape(x.shape, w.shape, attrs, attrs.dilations ?? 1)
      : null;
    const co = planned?.shape.co;
    const biasOk = bias == null ||
      (bias.dtype === "float32" && bias.shape.reduce((a, b) => a * b, 1) === co &&
        bias.shape.at(-1) === co);
    return (planned && biasOk &&
      convolve(
        args.backend as unknown as WasmBackend,
        planned.shape,
        planned.outShape,
        x!,
        w!,
        bias ?? null,
        activation === "relu",
        split,
      )) ?? fused.kernelFunc(args);
  };

  const backpropFilter = (args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const planned = floats(x, dy) ? convShape(x.shape, attrs.filterShape, attrs, 1) : null;
    const fits = planned !== null && planned.outShape.length === dy.shape.length &&
      planned.outShape.every((d, i) => d === dy.shape[i]);
    return (fits &&
      filterGradient(args.backend as unknown as WasmBackend, planned.shape, x, dy, split)) ??
      filter.kernelFunc(args);
  };

  const backpropInput = (args: KernelArgs) => {
    const { dy, filter: w } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const planned = floats(dy, w) ? convShape(attrs.inputShape, w.shape, attrs, 1) : null;
    const fits = planned !== null && planned.outShape.length === dy.shape.length &&
      planned.outShape.every((d, i) => d === dy.shape[i]);
    return (fits &&
      transposedConvolve(args.backend as unknown as WasmBackend, planned.shape, dy, w, split)) ??
      input.kernelFunc(args);
  };

  return [
    { ...conv, kernelFunc: conv2d as unknown as tf.KernelFunc },
    { ...fused, kernelFunc: fusedConv2d as unknown as tf.KernelFunc },
    { ...filter, kernelFunc: backpropFilter as unknown as tf.KernelFunc },
    { ...input, kernelFunc: backpropInput as unknown as tf.KernelFunc },
  ];
}
