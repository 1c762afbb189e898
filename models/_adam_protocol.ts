// The shared layout between the fused Adam pass and its helper thread.

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

/**
 * Task block (Float64Array): [0] the task count, then the ADAM_HYPER scalars
 * of the kernel (β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr), then ADAM_TASK
 * numbers per task: the byte count and the byte offsets of p, g, m, v and of
 * the new p, m, v.
 */
export const ADAM_HYPER = 8;
/** Numbers per task in the task block. */
export const ADAM_TASK = 8;
/** Tasks a batch holds at most; further variables run on the main thread. */
export const MAX_TASKS = 512;
