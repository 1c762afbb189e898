/**
 * Element-wise kernels of a training step on the library's SIMD functions
 * (_simd_elementwise.ts), for the wasm backend, where tfjs-wasm runs them as
 * chains of separate kernels or on its slow broadcasting path:
 *
 * - the Bernoulli log-density and its gradients (the fused kernels that
 *   losses/bernoulli_log_density.ts looks for), one pass each;
 * - the ReLU gradient, one pass instead of Step, Cast and Multiply (as a
 *   kernel of its own, which the Relu gradient registered here runs on wasm);
 * - `Add` of a bias along the last axis (a layer's bias), one pass.
 *
 * Each falls back to the backend's own kernels (or the same tf ops) where the
 * SIMD functions are not available or the tensors do not fit them. A large
 * pass runs half on the heap's helper thread when there is one (_simd_helper.ts).
 */
import * as tf from "@tensorflow/tfjs";
import {
  BERNOULLI_GRAD_KERNEL,
  BERNOULLI_KERNEL,
  bernoulliGradients,
  bernoulliValue,
} from "../losses/bernoulli_kernel_parts.ts";
import { composeKernel } from "./_compose_kernel.ts";
import { heapMemory, type SimdKernels, simdKernels } from "./_simd_wasm.ts";
import { splitPass } from "./_simd_helper.ts";
import type { HelperKernel } from "./_simd_helper_protocol.ts";
import type { WasmHeapBackend } from "./_wasm_heap.ts";

/** Inputs {dy, x}; output dy where x > 0, else 0. */
export const RELU_GRAD_KERNEL = "DisentangleReluGrad";

interface Backend extends WasmHeapBackend {
  wasm: WasmHeapBackend["wasm"] & {
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
  incRef(dataId: object): void;
}

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

function simdOf(backend: Backend): SimdKernels | null {
  return simdKernels(heapMemory(backend.wasm));
}

/** Whether every tensor is float32 with the same number of elements, a multiple of 4. */
function fitsSimd(...infos: tf.TensorInfo[]): boolean {
  const size = tf.util.sizeFromShape(infos[0].shape);
  return size % 4 === 0 &&
    infos.every((info) => info.dtype === "float32" && tf.util.sizeFromShape(info.shape) === size);
}

/** A SIMD function of heap byte offsets followed by a byte count. */
type OffsetsKernel = (...args: number[]) => void;

/**
 * Runs the element-wise SIMD function `kernel` on the buffers at byte
 * `offsets` over `bytes` bytes, half on the helper thread when it pays.
 */
function elementwisePass(
  backend: Backend,
  simd: SimdKernels,
  kernel: HelperKernel,
  offsets: readonly number[],
  bytes: number,
): void {
  const fn = simd[kernel] as unknown as OffsetsKernel;
  splitPass(
    heapMemory(backend.wasm),
    kernel,
    bytes,
    16,
    (low, n) => [...offsets.map((o) => o + low), n],
    (args) => fn(...args),
  );
}

/**
 * A wasm kernel of float32 inputs `names` that runs the SIMD function
 * `kernel` on the inputs' heap offsets, then `outputs` new outputs of the
 * first input's shape, then the byte count; or `fallback` with tf ops where
 * the SIMD functions are unavailable or the inputs do not fit them.
 */
function simdKernel(
  kernelName: string,
  names: readonly string[],
  outputs: number,
  kernel: HelperKernel,
  fallback: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): tf.KernelConfig {
  const kernelFunc = ({ inputs, backend }: KernelArgs) => {
    const infos = names.map((name) => inputs[name] as tf.TensorInfo);
    const wasm = backend as unknown as Backend;
    const simd = simdOf(wasm);
    if (simd === null || !fitsSimd(...infos)) {
      // One output or an array of them, as `fallback` returns (composeKernel handles both).
      return composeKernel(wasm, infos, fallback as (...xs: tf.Tensor[]) => tf.Tensor);
    }
    const shape = infos[0].shape.slice();
    const outs = Array.from({ length: outputs }, () => wasm.makeOutput(shape, "float32"));
    const offsets = [...infos, ...outs].map((info) => wasm.getMemoryOffset(info.dataId));
    elementwisePass(wasm, simd, kernel, offsets, tf.util.sizeFromShape(shape) * 4);
    return outputs === 1 ? outs[0] : outs;
  };
  return { kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** The fused Bernoulli log-density and its gradient kernels. */
export function bernoulliWasm(): tf.KernelConfig[] {
  return [
    simdKernel(BERNOULLI_KERNEL, ["x", "logits"], 1, "bernoulli", bernoulliValue),
    simdKernel(
      BERNOULLI_GRAD_KERNEL,
      ["x", "logits", "dy"],
      2,
      "bernoulliGrad",
      bernoulliGradients,
    ),
  ];
}

/** The ReLU gradient kernel (dy where x > 0). */
export function reluGradWasm(): tf.KernelConfig {
  return simdKernel(RELU_GRAD_KERNEL, ["dy", "x"], 1, "reluGrad", reluGradientOps);
}

/** `Relu` of float32 tensors of a multiple of 4 elements on one SIMD pass; others go to the original. */
export function reluWasm(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: ((args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const wasm = args.backend as unknown as Backend;
      const simd = simdOf(wasm);
      if (simd === null || !fitsSimd(x)) return original.kernelFunc(args);
      const out = wasm.makeOutput(x.shape.slice(), "float32");
      const offsets = [x, out].map((info) => wasm.getMemoryOffset(info.dataId));
      elementwisePass(wasm, simd, "relu", offsets, tf.util.sizeFromShape(x.shape) * 4);
      return out;
    }) as unknown as tf.KernelFunc,
  };
}

/** tfjs's own ReLU gradient: dy·step(x). */
function reluGradientOps(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.cast(tf.step(x), "float32"));
}

/**
 * The Relu gradient, on every backend: the fused kernel where the active
 * backend has it (wasm, after registerWasmTrainingKernels), else tfjs's own.
 */
export const RELU_GRADIENT: tf.GradConfig = {
  kernelName: "Relu",
  inputsToSave: ["x"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    return {
      x: () =>
        tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) !== undefined
          ? tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }) as tf.Tensor
          : reluGradientOps(g, x),
    };
  },
};

/** `Add` of a float32 bias along the last axis on one SIMD pass; other adds go to the original. */
export function addWasm(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: ((args: KernelArgs) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const wasm = args.backend as unknown as Backend;
      const [x, bias] = isBias(b, a) ? [a, b] : isBias(a, b) ? [b, a] : [];
      const simd = x ? simdOf(wasm) : null;
      if (!x || !bias || simd === null) return original.kernelFunc(args);
      const out = wasm.makeOutput(x.shape.slice(), "float32");
      const [xAt, biasAt, outAt] = [x, bias, out].map((info) => wasm.getMemoryOffset(info.dataId));
      const colBytes = x.shape[x.shape.length - 1] * 4;
      // Split at a row boundary: the bias pointer restarts at every row.
      splitPass(
        heapMemory(wasm.wasm),
        "biasAdd",
        tf.util.sizeFromShape(x.shape) * 4,
        colBytes,
        (low, n) => [xAt + low, biasAt, outAt + low, n, colBytes],
        ([a, b, c, n, w]) => simd.biasAdd(a, b, c, n, w),
      );
      return out;
    }) as unknown as tf.KernelFunc,
  };
}

/**
 * Whether `bias` ([C] or [1, …, 1, C]) adds along the last axis of `x` (rank
 * at least 2, C a multiple of 4), both float32.
 */
function isBias(bias: tf.TensorInfo, x: tf.TensorInfo): boolean {
  const rank = x.shape.length;
  const cols = x.shape[rank - 1];
  return rank >= 2 && bias.shape.length <= rank && x.dtype === "float32" &&
    bias.dtype === "float32" && cols % 4 === 0 && bias.shape[bias.shape.length - 1] === cols &&
    bias.shape.slice(0, -1).every((d) => d === 1) && tf.util.sizeFromShape(x.shape) > cols;
}
