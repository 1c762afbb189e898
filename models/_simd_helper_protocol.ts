// The shared layout between the library's SIMD kernels and their helper thread
// (_simd_helper.ts, _simd_helper_worker.ts).

/** Control block (Int32Array) slot: the sequence number of the last batch posted. */
export const REQUEST = 0;
/** Control block slot: the sequence number of the last batch the helper finished. */
export const DONE = 1;
/** Control block slot: the helper's state, STARTING, READY or FAILED. */
export const STATE = 2;
/** Control block length, in Int32 slots. */
export const CONTROL_SLOTS = 4;

/** The helper has not compiled its kernels yet. */
export const STARTING = 0;
/** The helper waits for batches. */
export const READY = 1;
/** The helper cannot run batches (its kernels did not compile, or one threw). */
export const FAILED = 2;

/** The SIMD functions the helper runs, by their number in a task. */
export const KERNELS = [
  "adam",
  "reluGrad",
  "relu",
  "biasAdd",
  "bernoulli",
  "bernoulliGrad",
  "stridedAdd",
  "sgemmPanels",
  "sgemmPack",
  "padImages",
] as const;
/** A function the helper runs. */
export type HelperKernel = typeof KERNELS[number];

/**
 * Task block (Float64Array): [0] the task count, then HYPER float scalars
 * (Adam's β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr; only Adam reads them),
 * then TASK numbers per task: the kernel's number in KERNELS and its integer
 * arguments (byte offsets and counts), unused ones 0.
 */
export const HYPER = 8;
/** Numbers per task in the task block: the kernel number and up to 17 arguments. */
export const TASK = 18;
/** Tasks a batch holds at most. */
export const MAX_TASKS = 512;
