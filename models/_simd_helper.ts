/**
 * A second thread for the library's SIMD kernels. Beside oneDNN, XNNPACK
 * keeps one thread, so the fused Adam pass (28 bytes for each of the MLP's
 * 14 M parameters: 46 of ~130 ms of its native step on a 2-core Xeon) and the
 * element-wise passes over a conv net's large activations (bias add, ReLU and
 * its gradient, the Bernoulli likelihood: 20–30 ms of a Burgess step there)
 * ran on one core while the other idled. When the wasm heap is a
 * SharedArrayBuffer (the threaded build) and node:worker_threads exists (Deno,
 * Node), a Worker compiles the same SIMD module against that heap and runs the upper part of a large pass while
 * the caller runs the lower part. The step is synchronous, so they meet
 * through Atomics on a shared control block (the caller blocks in
 * Atomics.wait, which Deno and Node allow on the main thread). Every pass is
 * element-wise, so the result is the same bits however it is split. The
 * Worker is unreferenced, so it never keeps a process alive; there is one per
 * heap. DISENTANGLE_SIMD_HELPER=off turns it off.
 */
import {
  CONTROL_SLOTS,
  DONE,
  FAILED,
  type HelperKernel,
  HYPER,
  KERNELS,
  MAX_TASKS,
  READY,
  REQUEST,
  STATE,
  TASK,
} from "./_simd_helper_protocol.ts";

/** One call for the helper: a SIMD function and its integer arguments. */
export interface HelperTask {
  kernel: HelperKernel;
  args: readonly number[];
}

/** The helper of one heap. */
export interface SimdHelper {
  /** Whether the helper has compiled its kernels and waits for work. */
  ready(): boolean;
  /**
   * Resolves once the helper is ready (true), has failed to start (false),
   * or `timeoutMs` has passed (false). The Worker starts only when the
   * event loop runs, so a caller whose steps never yield to it (a plain
   * synchronous loop) awaits this first; useBackend does.
   */
  whenReady(timeoutMs: number): Promise<boolean>;
  /**
   * Posts `tasks` (at most MAX_TASKS) with Adam's eight scalars (`hyper`,
   * zeros when no task is Adam's); the caller must then call
   * {@link SimdHelper.finish} before it reads or frees their outputs.
   */
  start(tasks: readonly HelperTask[], hyper?: readonly number[]): void;
  /**
   * Blocks until the posted tasks are done. Returns false when the helper
   * failed on them (the caller then runs them itself; the helper is off).
   */
  finish(): boolean;
}

/** How long the caller waits for a batch before it says the helper hangs. */
const FINISH_TIMEOUT_MS = 120_000;

/** Passes below this many bytes cost less than handing half of them over. */
export const SPLIT_BYTES = 1 << 18;

const helpers = new WeakMap<WebAssembly.Memory, SimdHelper | null>();

/** Whether a helper thread is wanted (DISENTANGLE_SIMD_HELPER=off turns it off). */
function wanted(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  try {
    return deno?.env.get("DISENTANGLE_SIMD_HELPER") !== "off";
  } catch {
    return true; // no --allow-env: the default
  }
}

/**
 * The helper of `memory`, started on first use (it is ready some
 * milliseconds later; until then {@link SimdHelper.ready} is false), or null
 * where there can be none: no heap, a heap that is not shared, a runtime
 * without Workers, or DISENTANGLE_SIMD_HELPER=off.
 */
export function simdHelper(memory: WebAssembly.Memory | undefined): SimdHelper | null {
  if (memory === undefined) return null;
  let helper = helpers.get(memory);
  if (helper === undefined) {
    helper = typeof SharedArrayBuffer !== "undefined" &&
        memory.buffer instanceof SharedArrayBuffer && wanted()
      ? startHelper(memory)
      : null;
    helpers.set(memory, helper);
  }
  return helper;
}

/** Where a pass of `bytes` splits: about half, a multiple of `align` bytes (0: do not split). */
export function lowerHalf(bytes: number, align: number): number {
  return Math.floor(bytes / 2 / align) * align;
}

/**
 * The helper of `memory` when it is ready for work now, else null. Callers
 * that judge for themselves whether a split is worth it (the matrix products
 * and convolutions count multiply-adds, not bytes) ask this directly.
 */
export function readyHelper(memory: WebAssembly.Memory | undefined): SimdHelper | null {
  const helper = simdHelper(memory);
  return helper !== null && helper.ready() ? helper : null;
}

/**
 * The helper of `memory` when a pass of `bytes` is worth splitting with it
 * now (at least SPLIT_BYTES, and the helper ready), else null.
 */
export function helperFor(
  memory: WebAssembly.Memory | undefined,
  bytes: number,
): SimdHelper | null {
  return bytes < SPLIT_BYTES ? null : readyHelper(memory);
}

/**
 * Runs `upper` on `helper` while `lower()` runs here, and waits for it; if the
 * helper failed on them, runs each task of `upper` here with `rerun`.
 */
export function alongside(
  helper: SimdHelper,
  upper: readonly HelperTask[],
  lower: () => void,
  rerun: (task: HelperTask) => void,
): void {
  helper.start(upper);
  lower();
  if (!helper.finish()) upper.forEach(rerun);
}

/**
 * Runs the SIMD pass `kernel` over `bytes` bytes: `argsFrom(low, bytes)` gives
 * its arguments for the part from byte `low` on, `bytes` long, and
 * `run(args)` runs it here. With a ready helper and at least SPLIT_BYTES, the
 * upper half (from a multiple of `align` bytes) runs on the helper meanwhile.
 */
export function splitPass(
  memory: WebAssembly.Memory | undefined,
  kernel: HelperKernel,
  bytes: number,
  align: number,
  argsFrom: (low: number, bytes: number) => number[],
  run: (args: number[]) => void,
): void {
  const helper = helperFor(memory, bytes);
  const low = lowerHalf(bytes, align);
  if (helper === null || low === 0) {
    run(argsFrom(0, bytes));
    return;
  }
  const upper = argsFrom(low, bytes - low);
  alongside(helper, [{ kernel, args: upper }], () => run(argsFrom(0, low)), () => run(upper));
}

function startHelper(memory: WebAssembly.Memory): SimdHelper {
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  const block = new Float64Array(new SharedArrayBuffer((1 + HYPER + MAX_TASKS * TASK) * 8));
  let sequence = 0;
  let off = false;
  import("node:worker_threads").then(({ Worker }) => {
    const worker = new Worker(new URL("./_simd_helper_worker.ts", import.meta.url));
    worker.unref();
    // A worker that cannot start (or dies) leaves the helper off.
    worker.on("error", () => {
      off = true;
    });
    worker.postMessage({ memory, control: ctrl.buffer, tasks: block.buffer });
  }).catch(() => {
    off = true;
  });
  const ready = () => !off && Atomics.load(ctrl, STATE) === READY;
  return {
    ready,
    async whenReady(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (!ready()) {
        if (off || Atomics.load(ctrl, STATE) === FAILED || performance.now() >= deadline) {
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return true;
    },
    start(tasks, hyper = []) {
      if (tasks.length > MAX_TASKS) {
        throw new RangeError(`Cannot post ${tasks.length} SIMD tasks: at most ${MAX_TASKS}`);
      }
      block[0] = tasks.length;
      block.fill(0, 1, 1 + HYPER);
      block.set(hyper.slice(0, HYPER), 1);
      tasks.forEach(({ kernel, args }, i) => {
        const at = 1 + HYPER + i * TASK;
        block.fill(0, at, at + TASK);
        block[at] = KERNELS.indexOf(kernel);
        block.set(args.slice(0, TASK - 1), at + 1);
      });
      sequence++;
      Atomics.store(ctrl, REQUEST, sequence);
      Atomics.notify(ctrl, REQUEST);
    },
    finish() {
      const deadline = performance.now() + FINISH_TIMEOUT_MS;
      for (;;) {
        const done = Atomics.load(ctrl, DONE);
        if (done === sequence) break;
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new Error(
            `Cannot run the SIMD kernels: their helper thread did not finish a batch in ${
              FINISH_TIMEOUT_MS / 1000
            } s`,
          );
        }
        Atomics.wait(ctrl, DONE, done, left);
      }
      if (Atomics.load(ctrl, STATE) === FAILED) {
        off = true;
        return false;
      }
      return true;
    },
  };
}
