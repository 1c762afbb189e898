/**
 * A second thread for the fused Adam pass. On the MLP the pass reads and
 * writes 28 bytes for each of 14 M parameters, about a third of a step on the
 * native path, on one core while the other idles. When the wasm heap is a
 * SharedArrayBuffer (the threaded build) and node:worker_threads exists (Deno,
 * Node), a Worker compiles the same SIMD kernels against that heap and runs
 * the upper part of each large variable while the caller runs the lower part.
 * The step is synchronous, so they meet through Atomics on a shared control
 * block (the caller blocks in Atomics.wait, which Deno and Node allow on the
 * main thread). The work is element-wise, so the result is the same bits
 * however it is split. The Worker is unreferenced, so it never keeps a process
 * alive; there is one per heap.
 */
import {
  ADAM_HYPER,
  ADAM_TASK,
  CONTROL_SLOTS,
  DONE,
  FAILED,
  MAX_TASKS,
  READY,
  REQUEST,
  STATE,
} from "./_adam_protocol.ts";

/** One call of the Adam kernel: bytes, then the byte offsets of p, g, m, v, p', m', v'. */
export type AdamTask = readonly [number, number, number, number, number, number, number, number];

/** The helper of one heap. */
export interface AdamHelper {
  /** Whether the helper has compiled its kernels and waits for work. */
  ready(): boolean;
  /**
   * Posts `tasks` (at most MAX_TASKS) with the kernel's eight scalars; the
   * caller must then call {@link AdamHelper.finish} before touching their outputs.
   */
  start(hyper: readonly number[], tasks: readonly AdamTask[]): void;
  /**
   * Blocks until the posted tasks are done. Returns false when the helper
   * failed on them (the caller then runs them itself; the helper is off).
   */
  finish(): boolean;
}

/** How long the caller waits for a batch before it says the helper hangs. */
const FINISH_TIMEOUT_MS = 120_000;

const helpers = new WeakMap<WebAssembly.Memory, AdamHelper | null>();

/** Whether a second Adam thread is wanted (DISENTANGLE_ADAM_HELPER=off turns it off). */
function wanted(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  try {
    return deno?.env.get("DISENTANGLE_ADAM_HELPER") !== "off";
  } catch {
    return true; // no --allow-env: the default
  }
}

/**
 * The helper of `memory`, started on first use (it is ready a few
 * milliseconds later; until then {@link AdamHelper.ready} is false), or null
 * where there can be none: a heap that is not shared, a runtime without
 * Workers, or DISENTANGLE_ADAM_HELPER=off.
 */
export function adamHelper(memory: WebAssembly.Memory): AdamHelper | null {
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

function startHelper(memory: WebAssembly.Memory): AdamHelper {
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  const block = new Float64Array(
    new SharedArrayBuffer((1 + ADAM_HYPER + MAX_TASKS * ADAM_TASK) * 8),
  );
  let sequence = 0;
  let off = false;
  import("node:worker_threads").then(({ Worker }) => {
    const worker = new Worker(new URL("./_adam_worker.ts", import.meta.url));
    worker.unref();
    // A worker that cannot start (or dies) leaves the helper off.
    worker.on("error", () => {
      off = true;
    });
    worker.postMessage({ memory, control: ctrl.buffer, tasks: block.buffer });
  }).catch(() => {
    off = true;
  });
  return {
    ready: () => !off && Atomics.load(ctrl, STATE) === READY,
    start(hyper, tasks) {
      if (tasks.length > MAX_TASKS) {
        throw new RangeError(`Cannot post ${tasks.length} Adam tasks: at most ${MAX_TASKS}`);
      }
      block[0] = tasks.length;
      block.set(hyper, 1);
      tasks.forEach((task, i) => block.set(task, 1 + ADAM_HYPER + i * ADAM_TASK));
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
            `Cannot apply Adam: its helper thread did not finish a batch in ${
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
