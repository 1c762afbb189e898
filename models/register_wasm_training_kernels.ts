import * as tf from "@tensorflow/tfjs";
import { batchMatMulWasm, fusedMatMulWasm } from "./_batch_mat_mul_wasm.ts";
import { conv2dBackpropFilterWasm } from "./_conv2d_backprop_filter_wasm.ts";
import { conv2dBackpropInputWasm } from "./_conv2d_backprop_input_wasm.ts";
import { explicitSamePadding } from "./_explicit_same_padding_wasm.ts";
import { transposeWasm } from "./_transpose_wasm.ts";
import { identityWasm } from "./_identity_wasm.ts";
import { sumWasm } from "./_sum_wasm.ts";
import {
  addWasm,
  bernoulliWasm,
  RELU_GRAD_KERNEL,
  RELU_GRADIENT,
  reluGradWasm,
  reluWasm,
} from "./_elementwise_wasm.ts";
import { BERNOULLI_GRAD_KERNEL, BERNOULLI_KERNEL } from "../losses/bernoulli_kernel_parts.ts";

/** Kernel names this library (re)registers for the wasm backend. */
const REPLACED = [
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
  BERNOULLI_KERNEL,
  BERNOULLI_GRAD_KERNEL,
  RELU_GRAD_KERNEL,
] as const;

let registered = false;

/**
 * Makes the tfjs wasm backend (4.22) complete and fast for training by
 * registering kernels built from its fast XNNPACK ones and a small SIMD module:
 *
 * - `Conv2DBackpropFilter` (missing; every conv and transposed-conv weight
 *   gradient needs it): one dilated convolution with batch and channels
 *   swapped, or for one-channel inputs a SIMD kernel over x and dy in place;
 * - `Conv2DBackpropInput` (a scalar loop as shipped; also conv2dTranspose's
 *   forward pass): one stride-1 sub-pixel convolution plus one interleaving copy;
 * - `BatchMatMul` with transposed operands (a scalar loop as shipped): the
 *   cheaper transpose materialised; and, like `_FusedMatMul`, x·W with a big W
 *   computed as (Wᵀ·xᵀ)ᵀ, which avoids repacking W for XNNPACK every step;
 * - `Transpose`: matrix-like permutations on a SIMD 4×4-block kernel;
 * - `Identity`: shares the buffer (as the cpu backend does) instead of copying;
 * - `Sum` over every axis but the last (bias gradients): one SIMD pass;
 * - `Add` of a bias along the last axis: one SIMD pass (the shipped kernel
 *   takes its generic broadcasting path); `Relu`: one SIMD pass;
 * - the Bernoulli log-density's two fused kernels (losses/bernoulli_kernel_parts.ts)
 *   and a ReLU-gradient kernel, with the Relu gradient (on every backend)
 *   using it where registered: one SIMD pass each instead of a dozen and three
 *   kernels;
 * - `Conv2D` and `FusedConv2D`: 'same' padding passed as explicit amounts (as
 *   shipped they silently return zeros when a stride exceeds the kernel size).
 *
 * Each equals the cpu backend's result to float rounding. Where the heap is
 * shared (the threaded build), large element-wise passes run half on a helper
 * thread (DISENTANGLE_SIMD_HELPER=off keeps them on the caller's).
 *
 * `useBackend("wasm")` calls this for you; call it yourself only if you set up
 * tfjs and the wasm backend on your own. It needs `@tensorflow/tfjs-backend-wasm`
 * imported (which registers the backend). Calling it again does nothing.
 *
 * @returns the names of the kernels registered.
 * @throws {Error} if the wasm backend's kernels are not registered (the
 *   `@tensorflow/tfjs-backend-wasm` module was not imported).
 *
 * @example
 * ```ts
 * import { registerWasmTrainingKernels } from "@disentangle/vae/models";
 * import * as tf from "@tensorflow/tfjs";
 * import "@tensorflow/tfjs-backend-wasm";
 * import assert from "node:assert/strict";
 *
 * const names = registerWasmTrainingKernels();
 * assert.ok(names.includes("Conv2DBackpropFilter"));
 * assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"));
 * ```
 */
export function registerWasmTrainingKernels(): string[] {
  if (registered) return [...REPLACED];
  const matMul = tf.getKernel("BatchMatMul", "wasm");
  const conv = tf.getKernel("Conv2D", "wasm");
  const fusedConv = tf.getKernel("FusedConv2D", "wasm");
  const fusedMatMul = tf.getKernel("_FusedMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  const identity = tf.getKernel("Identity", "wasm");
  const sum = tf.getKernel("Sum", "wasm");
  const add = tf.getKernel("Add", "wasm");
  const relu = tf.getKernel("Relu", "wasm");
  if (
    !matMul || !conv || !fusedConv || !fusedMatMul || !transpose || !identity || !sum || !add ||
    !relu
  ) {
    throw new Error(
      'Cannot register the wasm training kernels: the wasm backend is not loaded; import "@tensorflow/tfjs-backend-wasm" first',
    );
  }
  registered = true;
  for (const name of REPLACED) {
    if (tf.getKernel(name, "wasm") !== undefined) tf.unregisterKernel(name, "wasm");
  }
  tf.registerKernel(conv2dBackpropFilterWasm);
  tf.registerKernel(conv2dBackpropInputWasm);
  tf.registerKernel(batchMatMulWasm(matMul));
  tf.registerKernel(explicitSamePadding(conv));
  tf.registerKernel(explicitSamePadding(fusedConv));
  tf.registerKernel(fusedMatMulWasm(fusedMatMul));
  tf.registerKernel(transposeWasm(transpose));
  tf.registerKernel(identityWasm(identity));
  tf.registerKernel(sumWasm(sum));
  tf.registerKernel(addWasm(add));
  tf.registerKernel(reluWasm(relu));
  for (const kernel of [...bernoulliWasm(), reluGradWasm()]) tf.registerKernel(kernel);
  tf.registerGradient(RELU_GRADIENT);
  return [...REPLACED];
}
