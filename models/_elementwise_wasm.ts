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
 * SIMD functions are not available or the tensors do not fit them.
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

function wasmKernel(
  kernelName: string,
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[],
): tf.KernelConfig {
  return { kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** The fused Bernoulli log-density and its gradient kernels. */
export function bernoulliWasm(): tf.KernelConfig[] {
  const forward = wasmKernel(BERNOULLI_KERNEL, ({ inputs, backend }) => {
    const { x, logits } = inputs as { x: tf.TensorInfo; logits: tf.TensorInfo };
    const wasm = backend as unknown as Backend;
    const simd = simdOf(wasm);
    if (simd === null || !fitsSimd(x, logits)) {
      return composeKernel(wasm, [x, logits], bernoulliValue);
    }
    const out = wasm.makeOutput(x.shape.slice(), "float32");
    const at = (info: tf.TensorInfo) => wasm.getMemoryOffset(info.dataId);
    simd.bernoulli(at(x), at(logits), at(out), tf.util.sizeFromShape(x.shape) * 4);
    return out;
  });
  const backward = wasmKernel(BERNOULLI_GRAD_KERNEL, ({ inputs, backend }) => {
    const { x, logits, dy } = inputs as Record<"x" | "logits" | "dy", tf.TensorInfo>;
    const wasm = backend as unknown as Backend;
    const simd = simdOf(wasm);
    if (simd === null || !fitsSimd(x, logits, dy)) {
      const [gx, gl] = bernoulliGradientsAsKernel(wasm, x, logits, dy);
      return [gx, gl];
    }
    const dx = wasm.makeOutput(x.shape.slice(), "float32");
    const dl = wasm.makeOutput(logits.shape.slice(), "float32");
    const at = (info: tf.TensorInfo) => wasm.getMemoryOffset(info.dataId);
    simd.bernoulliGrad(
      at(x),
      at(logits),
      at(dy),
      at(dx),
      at(dl),
      tf.util.sizeFromShape(x.shape) * 4,
    );
    return [dx, dl];
  });
  return [forward, backward];
}

/** Both gradients with tf ops, as kernel outputs. */
function bernoulliGradientsAsKernel(
  backend: Backend,
  x: tf.TensorInfo,
  logits: tf.TensorInfo,
  dy: tf.TensorInfo,
): tf.TensorInfo[] {
  return [0, 1].map((k) =>
    composeKernel(backend, [x, logits, dy], (a, b, c) => {
      const grads = bernoulliGradients(a, b, c);
      grads[1 - k].dispose();
      return grads[k];
    })
  );
}

/** The ReLU gradient kernel (dy where x > 0). */
export function reluGradWasm(): tf.KernelConfig {
  return wasmKernel(RELU_GRAD_KERNEL, ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const wasm = backend as unknown as Backend;
    const simd = simdOf(wasm);
    if (simd === null || !fitsSimd(dy, x)) {
      return composeKernel(wasm, [dy, x], reluGradientOps);
    }
    const out = wasm.makeOutput(x.shape.slice(), "float32");
    const at = (info: tf.TensorInfo) => wasm.getMemoryOffset(info.dataId);
    simd.reluGrad(at(dy), at(x), at(out), tf.util.sizeFromShape(x.shape) * 4);
    return out;
  });
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
      const at = (info: tf.TensorInfo) => wasm.getMemoryOffset(info.dataId);
      const cols = x.shape[x.shape.length - 1];
      simd.biasAdd(at(x), at(bias), at(out), tf.util.sizeFromShape(x.shape) * 4, cols * 4);
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
