// Run by native_wait_test.ts in a process of its own: opens the native
// libraries the way useBackend does and prints, as one JSON line, which ones
// opened and the OpenBLAS and OpenMP wait settings they were opened with.
import { loadNativeBlas } from "../../models/_native_blas.ts";
import { loadNativeDnnl } from "../../models/_native_dnnl.ts";

const blas = loadNativeBlas({ threads: 1 });
const dnnl = loadNativeDnnl({ threads: 1 });
console.log(JSON.stringify({
  blas: blas !== null,
  dnnl: dnnl !== null,
  OPENBLAS_THREAD_TIMEOUT: Deno.env.get("OPENBLAS_THREAD_TIMEOUT") ?? null,
  OMP_WAIT_POLICY: Deno.env.get("OMP_WAIT_POLICY") ?? null,
}));
blas?.close();
dnnl?.close();
