/**
 * An optional native BLAS for the wasm backend's matrix products: OpenBLAS
 * opened through Deno's FFI (`Deno.dlopen`), its multi-threaded `cblas_sgemm`
 * reading and writing the wasm heap in place (a pointer to the heap's
 * `Float32Array` plus byte offsets; this works whether the heap is an
 * `ArrayBuffer` or, in the threaded wasm build, a `SharedArrayBuffer`, and the
 * base address survives heap growth).
 *
 * Absence is never an error: without --allow-ffi, with DISENTANGLE_BLAS=off,
 * or with no library found, {@link loadNativeBlas} returns null and passes a
 * one-line reason to `options.onUnavailable`.
 */
import { envDefault, envValue, openFailure } from "./_native_library.ts";

/** Row-major order and the transpose flags of the CBLAS interface. */
const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

/** The symbols opened; only `cblas_sgemm` is required. */
const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32", // order
      "i32", // transA
      "i32", // transB
      "i32", // M
      "i32", // N
      "i32", // K
      "f32", // alpha
      "pointer", // A
      "i32", // lda
      "pointer", // B
      "i32", // ldb
      "f32", // beta
      "pointer", // C
      "i32", // ldc
    ],
    result: "void",
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
} as const;

/** A float32 general matrix product on row-major matrices: C ← α·op(A)·op(B) + β·C. */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Deno.PointerValue,
  lda: number,
  b: Deno.PointerValue,
  ldb: number,
  beta: number,
  c: Deno.PointerValue,
  ldc: number,
) => void;

/** A loaded native BLAS. */
export interface NativeBlas {
  /** The path (or file name) the library was opened from. */
  readonly library: string;
  /** Threads `sgemm` runs on (as OpenBLAS reports it; 1 when it cannot say). */
  readonly threads: number;
  /** The library's build description (`openblas_get_config`), or "unknown". */
  readonly config: string;
  /** `cblas_sgemm` in row-major order. */
  readonly sgemm: Sgemm;
  /** Closes the library; `sgemm` must not be called afterwards. */
  close(): void;
}

/** Options of {@link loadNativeBlas}. */
export interface LoadNativeBlasOptions {
  /**
   * Threads OpenBLAS computes on (`openblas_set_num_threads`).
   * @default every logical core (navigator.hardwareConcurrency)
   */
  threads?: number;
  /**
   * Library paths tried in order (DISENTANGLE_BLAS=path replaces them).
   * @default Debian/Ubuntu's OpenBLAS (pthread build), then `libopenblas.so.0`,
   *   `libopenblas.so`, `libblas.so.3` on the loader's search path (macOS:
   *   Homebrew's `libopenblas.dylib`; Windows: `libopenblas.dll`)
   */
  paths?: readonly string[];
  /**
   * Receives the one-line reason when no library is loaded.
   * @default ignore it
   */
  onUnavailable?: (reason: string) => void;
}

/** Where OpenBLAS usually is on this platform. */
function defaultPaths(): string[] {
  const { os, arch } = Deno.build;
  if (os === "darwin") {
    return [
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "libopenblas.dylib",
    ];
  }
  if (os === "windows") return ["libopenblas.dll", "openblas.dll"];
  const multiarch = `/usr/lib/${arch}-linux-gnu`;
  return [
    `${multiarch}/openblas-pthread/libopenblas.so.0`,
    "libopenblas.so.0",
    "libopenblas.so",
    `${multiarch}/openblas-pthread/libblas.so.3`,
    "libblas.so.3",
  ];
}

/**
 * Asks OpenBLAS's threads to sleep almost at once after a product (unless the
 * user set OPENBLAS_THREAD_TIMEOUT): by default they spin for 2^28 cycles,
 * about 0.1 s, which holds a core that oneDNN's and XNNPACK's threads need
 * next. Measured on 2 cores, 2026-12-03: the conv step went from ~8.5 to
 * ~11.5 steps/s and the MLP step from ~10 to ~12 steps/s. It must be set
 * before the library opens, which reads it once.
 */
function shortThreadTimeout(): void {
  envDefault("OPENBLAS_THREAD_TIMEOUT", "4");
}

/**
 * Opens OpenBLAS (or another CBLAS with `cblas_sgemm`) through Deno's FFI and
 * sets its thread count. Tries DISENTANGLE_BLAS alone when it names a path,
 * else `options.paths` in order. Returns null, passing one line saying why to
 * `options.onUnavailable`, when DISENTANGLE_BLAS is "off", when Deno was not
 * given --allow-ffi, or when no library opens; it never throws for absence.
 *
 * On Debian or Ubuntu: `apt-get install libopenblas0-pthread`.
 *
 * @param options thread count, paths to try, where the reason goes.
 * @returns the library, its thread count and build description, and `sgemm`; or null.
 * @throws {RangeError} when `options.threads` is not a positive integer.
 *
 * @example
 * ```ts
 * import { loadNativeBlas } from "./_native_blas.ts";
 * import assert from "node:assert/strict";
 *
 * let reason = "";
 * const blas = loadNativeBlas({ threads: 1, onUnavailable: (line) => (reason = line) });
 * if (blas === null) {
 *   assert.match(reason, /^Cannot load a native BLAS: /);
 * } else {
 *   assert.equal(blas.threads, 1);
 *   blas.close();
 * }
 * ```
 */
export function loadNativeBlas(options: LoadNativeBlasOptions = {}): NativeBlas | null {
  const {
    threads = (globalThis.navigator as { hardwareConcurrency?: number })?.hardwareConcurrency ?? 1,
    onUnavailable = () => {},
  } = options;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(
      `Cannot load a native BLAS: options.threads must be a positive integer, got ${threads}`,
    );
  }
  const unavailable = (why: string): null => {
    onUnavailable(`Cannot load a native BLAS: ${why}`);
    return null;
  };
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno?.dlopen === undefined) return unavailable("this runtime has no Deno.dlopen");
  const env = envValue("DISENTANGLE_BLAS");
  if (env?.toLowerCase() === "off") return unavailable("DISENTANGLE_BLAS=off");
  if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return unavailable("Deno was not given --allow-ffi");
  }
  const paths = env === undefined ? [...(options.paths ?? defaultPaths())] : [env];
  shortThreadTimeout();
  const failures: string[] = [];
  for (const path of paths) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = deno.dlopen(path, SYMBOLS);
    } catch (e) {
      failures.push(openFailure(path, e));
      continue;
    }
    const s = lib.symbols;
    s.openblas_set_num_threads?.(threads);
    const used = s.openblas_get_num_threads?.() ?? 1;
    const configPointer = s.openblas_get_config?.() ?? null;
    const config = configPointer === null
      ? "unknown"
      : Deno.UnsafePointerView.getCString(configPointer).trim();
    const gemm = s.cblas_sgemm;
    const sgemm: Sgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
      gemm(
        CBLAS_ROW_MAJOR,
        transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
        transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
      );
    return { library: path, threads: used, config, sgemm, close: () => lib.close() };
  }
  const source = env === undefined ? "" : " (DISENTANGLE_BLAS)";
  return unavailable(
    `no library opened${source}: ${failures[0] ?? "no paths given"}${
      failures.length > 1 ? `, and ${failures.length - 1} more paths` : ""
    }; on Debian/Ubuntu: apt-get install libopenblas0-pthread`,
  );
}
