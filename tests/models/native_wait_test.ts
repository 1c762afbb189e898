/**
 * The native libraries' threads must not spin between products: OpenBLAS's
 * (by default ~0.1 s after each sgemm) and OpenMP's held the cores that
 * oneDNN's and XNNPACK's threads needed next, making two threads slower than
 * one. The loaders ask both to sleep at once, unless the user chose otherwise.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const PROBE = fileURLToPath(new URL("./_native_env_probe.ts", import.meta.url));

interface Probe {
  blas: boolean;
  dnnl: boolean;
  OPENBLAS_THREAD_TIMEOUT: string | null;
  OMP_WAIT_POLICY: string | null;
}

/**
 * Runs the probe in a clean environment plus `env`: the loaders set these
 * variables in this test process too, when other test files open the libraries.
 */
async function probe(env: Record<string, string>): Promise<Probe> {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "LD_LIBRARY_PATH"];
  const base = Object.fromEntries(
    keep.flatMap((k) => (Deno.env.get(k) === undefined ? [] : [[k, Deno.env.get(k)!]])),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PROBE],
    clearEnv: true,
    env: { ...base, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  assert.equal(out.code, 0, text(out.stderr));
  return JSON.parse(text(out.stdout).trim().split("\n").at(-1)!);
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
