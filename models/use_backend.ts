import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "./register_wasm_training_kernels.ts";
import { initThreadedWasm, MAX_WASM_THREADS } from "./_wasm_threads.ts";
import { loadNativeBlas, type NativeBlas } from "./_native_blas.ts";
import { nativeKernels } from "./_native_kernels.ts";
import { wasmGemm } from "./_wasm_gemm.ts";
import { wasmConvKernels } from "./_wasm_conv_kernels.ts";
import { relaxedSimd } from "./_simd_sgemm.ts";
import { loadNativeDnnl, type NativeDnnl } from "./_native_dnnl.ts";
import { nativeConvKernels } from "./_native_conv_kernels.ts";
import { firstLine } from "./_first_line.ts";
import { heapMemory, simdFallbackReason, simdKernels } from "./_simd_wasm.ts";
import { simdHelper } from "./_simd_helper.ts";

/** Backends {@link useBackend} can select, in the order a command line lists them. */
export const BACKEND_NAMES = ["wasm", "cpu", "webgpu", "tensorflow", "tensorflow-gpu"] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = typeof BACKEND_NAMES[number];

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * When the requested backend cannot be loaded: `true` prints one warning
   * line (what to install and how) and uses the wasm backend instead (the cpu
   * backend if wasm itself fails); `false` throws an `Error` whose message is
   * that line.
   * @default false
   */
  fallback?: boolean;
  /**
   * Receives the warning line when falling back.
   * @default console.warn
   */
  warn?: (line: string) => void;
  /**
   * Threads of the wasm backend (XNNPACK's pool, at most 4) and of the native
   * libraries. With more than one, the threaded SIMD build runs on Workers
   * sharing its heap; 1 is the single-threaded build. When oneDNN computes
   * the convolutions (see `native`), XNNPACK is left with element-wise work
   * and runs on one thread, which measured faster: the count is then
   * oneDNN's and OpenBLAS's. With more than one, the library's own SIMD
   * passes (Adam, bias add, ReLU, the Bernoulli likelihood) also run half on
   * a helper Worker sharing the heap (DISENTANGLE_SIMD_HELPER=off keeps them
   * on the calling thread). It is fixed when the wasm backend first
   * initialises in a process: later calls report the count in use.
   * @default the environment variable DISENTANGLE_THREADS if set, else every
   *   logical core (navigator.hardwareConcurrency), at most 4
   */
  threads?: number;
  /**
   * On wasm, compute matrix products with a native OpenBLAS and convolutions
   * (with their gradients, and transposed convolutions) with a native oneDNN,
   * through Deno FFI, when they are installed (Debian: `libopenblas0-pthread`,
   * `libdnnl2`) and Deno has `--allow-ffi`; otherwise, or with `false`, they
   * stay on the library's wasm kernels and XNNPACK (matrix products on the
   * library's SIMD product, unless DISENTANGLE_WASM_GEMM=off leaves them to
   * XNNPACK). DISENTANGLE_BLAS and DISENTANGLE_DNNL switch one off (`off`)
   * or name its library (a path).
   * Decided once per process, with the wasm backend's first initialisation.
   * @default true
   */
  native?: boolean;
}

/** What {@link useBackend} selected. */
export interface BackendSelection {
  /** The backend asked for. */
  requested: BackendName;
  /** The tfjs backend now active (`tf.getBackend()`), e.g. "wasm" or "tensorflow". */
  active: string;
  /** Whether the requested backend was unavailable and another one is used. */
  fellBack: boolean;
  /**
   * Threads the active backend computes on (1 for cpu; XNNPACK's pool size on
   * wasm, 1 when oneDNN computes the convolutions: see `native` and
   * `convolutions` for the native libraries' threads).
   */
  threads: number;
  /**
   * The native BLAS computing the wasm backend's matrix products (library,
   * build, threads), or null when they run on XNNPACK.
   */
  native: { library: string; config: string; threads: number } | null;
  /**
   * Whether the library's own SIMD matrix product (_wasm_gemm.ts) computes the
   * wasm backend's matrix products: where no native BLAS does, unless
   * DISENTANGLE_WASM_GEMM=off leaves them to XNNPACK.
   */
  wasmMatMul: boolean;
  /**
   * Whether the library's own SIMD product computes the wasm backend's
   * convolutions (forward and data gradients; _wasm_conv_kernels.ts): where
   * no oneDNN does, unless DISENTANGLE_WASM_GEMM=off leaves them to XNNPACK.
   */
  wasmConv: boolean;
  /** Why no native BLAS is used on wasm (undefined when one is). */
  nativeReason?: string;
  /**
   * The native oneDNN computing the wasm backend's convolutions (library,
   * version, threads), or null when they run on XNNPACK and the library's
   * wasm kernels.
   */
  convolutions: { library: string; version: string; threads: number } | null;
  /** Why no native oneDNN is used on wasm (undefined when one is). */
  convolutionsReason?: string;
  /**
   * Why the library's own SIMD kernels (Adam, transposes, column sums,
   * one-channel filter gradients) are not used on wasm, e.g. the error that
   * stopped their compilation; the backend's kernels run instead. Undefined
   * when they are used, and off wasm.
   */
  simdReason?: string;
  /**
   * Whether the SIMD passes (Adam, the large element-wise passes, the
   * one-channel scatter) split with a helper thread (_simd_helper.ts): on
   * wasm with a shared heap (more than one thread) and Workers, unless
   * DISENTANGLE_SIMD_HELPER=off.
   */
  simdHelper: boolean;
  /**
   * One line for a log: the backend, its build and threads, e.g. "wasm
   * (XNNPACK SIMD, 1 thread) with OpenBLAS 0.3.21 … (2 threads) for matrix products
   * and oneDNN 2.6.3 (2 threads) for convolutions".
   */
  summary: string;
}

/**
 * Whether the library's own SIMD product took the wasm backend's matrix
 * products (_wasm_gemm.ts) and convolutions (_wasm_conv_kernels.ts), where no
 * native library did (decided once, when the backend's heap exists);
 * undefined until then.
 */
let wasmProducts: { matMul: boolean; conv: boolean } | undefined;

/** Whether the library's own product is wanted (DISENTANGLE_WASM_GEMM=off: XNNPACK's). */
function wasmProductsWanted(): boolean {
  try {
    return (globalThis as { Deno?: typeof Deno }).Deno?.env.get("DISENTANGLE_WASM_GEMM") !== "off";
  } catch {
    return true;
  }
}

/**
 * Registers the library's matrix product and convolutions on the wasm heap in
 * place of the kernels registered now, once per process, where no native
 * BLAS (for the products) or oneDNN (for the convolutions) computes them and
 * the library's SIMD kernels compile.
 */
function setUpWasmProducts(): void {
  if (wasmProducts !== undefined) return;
  wasmProducts = { matMul: false, conv: false };
  if (!wasmProductsWanted()) return;
  const gemm = wasmGemm(heapMemory(wasmOf()));
  if (gemm === null) return;
  if (!nativeState?.blas) {
    register(nativeKernels(gemm, {
      BatchMatMul: tf.getKernel("BatchMatMul", "wasm")!,
      _FusedMatMul: tf.getKernel("_FusedMatMul", "wasm")!,
    }));
    wasmProducts.matMul = true;
  }
  if (!nativeState?.dnnl) {
    register(wasmConvKernels({
      Conv2D: tf.getKernel("Conv2D", "wasm")!,
      FusedConv2D: tf.getKernel("FusedConv2D", "wasm")!,
      Conv2DBackpropFilter: tf.getKernel("Conv2DBackpropFilter", "wasm")!,
      Conv2DBackpropInput: tf.getKernel("Conv2DBackpropInput", "wasm")!,
    }));
    wasmProducts.conv = true;
  }
}

/** The native BLAS state of this process's wasm backend, once decided. */
let nativeState:
  | { blas: NativeBlas | null; reason?: string; dnnl: NativeDnnl | null; dnnlReason?: string }
  | undefined;

function plural(n: number): string {
  return `${n} thread${n === 1 ? "" : "s"}`;
}

/**
 * "OpenBLAS 0.3.21 (Haswell, 2 threads)" from openblas_get_config's "OpenBLAS
 * 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64": name,
 * version, and the kernel family it picked (its last plain capitalised word).
 */
function blasLabel(config: string, threads: number): string {
  const words = config.split(" ");
  const kernel = words.slice(2).filter((w) => /^[A-Z][a-zA-Z0-9]+$/.test(w)).at(-1) ?? "native";
  return `${words.slice(0, 2).join(" ")} (${kernel}, ${plural(threads)})`;
}

/** How long useBackend waits for the SIMD helper thread to compile its kernels. */
const HELPER_START_MS = 5_000;

/** The active wasm backend's module, for its heap. */
function wasmOf(): Parameters<typeof heapMemory>[0] {
  return (tf.backend() as unknown as { wasm?: Parameters<typeof heapMemory>[0] }).wasm;
}

/**
 * Why the library's SIMD kernels cannot run on the active wasm backend's heap,
 * or undefined when they can. Compiles them now (once per heap) rather than
 * at the first training step, so the summary can say so.
 */
function simdUnavailable(): string | undefined {
  const memory = heapMemory(wasmOf());
  if (memory === undefined) return "the wasm backend exposes no heap";
  return simdKernels(memory) === null
    ? simdFallbackReason() ?? "they could not be compiled"
    : undefined;
}

function selectionOf(
  requested: BackendName,
  fellBack: boolean,
  threads: number,
): BackendSelection {
  const active = tf.getBackend();
  const blas = active === "wasm" ? nativeState?.blas ?? null : null;
  const native = blas === null
    ? null
    : { library: blas.library, config: blas.config, threads: blas.threads };
  const dnnl = active === "wasm" ? nativeState?.dnnl ?? null : null;
  const convolutions = dnnl === null
    ? null
    : { library: dnnl.library, version: dnnl.version, threads: dnnl.threads };
  const simdReason = active === "wasm" ? simdUnavailable() : undefined;
  const helper = active === "wasm" && simdReason === undefined &&
    (simdHelper(heapMemory(wasmOf()))?.ready() ?? false);
  let summary = active;
  if (active === "wasm") {
    summary = `wasm (XNNPACK SIMD, ${plural(threads)})`;
    const noBlas = nativeState?.reason ?? "no native BLAS";
    const simdMadd = relaxedSimd() ? "fused multiply-add" : "multiply then add";
    summary += native !== null
      ? ` with ${blasLabel(native.config, native.threads)} for matrix products`
      : wasmProducts?.matMul
      ? `; matrix products on the library's SIMD kernel (${simdMadd}; ${noBlas})`
      : `; matrix products on XNNPACK (${noBlas})`;
    const noDnnl = nativeState?.dnnlReason ?? "no oneDNN";
    summary += convolutions !== null
      ? `${native === null ? "; with" : " and"} oneDNN ${convolutions.version} (${
        plural(convolutions.threads)
      }) for convolutions`
      : wasmProducts?.conv
      ? `; convolutions on the library's SIMD kernel (${simdMadd}; ${noDnnl})`
      : `; convolutions on XNNPACK (${noDnnl})`;
    if (helper) summary += "; SIMD passes split with a helper thread";
    if (simdReason !== undefined) summary += `; the library's SIMD kernels off (${simdReason})`;
  } else if (active === "cpu") summary = "cpu (pure JavaScript, 1 thread)";
  return {
    requested,
    active,
    fellBack,
    threads,
    native,
    wasmMatMul: active === "wasm" && native === null && wasmProducts?.matMul === true,
    wasmConv: active === "wasm" && convolutions === null && wasmProducts?.conv === true,
    ...(active === "wasm" && nativeState?.reason ? { nativeReason: nativeState.reason } : {}),
    convolutions,
    ...(active === "wasm" && nativeState?.dnnlReason
      ? { convolutionsReason: nativeState.dnnlReason }
      : {}),
    ...(simdReason !== undefined ? { simdReason } : {}),
    simdHelper: helper,
    summary,
  };
}

function register(kernels: readonly tf.KernelConfig[]): void {
  for (const kernel of kernels) {
    tf.unregisterKernel(kernel.kernelName, "wasm");
    tf.registerKernel(kernel);
  }
}

/**
 * Registers the native matrix products and convolutions on wasm, once per
 * process (each if its library loads), in place of the kernels registered now.
 */
function setUpNative(enabled: boolean, threads: number): void {
  if (nativeState !== undefined) return;
  if (!enabled) {
    nativeState = {
      blas: null,
      reason: "native BLAS switched off",
      dnnl: null,
      dnnlReason: "native oneDNN switched off",
    };
    return;
  }
  let reason: string | undefined;
  const blas = loadNativeBlas({
    threads: Math.max(threads, 1),
    onUnavailable: (r) => reason = r.replace(/^Cannot load a native BLAS: /, ""),
  });
  if (blas !== null) {
    register(nativeKernels(blas, {
      BatchMatMul: tf.getKernel("BatchMatMul", "wasm")!,
      _FusedMatMul: tf.getKernel("_FusedMatMul", "wasm")!,
    }));
  }
  let dnnlReason: string | undefined;
  const dnnl = loadNativeDnnl({
    threads: Math.max(threads, 1),
    onUnavailable: (r) => dnnlReason = r.replace(/^Cannot load oneDNN: /, ""),
  });
  if (dnnl !== null) {
    register(nativeConvKernels(dnnl, {
      Conv2D: tf.getKernel("Conv2D", "wasm")!,
      FusedConv2D: tf.getKernel("FusedConv2D", "wasm")!,
      Conv2DBackpropInput: tf.getKernel("Conv2DBackpropInput", "wasm")!,
      Conv2DBackpropFilter: tf.getKernel("Conv2DBackpropFilter", "wasm")!,
    }, { sgemm: blas?.sgemm }));
  }
  nativeState = {
    blas,
    ...(blas === null ? { reason: reason ?? "no native BLAS found" } : {}),
    dnnl,
    ...(dnnl === null ? { dnnlReason: dnnlReason ?? "no oneDNN found" } : {}),
  };
}

const NATIVE_PACKAGES = {
  "tensorflow": "@tensorflow/tfjs-node",
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
} as const;

/** One-line advice for a native backend that did not load. */
function nativeAdvice(name: "tensorflow" | "tensorflow-gpu"): string {
  const pkg = NATIVE_PACKAGES[name];
  const gpu = name === "tensorflow-gpu"
    ? " It also needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 installed."
    : "";
  return `Install it with \`deno add npm:${pkg}@4.22.0 && deno install --allow-scripts=npm:${pkg}\` ` +
    `(its install script downloads libtensorflow, so it needs the internet), set ` +
    `"nodeModulesDir": "auto" in deno.json and run Deno with --allow-ffi.${gpu}`;
}

/** The cpu backend greets Node users once with advice that does not apply here. */
function silenceCpuGreeting(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

/** Thread count of the wasm backend once initialised in this process. */
let wasmThreads: number | undefined;

/** The requested wasm thread count: option, environment, or every core. */
function wantedThreads(threads: number | undefined, warn: (line: string) => void): number {
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(
        `Cannot use backend "wasm": options.threads must be a positive integer, got ${threads}`,
      );
    }
    return Math.min(threads, MAX_WASM_THREADS);
  }
  let fromEnv: string | undefined;
  try {
    fromEnv = (globalThis as { Deno?: typeof Deno }).Deno?.env.get("DISENTANGLE_THREADS");
  } catch { /* no --allow-env: use the cores */ }
  if (fromEnv !== undefined && fromEnv !== "") {
    const n = Number(fromEnv);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, MAX_WASM_THREADS);
    warn(`warning: DISENTANGLE_THREADS must be a positive integer, got "${fromEnv}"; ignored`);
  }
  const cores = (globalThis.navigator as { hardwareConcurrency?: number })?.hardwareConcurrency;
  return Math.max(1, Math.min(cores ?? 1, MAX_WASM_THREADS));
}

/**
 * XNNPACK's pool size for `threads` wanted: one thread when oneDNN takes the
 * convolutions, since XNNPACK is then left with element-wise passes and its
 * pool's idle workers took the cores oneDNN and OpenBLAS compute on. On the
 * 2-core build machine (2026-12-04) a burgess β-TCVAE step took 55–59 ms
 * with a one-thread XNNPACK against 66–74 ms with two (3 runs each,
 * alternated); the MLP's step did not change (66–73 against 69–72 ms).
 * Without oneDNN, XNNPACK computes the convolutions and keeps every thread
 * (the conv step on one thread took 290–360 ms against 180–188 ms).
 */
function xnnpackThreads(threads: number): number {
  return nativeState?.dnnl ? 1 : threads;
}

async function loadWasm(
  threads: number,
  warn: (line: string) => void,
  native = true,
): Promise<number> {
  const api = await import("@tensorflow/tfjs-backend-wasm");
  registerWasmTrainingKernels();
  const initialised = (tf.engine() as unknown as { registry: Record<string, unknown> })
    .registry.wasm !== undefined;
  // The native libraries come first: they decide XNNPACK's thread count.
  setUpNative(native, threads);
  const pool = xnnpackThreads(threads);
  // The threaded build even for a one-thread pool beside oneDNN: its heap is
  // shared, so the SIMD passes can run on a second thread (_simd_helper.ts).
  if (!initialised && threads > 1 && tf.env().getBool("IS_NODE")) {
    try {
      wasmThreads = await initThreadedWasm(api, pool);
    } catch (e) {
      warn(
        `warning: the wasm backend could not start its threaded build with ${pool} thread${
          pool > 1 ? "s" : ""
        } (${firstLine(e, 160)}); it runs on the single-threaded one`,
      );
    }
  }
  if (!(await tf.setBackend("wasm"))) {
    throw new Error("the wasm backend failed to initialise (its .wasm file could not be read)");
  }
  wasmThreads ??= api.getThreadsCount();
  setUpWasmProducts();
  // The SIMD passes' helper thread starts only when the event loop runs, so
  // it is started here, where a training loop that never yields would not.
  await simdHelper(heapMemory(wasmOf()))?.whenReady(HELPER_START_MS);
  return wasmThreads;
}

async function loadWebGpu(): Promise<void> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (gpu === undefined) throw new Error("this runtime has no WebGPU (navigator.gpu is missing)");
  if ((await gpu.requestAdapter()) === null) {
    throw new Error("no WebGPU adapter was found (no usable GPU or driver)");
  }
  await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend("webgpu"))) throw new Error("the webgpu backend failed to initialise");
}

async function loadNative(name: "tensorflow" | "tensorflow-gpu"): Promise<void> {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno !== undefined && deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    throw new Error("Deno was not given --allow-ffi, which native TensorFlow needs");
  }
  // tfjs-node 4.22 calls util.isNullOrUndefined, which newer runtimes removed.
  const util = (await import("node:util")).default as unknown as Record<string, unknown>;
  if (typeof util.isNullOrUndefined !== "function") {
    try {
      util.isNullOrUndefined = (x: unknown) => x === null || x === undefined;
    } catch { /* a frozen module: tfjs-node will report its own error */ }
  }
  // Built at run time so neither `deno check` nor `deno publish` needs the package.
  const specifier = [NATIVE_PACKAGES[name]].join("");
  try {
    await import(specifier);
  } catch (e) {
    const reason = firstLine(e, 160);
    if (/not a dependency|not in import map|Cannot find|not find|NOT_FOUND/i.test(reason)) {
      throw new Error(`${NATIVE_PACKAGES[name]} is not installed`);
    }
    throw new Error(`${NATIVE_PACKAGES[name]} could not be loaded (${reason})`);
  }
  if (tf.findBackendFactory("tensorflow") === null) {
    throw new Error(
      `${
        NATIVE_PACKAGES[name]
      } loaded but registered no "tensorflow" backend with this copy of tfjs (versions must both be 4.22.0)`,
    );
  }
  if (!(await tf.setBackend("tensorflow"))) {
    throw new Error("the tensorflow backend failed to initialise");
  }
}

/**
 * Selects the tfjs backend for training: `"wasm"` (the default, XNNPACK with
 * SIMD on every core, made complete and fast for training by
 * {@link registerWasmTrainingKernels}, which this calls; `options.threads`
 * or DISENTANGLE_THREADS sets the thread count), `"cpu"` (pure JS,
 * slow, the reference), `"webgpu"` (the runtime's WebGPU: a real GPU on a
 * user's machine), `"tensorflow"` or `"tensorflow-gpu"` (native libtensorflow
 * through `@tensorflow/tfjs-node` / `-node-gpu`, which this library does not
 * depend on: they are loaded only when asked for and must be installed by the
 * user). Every backend package is imported only when asked for.
 *
 * When the backend cannot be loaded, the reason and what to install come as
 * one line: thrown as an `Error` message, or, with `fallback: true`, passed to
 * `warn` before the wasm backend is used instead.
 *
 * @param name the backend to use.
 * @param options whether to fall back, and where the warning goes.
 * @returns what was requested and what is now active.
 * @throws {RangeError} for a name not in {@link BACKEND_NAMES} (the message lists them).
 * @throws {Error} when the backend is unavailable and `fallback` is false.
 *
 * @example
 * ```ts
 * import { useBackend } from "@disentangle/vae/models";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const chosen = await useBackend("tensorflow", { fallback: true, warn: (l) => lines.push(l) });
 * if (chosen.fellBack) {
 *   assert.equal(chosen.active, "wasm");
 *   assert.match(lines[0], /tfjs-node/); // says what to install and how
 * }
 * assert.equal(tf.getBackend(), chosen.active);
 * await useBackend("cpu");
 * ```
 */
export async function useBackend(
  name: string,
  options: UseBackendOptions = {},
): Promise<BackendSelection> {
  const { fallback = false, warn = console.warn, native = true } = options;
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(
      `Cannot use backend "${name}": unknown name; valid ones are ${
        BACKEND_NAMES.map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  const requested = name as BackendName;
  const threads = wantedThreads(options.threads, warn);
  silenceCpuGreeting();
  try {
    let used = 1;
    if (requested === "wasm") used = await loadWasm(threads, warn, native);
    else if (requested === "cpu") await tf.setBackend("cpu");
    else if (requested === "webgpu") await loadWebGpu();
    else await loadNative(requested);
    return selectionOf(requested, false, used);
  } catch (e) {
    let line = `Cannot use backend "${requested}": ${firstLine(e, 160)}.`;
    if (requested === "tensorflow" || requested === "tensorflow-gpu") {
      line += ` ${nativeAdvice(requested)}`;
    }
    if (!fallback) throw new Error(line);
    let active = "wasm";
    let used = 1;
    if (requested === "wasm") {
      await tf.setBackend("cpu");
      active = "cpu";
    } else {
      try {
        used = await loadWasm(threads, warn, native);
      } catch {
        await tf.setBackend("cpu");
        active = "cpu";
      }
    }
    warn(`warning: ${line} Using the ${active} backend instead.`);
    return selectionOf(requested, true, used);
  }
}
