/**
 * The native libraries' threads must not spin between products: OpenBLAS's
 * (by default ~0.1 s after each sgemm) and OpenMP's held the cores that
 * oneDNN's and XNNPACK's threads needed next, making two threads slower than
 * one. The loaders ask both to sleep at once, unless the user chose otherwise.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScript } from "../_helpers/cli.ts";

const PROBE = fileURLToPath(new URL("./_native_env_probe.ts", import.meta.url));

interface Probe {
  blas: boolean;
  dnnl: boolean;
  OPENBLAS_THREAD_TIMEOUT: string | null;
  OMP_WAIT_POLICY: string | null;
}

async function probe(env: Record<string, string>): Promise<Probe> {
  const out = await runScript(PROBE, [], env);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout.trim().split("\n").at(-1)!);
}

Deno.test("native loaders: OpenBLAS and OpenMP threads sleep between products by default", async () => {
  const r = await probe({});
  // The settings are made before any library opens, so they hold even where none is installed.
  assert.equal(r.OPENBLAS_THREAD_TIMEOUT, "4");
  assert.equal(r.OMP_WAIT_POLICY, "passive");
});

Deno.test("native loaders: the user's own wait settings are kept", async () => {
  const r = await probe({ OPENBLAS_THREAD_TIMEOUT: "20", OMP_WAIT_POLICY: "active" });
  assert.equal(r.OPENBLAS_THREAD_TIMEOUT, "20");
  assert.equal(r.OMP_WAIT_POLICY, "active");
});

Deno.test("native loaders: switched off, they leave the environment alone", async () => {
  const r = await probe({ DISENTANGLE_BLAS: "off", DISENTANGLE_DNNL: "off" });
  assert.deepEqual(r, {
    blas: false,
    dnnl: false,
    OPENBLAS_THREAD_TIMEOUT: null,
    OMP_WAIT_POLICY: null,
  });
});
