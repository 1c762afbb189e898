// When the runtime refuses the library's SIMD module, simdKernels falls back
// (null: callers use the backend's kernels), keeps the reason for
// simdFallbackReason and warns once per process, not once per heap. Its own
// file: the reason and the warning are per-process state, and the wasm
// backend it starts keeps the fallback for the rest of the file.
import assert from "node:assert/strict";
import { simdFallbackReason, simdKernels } from "../../models/_simd_wasm.ts";
import { useBackend } from "../../models/use_backend.ts";

Deno.test("a SIMD module the runtime refuses: null kernels, the reason kept, one warning", () => {
  const OriginalModule = WebAssembly.Module;
  const originalWarn = console.warn;
  const warnings: string[] = [];
  try {
    assert.equal(simdFallbackReason(), undefined);
    WebAssembly.Module = function () {
      throw new WebAssembly.CompileError("SIMD is switched off in this runtime");
    } as unknown as typeof WebAssembly.Module;
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
    assert.equal(simdKernels(new WebAssembly.Memory({ initial: 1 })), null);
    assert.equal(simdKernels(new WebAssembly.Memory({ initial: 1 })), null); // another heap
    assert.equal(simdFallbackReason(), "SIMD is switched off in this runtime");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0],
      /^warning: the library's SIMD wasm kernels could not be compiled \(SIMD is switched off in this runtime\); training uses the backend's slower kernels instead$/,
    );
  } finally {
    WebAssembly.Module = OriginalModule;
    console.warn = originalWarn;
  }
  // A heap seen once stays on the fallback; a new one compiles again.
  assert.ok(simdKernels(new WebAssembly.Memory({ initial: 1 })));
});

Deno.test("useBackend('wasm') names the reason in its selection and its summary", async () => {
  const OriginalModule = WebAssembly.Module;
  const originalWarn = console.warn;
  try {
    WebAssembly.Module = function () {
      throw new WebAssembly.CompileError("no SIMD here");
    } as unknown as typeof WebAssembly.Module;
    console.warn = () => {};
    const chosen = await useBackend("wasm", { threads: 1, native: false });
    assert.equal(chosen.simdReason, "no SIMD here");
    assert.match(chosen.summary, /; the library's SIMD kernels off \(no SIMD here\)$/);
  } finally {
    WebAssembly.Module = OriginalModule;
    console.warn = originalWarn;
  }
  const cpu = await useBackend("cpu");
  assert.equal(cpu.simdReason, undefined);
});
