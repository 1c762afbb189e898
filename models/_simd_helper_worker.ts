/**
 * The helper thread of the library's SIMD kernels (see `_simd_helper.ts`):
 * compiles them against the wasm heap it shares with the main thread, says it
 * is ready, then runs each batch of tasks the main thread posts through the
 * control block and signals when they are done. It never returns to its event
 * loop; the main thread's Worker is unreferenced and ends with the process.
 */
import { parentPort } from "node:worker_threads";
import { simdKernels } from "./_simd_wasm.ts";
import {
  DONE,
  FAILED,
  HYPER,
  KERNELS,
  READY,
  REQUEST,
  STATE,
  TASK,
} from "./_simd_helper_protocol.ts";

parentPort?.once("message", (message: unknown) => {
  const { memory, control, tasks } = message as {
    memory: WebAssembly.Memory;
    control: SharedArrayBuffer;
    tasks: SharedArrayBuffer;
  };
  const ctrl = new Int32Array(control);
  const t = new Float64Array(tasks);
  const kernels = simdKernels(memory);
  if (kernels === null) {
    Atomics.store(ctrl, STATE, FAILED);
    Atomics.notify(ctrl, STATE);
    return;
  }
  // Every function takes its integer arguments first; Adam then its scalars.
  const run = KERNELS.map((name) => kernels[name] as (...args: number[]) => void);
  Atomics.store(ctrl, STATE, READY);
  Atomics.notify(ctrl, STATE);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, REQUEST, seen);
    seen = Atomics.load(ctrl, REQUEST);
    try {
      const hyper = Array.from(t.subarray(1, 1 + HYPER));
      for (let i = 0, at = 1 + HYPER; i < t[0]; i++, at += TASK) {
        const id = t[at];
        const adam = KERNELS[id] === "adam";
        // A function's integer arguments: its arity, less Adam's scalars.
        const ints = run[id].length - (adam ? HYPER : 0);
        const args = Array.from(t.subarray(at + 1, at + 1 + ints));
        run[id](...args, ...(adam ? hyper : []));
      }
    } catch {
      // The main thread then runs this batch itself and stops using the helper.
      Atomics.store(ctrl, STATE, FAILED);
    }
    Atomics.store(ctrl, DONE, seen);
    Atomics.notify(ctrl, DONE);
  }
});
