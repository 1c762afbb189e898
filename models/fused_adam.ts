import * as tf from "@tensorflow/tfjs";
import { lowerHalf, type SimdHelper, simdHelper } from "./_simd_helper.ts";
import { MAX_TASKS } from "./_simd_helper_protocol.ts";
import { heapMemory, simdKernels } from "./_simd_wasm.ts";

/** Options of {@link fusedAdam}; the same as `tf.train.adam`'s arguments. */
export interface FusedAdamOptions {
  /**
   * Step size.
   * @default 0.001
   */
  learningRate?: number;
  /**
   * Decay of the first-moment estimate.
   * @default 0.9
   */
  beta1?: number;
  /**
   * Decay of the second-moment estimate.
   * @default 0.999
   */
  beta2?: number;
  /**
   * Added to √v̂ in the denominator.
   * @default the backend's epsilon (1e-7 on cpu and wasm), as tf.train.adam
   */
  epsilon?: number;
}

/** tfjs's `tf.AdamOptimizer` (named here so the documentation can link it). */
export type AdamOptimizer = tf.AdamOptimizer;

/** The fields of tf.AdamOptimizer this subclass reads (private in its typings). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/** The part of the wasm backend the fused pass uses. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
  wasm: {
    HEAPF32: Float32Array;
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
}

const f32 = Math.fround;
/** The smallest normal float32; moments below it are stored as 0 (see the SIMD kernel). */
const FLT_MIN = 2 ** -126;
const flush = (x: number) => (Math.abs(x) < FLT_MIN ? 0 : x);

/**
 * Adam whose update on the wasm backend is ONE pass over each variable's
 * memory in the wasm heap (a hand-assembled SIMD loop reading parameter, gradient and both moments once,
 * writing the three new buffers), instead of about twelve element-wise ops
 * each allocating and sweeping a parameter-sized buffer. Every intermediate is
 * rounded to float32 in tf.train.adam's order, so its results are identical to
 * tf.train.adam's, on the single-threaded and the threaded wasm build alike,
 * except that a moment that would be subnormal (below 2⁻¹²⁶) is stored as 0:
 * wasm has no flush-to-zero mode, and such moments (of weights whose gradient
 * stopped) would slow every later step; no parameter moves by more than
 * lr·10⁻¹² for it. On a shared heap (the threaded build) a variable of
 * 32 768 elements or more is updated half on a helper thread, with the same
 * bits (the MLP's 14 M parameters: 31–51 ms on one thread, 20–27 ms on two).
 * On other backends it is tf.train.adam. It is a
 * `tf.AdamOptimizer`, so its weights, config and serialisation are Adam's.
 *
 * @param options learning rate, β₁, β₂ and ε.
 * @returns a `tf.AdamOptimizer`.
 * @throws {RangeError} for a non-positive learning rate, β outside [0, 1) or a
 *   negative ε.
 *
 * @example
 * ```ts
 * import { fusedAdam, useBackend } from "@disentangle/vae/models";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await useBackend("wasm");
 * const w = tf.variable(tf.tensor1d([1, -2]));
 * const optimizer = fusedAdam({ learningRate: 0.1 });
 * optimizer.minimize(() => tf.sum(tf.square(w)));
 * // Adam's first step moves every weight by the learning rate against its gradient's sign.
 * const [a, b] = w.dataSync();
 * assert.ok(Math.abs(a - 0.9) < 1e-6 && Math.abs(b + 1.9) < 1e-6);
 * optimizer.dispose();
 * w.dispose();
 * await useBackend("cpu");
 * ```
 */
export function fusedAdam(options: FusedAdamOptions = {}): AdamOptimizer {
  const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon } = options;
  const action = "create the Adam optimizer";
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(
      `Cannot ${action}: learningRate must be a positive number, got ${learningRate}`,
    );
  }
  for (const [name, b] of [["beta1", beta1], ["beta2", beta2]] as const) {
    if (!(b >= 0 && b < 1)) {
      throw new RangeError(`Cannot ${action}: ${name} must be in [0, 1), got ${b}`);
    }
  }
  if (epsilon !== undefined && !(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw new RangeError(`Cannot ${action}: epsilon must be a non-negative number, got ${epsilon}`);
  }
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

/** The Adam kernel's integer arguments: bytes, then the byte offsets of p, g, m, v, p', m', v'. */
type AdamTask = [number, number, number, number, number, number, number, number];

/** The kernel's eight scalars: β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr. */
type Hyper = [number, number, number, number, number, number, number, number];

/** One variable's update: its gradient, [m, v, value] and their new buffers. */
interface Update {
  gradient: tf.Tensor;
  variables: [tf.Variable, tf.Variable, tf.Variable];
  outs: tf.TensorInfo[];
}

/**
 * Variables of at least this many elements are split with the helper thread;
 * smaller ones cost less than the hand-over.
 */
const SPLIT_MIN = 1 << 15;

/**
 * Hands the upper half of each large task to the heap's helper thread when it
 * is ready and returns what the caller runs (and what the helper runs, in
 * case it fails); without a helper, every task stays with the caller.
 */
function splitWithHelper(
  tasks: readonly AdamTask[],
  backend: WasmBackend,
  hyper: readonly number[],
): { tasks: AdamTask[]; theirs: AdamTask[]; helper?: SimdHelper } {
  const helper = simdHelper(heapMemory(backend.wasm));
  if (helper === null || !helper.ready()) return { tasks: [...tasks], theirs: [] };
  const mine: AdamTask[] = [], theirs: AdamTask[] = [];
  for (const task of tasks) {
    const [bytes, p, g, m, v, po, mo, vo] = task;
    if (bytes < SPLIT_MIN * 4 || theirs.length === MAX_TASKS) {
      mine.push(task);
      continue;
    }
    const low = lowerHalf(bytes, 16);
    mine.push([low, p, g, m, v, po, mo, vo]);
    theirs.push([bytes - low, p + low, g + low, m + low, v + low, po + low, mo + low, vo + low]);
  }
  if (theirs.length === 0) return { tasks: mine, theirs };
  helper.start(theirs.map((args) => ({ kernel: "adam", args })), hyper);
  return { tasks: mine, theirs, helper };
}

class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0],
  ): void {
    const backend = tf.backend() as unknown as WasmBackend;
    const simd = tf.getBackend() === "wasm" ? simdKernels(heapMemory(backend.wasm)) : null;
    if (simd === null) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamState;
    const engine = tf.engine();
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    // Scalars exactly as tf.train.adam forms them (float32 tensors).
    const b1 = f32(self.beta1), b2 = f32(self.beta2);
    const c1 = f32(1 - self.beta1), c2 = f32(1 - self.beta2);
    const eps = f32(self.epsilon), negLr = f32(-self.learningRate);
    const kernel = simd.adam;
    const acc1 = self.accBeta1.dataSync()[0], acc2 = self.accBeta2.dataSync()[0];
    const d1 = f32(1 - acc1), d2 = f32(1 - acc2);
    const hyper: Hyper = [b1, c1, b2, c2, d1, d2, eps, negLr];
    // Every output first: allocating may grow the heap (offsets stay put).
    const updates: Update[] = [];
    names.forEach((name, i) => {
      const value = engine.registeredVariables[name];
      if (self.accumulatedFirstMoment[i] == null) {
        self.accumulatedFirstMoment[i] = {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
      if (self.accumulatedSecondMoment[i] == null) {
        self.accumulatedSecondMoment[i] = {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
      const gradient = Array.isArray(variableGradients)
        ? variableGradients[i].tensor
        : variableGradients[name];
      if (gradient == null) return;
      const m = self.accumulatedFirstMoment[i]!.variable;
      const v = self.accumulatedSecondMoment[i]!.variable;
      if (
        value.dtype !== "float32" || gradient.dtype !== "float32" ||
        gradient.size !== value.size
      ) {
        throw new TypeError(
          `Cannot apply Adam to variable "${name}": needs float32 values and a gradient of its size, got ${value.dtype} [${value.shape}] and ${gradient.dtype} [${gradient.shape}]`,
        );
      }
      const outs = [m, v, value].map((t) => backend.makeOutput(t.shape.slice(), "float32"));
      updates.push({ gradient, variables: [m, v, value], outs });
    });
    const at = (t: { dataId: object }) => backend.getMemoryOffset(t.dataId);
    // [bytes, p, g, m, v, p', m', v'] of each update's SIMD part, in bytes.
    const tasks = updates.map(({ gradient, variables: [m, v, value], outs }): AdamTask => [
      (value.size & ~3) * 4,
      at(value),
      at(gradient),
      at(m),
      at(v),
      at(outs[2]),
      at(outs[0]),
      at(outs[1]),
    ]);
    const mine = splitWithHelper(tasks, backend, hyper);
    for (const task of mine.tasks) kernel(...task, ...hyper);
    const heap = backend.wasm.HEAPF32;
    updates.forEach(({ variables: [, , value] }, u) => {
      const [pi, gi, mi, vi, po, mo, vo] = tasks[u].slice(1).map((b) => b >>> 2);
      for (let k = value.size & ~3; k < value.size; k++) { // the last n mod 4 elements
        const g = heap[gi + k];
        const mk = flush(f32(f32(heap[mi + k] * b1) + f32(g * c1)));
        const vk = flush(f32(f32(heap[vi + k] * b2) + f32(f32(g * g) * c2)));
        heap[mo + k] = mk;
        heap[vo + k] = vk;
        const mh = f32(mk / d1), vh = f32(vk / d2);
        const step = f32(f32(mh / f32(f32(Math.sqrt(vh)) + eps)) * negLr);
        heap[po + k] = f32(step + heap[pi + k]);
      }
    });
    // The helper's parts; if it failed on them, they run here.
    if (mine.helper && !mine.helper.finish()) {
      for (const task of mine.theirs) kernel(...task, ...hyper);
    }
    for (const { variables, outs } of updates) {
      variables.forEach((variable, j) => {
        const t = engine.makeTensorFromTensorInfo(outs[j]);
        variable.assign(t);
        t.dispose();
      });
    }
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}
