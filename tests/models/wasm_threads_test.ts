// The threaded wasm build: each case runs in its own process, since the thread
// count is fixed when the wasm backend first initialises.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { useBackend } from "../../models/use_backend.ts";
import { assertRejectsWith } from "../_helpers/assert.ts";
import { runScript } from "../_helpers/cli.ts";
import { loadNativeDnnl } from "../../models/_native_dnnl.ts";

/** Whether the probes will find oneDNN (as useBackend looks for it). */
const oneDnn = (() => {
  const lib = loadNativeDnnl();
  lib?.close();
  return lib !== null;
})();

const PROBE = fileURLToPath(new URL("./_wasm_threads_probe.ts", import.meta.url));

interface Probe {
  threads: number;
  native: boolean;
  wasmMatMul: boolean;
  wasmConv: boolean;
  convolutionThreads: number | null;
  loss: number;
  lossCpu: number;
  product: number[];
  productCpu: number[];
  moments: number[];
  momentsCpu: number[];
  simdHelper: boolean;
  selectionHelper: boolean;
  splitMismatches: number;
  bigAdamValues: number;
  bigAdamMismatches: number;
  tensorsGrew: number;
  soakTensorsGrew: number;
  soakWorkersGrew: number;
}

async function probe(env: Record<string, string>): Promise<{ result: Probe }> {
  // The library's product is on unless a case turns it off (another test file
  // in this process may have the variable set for a moment).
  const out = await runScript(PROBE, [], { DISENTANGLE_WASM_GEMM: "on", ...env });
  assert.equal(out.code, 0, out.stderr);
  return { result: JSON.parse(out.stdout.trim().split("\n").at(-1)!) };
}

function assertClose(a: number[], b: number[], tol: number, what: string) {
  assert.equal(a.length, b.length, what);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  a.forEach((v, i) => {
    assert.ok(Math.abs(v - b[i]) <= tol * scale, `${what}[${i}]: ${v} vs ${b[i]}`);
  });
}

Deno.test("wasm on 2 threads: same products, Adam moments and loss as the cpu backend; exits by itself", async () => {
  // Without oneDNN: with it, XNNPACK runs on one thread.
  const { result } = await probe({ DISENTANGLE_THREADS: "2", DISENTANGLE_DNNL: "off" });
  assert.equal(result.threads, 2);
  assert.equal(result.wasmConv, true, "without oneDNN, the library's convolutions");
  assertClose(result.product, result.productCpu, 1e-5, "product");
  // fusedAdam on the shared heap follows tf.train.adam's float32 order exactly,
  // also where it splits a variable with its helper thread.
  assert.deepEqual(result.moments, result.momentsCpu);
  assert.equal(result.simdHelper, true, "the SIMD helper thread starts on a shared heap");
  assert.equal(result.selectionHelper, true, "useBackend waits for the helper and says so");
  assert.equal(result.splitMismatches, 0, "split element-wise passes equal whole ones");
  assert.equal(result.bigAdamValues, 3 * (3 * 32768 + 3 + 32767));
  assert.equal(result.bigAdamMismatches, 0, "split Adam steps are bit-identical to tf.train.adam");
  assert.ok(Math.abs(result.loss - result.lossCpu) <= 1e-4 * Math.abs(result.lossCpu));
  assert.equal(result.tensorsGrew, 0, "no tensor leaks over the steps");
  assert.equal(result.soakTensorsGrew, 0, "tensor count constant over 1 000 steps");
  assert.equal(result.soakWorkersGrew, 0, "worker count constant over 1 000 steps");
});

Deno.test({
  name: "with oneDNN for the convolutions, XNNPACK runs on one thread; the native libraries on two",
  ignore: !oneDnn,
  fn: async () => {
    const { result } = await probe({ DISENTANGLE_THREADS: "2" });
    assert.equal(result.threads, 1);
    assert.equal(result.convolutionThreads, 2);
    // The threaded build even so: its shared heap gives Adam a second thread.
    assert.equal(result.simdHelper, true, "the SIMD helper thread beside oneDNN");
    assert.equal(result.selectionHelper, true, "useBackend waits for the helper and says so");
    assert.equal(result.splitMismatches, 0, "split element-wise passes equal whole ones");
    assert.equal(
      result.bigAdamMismatches,
      0,
      "split Adam steps are bit-identical to tf.train.adam",
    );
    assertClose(result.product, result.productCpu, 1e-5, "product");
    assert.ok(Math.abs(result.loss - result.lossCpu) <= 1e-4 * Math.abs(result.lossCpu));
  },
});

Deno.test("DISENTANGLE_THREADS=1 selects the single-threaded build", async () => {
  const { result } = await probe({ DISENTANGLE_THREADS: "1" });
  assert.equal(result.threads, 1);
  assert.equal(result.simdHelper, false, "one thread: no SIMD helper");
  assert.equal(result.selectionHelper, false);
  assert.equal(result.splitMismatches, 0);
  assert.equal(result.bigAdamMismatches, 0);
  assertClose(result.product, result.productCpu, 1e-5, "product");
  assert.deepEqual(result.moments, result.momentsCpu);
});

Deno.test("a thread count that is not a positive integer is a RangeError", async () => {
  for (const threads of [0, -1, 1.5]) {
    await assertRejectsWith(
      () => useBackend("wasm", { threads }),
      RangeError,
      /^Cannot use backend "wasm": options\.threads must be a positive integer, got /,
    );
  }
});

Deno.test("with and without the native BLAS, on the library's product or XNNPACK's: the same products and loss", async () => {
  const off = (await probe({ DISENTANGLE_THREADS: "2", DISENTANGLE_BLAS: "off" })).result;
  const xnnpack = (await probe({
    DISENTANGLE_THREADS: "2",
    DISENTANGLE_BLAS: "off",
    DISENTANGLE_WASM_GEMM: "off",
  })).result;
  const on = (await probe({ DISENTANGLE_THREADS: "2" })).result;
  assert.equal(off.native, false, "DISENTANGLE_BLAS=off: no native BLAS");
  assert.equal(off.wasmMatMul, true, "without a BLAS, the library's SIMD product");
  assert.equal(xnnpack.wasmMatMul, false, "DISENTANGLE_WASM_GEMM=off: XNNPACK's");
  assert.equal(xnnpack.wasmConv, false, "DISENTANGLE_WASM_GEMM=off: XNNPACK's convolutions");
  assert.equal(on.wasmMatMul, !on.native, "the library's product only where no BLAS loads");
  for (const [what, r] of [["library's product", off], ["XNNPACK", xnnpack]] as const) {
    assertClose(r.product, r.productCpu, 1e-5, `product on ${what}`);
    assert.ok(
      Math.abs(r.loss - r.lossCpu) <= 1e-4 * Math.abs(r.lossCpu),
      `${what}: ${r.loss} vs cpu ${r.lossCpu}`,
    );
  }
  assertClose(on.product, off.product, 1e-5, "product with vs without native");
  assert.ok(Math.abs(on.loss - off.loss) <= 1e-4 * Math.abs(off.loss), `${on.loss} vs ${off.loss}`);
});
