/**
 * `Sum` for the wasm backend when it reduces every axis but the last (the
 * bias gradient of a conv or dense layer: a sum over batch and pixels), the
 * last a multiple of 4: one SIMD pass adding rows in order. The shipped kernel
 * first transposes with its generic (slow) transpose. Other sums go to the
 * original.
 */
import type * as tf from "@tensorflow/tfjs";
import { heapMemory, simdKernels } from "./_simd_wasm.ts";
import type { WasmHeapBackend } from "./_wasm_heap.ts";

interface Backend extends WasmHeapBackend {
  wasm: WasmHeapBackend["wasm"] & {
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
}

/** Builds the replacement kernel around the backend's original one. */
export function sumWasm(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (
    args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
  ): tf.TensorInfo | tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    const rank = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
    const cols = x.shape[rank - 1];
    const leading = axes.length === rank - 1 && [...axes].sort().every((a, i) => a === i);
    const backend = args.backend as unknown as Backend;
    const simd = simdKernels(heapMemory(backend.wasm));
    if (simd === null || x.dtype !== "float32" || rank < 2 || !leading || cols % 4 !== 0) {
      return original.kernelFunc(args);
    }
    const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const shape = keepDims ? [...Array(rank - 1).fill(1), cols] : [cols];
    const out = backend.makeOutput(shape, "float32");
    simd.columnSum(
      backend.getMemoryOffset(x.dataId),
      backend.getMemoryOffset(out.dataId),
      rows,
      cols,
    );
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
