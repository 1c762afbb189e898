/**
 * Test helpers for comparing the wasm backend (with this library's kernels)
 * against the cpu backend, the reference.
 */
import { tf } from "../_helpers/tf.ts";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../../models/register_wasm_training_kernels.ts";

registerWasmTrainingKernels();
if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not initialise");
await tf.setBackend("cpu");

/** Runs `fn` on `backend`, returns its outputs as plain arrays, frees everything. */
export function runOn(
  backend: "cpu" | "wasm",
  fn: () => tf.Tensor | tf.Tensor[],
): Float32Array[] {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const out = fn();
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });
  } finally {
    tf.setBackend(previous);
  }
}

/** Largest |value| of an array (scale for a relative tolerance). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Live buffers of the wasm backend: must not grow across a kernel call. */
export function wasmDataIds(): number {
  return (tf.findBackend("wasm") as unknown as { numDataIds(): number }).numDataIds();
}

/** A small seeded generator (mulberry32) for test cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [lo, hi]. */
export function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Seeded normal values as a plain array (so both backends get identical inputs). */
export function normals(n: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n], 0, 1, "float32", seed).dataSync() as Float32Array)
    .slice();
}
