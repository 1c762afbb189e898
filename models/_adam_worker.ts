/**
 * The helper thread of the fused Adam pass (see `_adam_helper.ts`): compiles
 * the SIMD kernels against the wasm heap it shares with the main thread, says
 * it is ready, then runs each batch of tasks the main thread posts through the
 * control block and signals when they are done. It never returns to its event
 * loop; the main thread's Worker is unreferenced and ends with the process.
 */
import { parentPort } from "node:worker_threads";
import { simdKernels } from "./_simd_wasm.ts";
import { ADAM_HYPER, ADAM_TASK, DONE, FAILED, READY, REQUEST, STATE } from "./_adam_protocol.ts";

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
  Atomics.store(ctrl, STATE, READY);
  Atomics.notify(ctrl, STATE);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, REQUEST, seen);
    seen = Atomics.load(ctrl, REQUEST);
    try {
      const h = t.subarray(1, 1 + ADAM_HYPER);
      for (let i = 0, at = 1 + ADAM_HYPER; i < t[0]; i++, at += ADAM_TASK) {
        kernels.adam(
          t[at],
          t[at + 1],
          t[at + 2],
          t[at + 3],
          t[at + 4],
          t[at + 5],
          t[at + 6],
          t[at + 7],
          h[0],
          h[1],
          h[2],
          h[3],
          h[4],
          h[5],
          h[6],
          h[7],
        );
      }
    } catch {
      // The main thread then runs this batch itself and stops using the helper.
      Atomics.store(ctrl, STATE, FAILED);
    }
    Atomics.store(ctrl, DONE, seen);
    Atomics.notify(ctrl, DONE);
  }
});
