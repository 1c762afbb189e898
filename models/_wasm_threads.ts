/**
 * Starts tfjs-backend-wasm 4.22's threaded SIMD build (XNNPACK on a pthread
 * pool) under Deno and Node, where tfjs refuses it: its flag
 * WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false on Node, and its
 * emscripten glue hands Node's worker_threads a blob: URL, which neither Deno
 * nor Node can start. Here the two scripts the glue builds in memory (the
 * pthread worker and the module factory it loads) are written to a private
 * temporary folder and the worker is pointed at them; the folder is removed
 * once every worker has loaded.
 *
 * The pool size comes from XNNPACK's own rule, half of the logical cores the
 * runtime reports, capped at 4 (it assumes two hyper-threads per core), so
 * `os.cpus()` is made to report twice the requested count while the backend
 * initialises. The pool's workers are unreferenced afterwards, so an idle pool
 * never keeps a process alive.
 */
import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The highest thread count XNNPACK's pool takes in tfjs-backend-wasm 4.22. */
export const MAX_WASM_THREADS = 4;

/** What the emscripten glue exposes of its pthread pool. */
interface PoolWorker {
  unref?: () => void;
  ref?: () => void;
  /** Set while a thread waits for its worker to load. */
  runPthread?: () => void;
}
interface PThreadPool {
  unusedWorkers: PoolWorker[];
  runningWorkers: PoolWorker[];
}

/** The module namespace of @tensorflow/tfjs-backend-wasm that this uses. */
interface WasmModuleApi {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

// The glue's factory source refers to modules the bundle imported under
// rollup's names; the worker evaluates it on its own, so it declares them.
const FACTORY_PRELUDE = "var commonjsGlobal = globalThis; var require$$0 = require('fs'), " +
  "require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');\n";

// Deno's worker scope has getter-only globals (location) that the glue's
// Object.assign(global, {...}) would throw on; assign what can be assigned.
const LOOSE_ASSIGN = "function __assignLoose(t, o) { for (const k of Object.keys(o)) { " +
  "try { t[k] = o[k]; } catch { try { Object.defineProperty(t, k, { value: o[k], " +
  "configurable: true, writable: true }); } catch { /* keep the runtime's own */ } } } }\n";

// The first thing a pool worker does: tell the main thread it runs.
const STARTED =
  "require('worker_threads').parentPort.postMessage({ __disentangleStarted: true });\n";

/** How long a pool worker may take to start before it is replaced. */
const START_TIMEOUT_MS = 3000;

/** The part of node:worker_threads' Worker that the glue uses. */
interface NodeWorkerLike {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  postMessage(message: unknown, transfer?: unknown[]): void;
  terminate(): unknown;
  ref(): void;
  unref(): void;
}
type NodeWorkerClass = new (path: string) => NodeWorkerLike;

/**
 * A stand-in for worker_threads' Worker that restarts a worker which has not
 * started within START_TIMEOUT_MS: under load, Deno sometimes never starts one
 * of the eight pool workers the glue creates at once, and the backend's
 * initialisation would wait for it forever. Listeners are re-attached and
 * messages sent before the start are replayed to the replacement.
 */
function restartingWorker(Real: NodeWorkerClass): NodeWorkerClass {
  return class RestartingWorker {
    #real!: NodeWorkerLike;
    #started = false;
    #pending: [unknown, unknown[] | undefined][] = [];
    #listeners: [string, (...args: unknown[]) => void][] = [];
    #referenced = true;
    #timer?: ReturnType<typeof setTimeout>;
    #path: string;
    constructor(path: string) {
      this.#path = path;
      this.#spawn(0);
    }
    #spawn(attempt: number) {
      const real = new Real(this.#path);
      this.#real = real;
      real.on("message", (data: unknown) => {
        if ((data as { __disentangleStarted?: boolean })?.__disentangleStarted) {
          this.#started = true;
          clearTimeout(this.#timer);
          if (!this.#referenced) real.unref();
        }
      });
      for (const [event, listener] of this.#listeners) real.on(event, listener);
      for (const [message, transfer] of this.#pending) real.postMessage(message, transfer);
      this.#timer = setTimeout(() => {
        if (this.#started || attempt >= 5) return;
        real.terminate();
        this.#spawn(attempt + 1);
      }, START_TIMEOUT_MS);
    }
    on(event: string, listener: (...args: unknown[]) => void) {
      this.#listeners.push([event, listener]);
      this.#real.on(event, listener);
      return this;
    }
    postMessage(message: unknown, transfer?: unknown[]) {
      if (!this.#started) this.#pending.push([message, transfer]);
      this.#real.postMessage(message, transfer);
    }
    terminate() {
      clearTimeout(this.#timer);
      return this.#real.terminate();
    }
    ref() {
      this.#referenced = true;
      this.#real.ref();
    }
    unref() {
      this.#referenced = false;
      this.#real.unref();
    }
  } as unknown as NodeWorkerClass;
}

/**
 * Initialises the wasm backend's threaded build with `threads` XNNPACK
 * threads (1 to {@link MAX_WASM_THREADS}; with 1 the pool computes on the
 * calling thread, but the heap is still shared with Workers). Must run before
 * the backend is first initialised. Returns the pool's actual thread count; throws an Error whose
 * message says why when the threaded build cannot start here (the caller then
 * uses the single-threaded build).
 */
export async function initThreadedWasm(api: WasmModuleApi, threads: number): Promise<number> {
  if (typeof SharedArrayBuffer === "undefined") {
    throw new Error("this runtime has no SharedArrayBuffer");
  }
  let dir: string;
  try {
    dir = mkdtempSync(join(os.tmpdir(), "disentangle-wasm-threads-"));
  } catch (e) {
    throw new Error(
      `the threaded build needs a temporary folder (${e instanceof Error ? e.message : e})`,
    );
  }
  const factoryPath = join(dir, "factory.js");
  const workerPath = join(dir, "worker.cjs");
  const OriginalBlob = globalThis.Blob;
  const originalCreate = URL.createObjectURL;
  const originalCpus = os.cpus;
  let factoryWritten = false, workerWritten = false;
  class CapturingBlob extends OriginalBlob {
    readonly parts: readonly BlobPart[];
    constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
      super(parts, options);
      this.parts = parts;
      const text = parts.every((p) => typeof p === "string") ? (parts as string[]).join("") : "";
      if (options?.type === "text/javascript" && text.startsWith("var WasmBackendModule")) {
        writeFileSync(factoryPath, FACTORY_PRELUDE + text);
        factoryWritten = true;
      }
    }
  }
  const createObjectURL = (blob: Blob): string => {
    if (blob instanceof CapturingBlob && blob.type === "application/javascript") {
      const source = (blob.parts as string[]).join("");
      if (!source.includes("Object.assign(global,")) return originalCreate(blob);
      const prelude = `URL.createObjectURL = () => ${JSON.stringify(factoryPath)}; ` +
        "URL.revokeObjectURL = () => {};\n" + LOOSE_ASSIGN + STARTED;
      writeFileSync(
        workerPath,
        prelude + source.replace("Object.assign(global,", "__assignLoose(global,"),
      );
      workerWritten = true;
      return workerPath;
    }
    return originalCreate(blob);
  };
  const logical = originalCpus();
  // The glue installs worker_threads' Worker as the global Worker and creates
  // its pool with it; a property catches the assignment and hands out the
  // restarting stand-in, and the runtime's own Worker is restored afterwards.
  const workerDescriptor = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  let wrapped: NodeWorkerClass | undefined;
  try {
    Object.defineProperty(globalThis, "Worker", {
      configurable: true,
      get: () => wrapped ?? workerDescriptor?.value,
      set: (real: NodeWorkerClass) => {
        wrapped = restartingWorker(real);
      },
    });
    globalThis.Blob = CapturingBlob as typeof Blob;
    URL.createObjectURL = createObjectURL as typeof URL.createObjectURL;
    (os as { cpus: () => os.CpuInfo[] }).cpus = () =>
      Array.from({ length: 2 * threads }, (_, i) => logical[i % Math.max(1, logical.length)]);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    api.setThreadsCount(threads);
    const ok = await tf.setBackend("wasm");
    if (!ok) {
      // The caller retries with the single-threaded build, which needs the flag off.
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      throw new Error("the threaded wasm build failed to initialise");
    }
    if (!factoryWritten || !workerWritten) {
      throw new Error("the threaded wasm build did not start its worker scripts as expected");
    }
  } finally {
    if (workerDescriptor) Object.defineProperty(globalThis, "Worker", workerDescriptor);
    else delete (globalThis as { Worker?: unknown }).Worker;
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreate;
    (os as { cpus: () => os.CpuInfo[] }).cpus = originalCpus;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch { /* a leftover temporary folder is harmless */ }
  }
  const pool = (tf.backend() as unknown as { wasm: { PThread?: PThreadPool } }).wasm.PThread;
  // A pool thread spawned before its worker finished loading starts (and
  // re-references its worker) only when the "loaded" message is handled:
  // wait for that, so no later ref() can keep the process alive.
  const deadline = performance.now() + 10_000;
  while (
    (pool?.runningWorkers ?? []).some((w) => w.runPthread !== undefined) &&
    performance.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (const worker of [...(pool?.unusedWorkers ?? []), ...(pool?.runningWorkers ?? [])]) {
    worker.unref?.();
    worker.ref = () => {}; // an idle pool never keeps the process alive
  }
  return api.getThreadsCount();
}
