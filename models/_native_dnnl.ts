/**
 * An optional native convolution library for the wasm backend: oneDNN 2.x
 * (Debian's `libdnnl2`) opened through Deno's FFI. Its primitives read and
 * write the wasm heap in place: activations stay in the NHWC layout tfjs
 * keeps them in, filters in tfjs's [KH, KW, Ci, Co] ("hwio"); the filter is
 * reordered, per call, into the blocked layout the primitive prefers (a few
 * microseconds for these sizes), because oneDNN's fast kernels (brgconv,
 * jit:avx512_core) only run on blocked filters and its plain-layout fallback
 * (im2col + gemm) is 3-4× slower.
 *
 * Absence is never an error: without --allow-ffi, with DISENTANGLE_DNNL=off,
 * with no library found or one of another major version (the C API of 3.x
 * differs), {@link loadNativeDnnl} returns null and passes a one-line reason
 * to `options.onUnavailable`.
 */
import { envDefault, envValue, openFailure } from "./_native_library.ts";

/** oneDNN 2.x constants (dnnl_types.h). */
const F32 = 3;
const TAG_ANY = 1;
const TAG_X = 2;
const TAG_NHWC = 20;
const TAG_HWIO = 30;
const FORWARD_TRAINING = 64;
const CONVOLUTION_DIRECT = 1;
const ELTWISE_RELU = 31;
const ARG_SRC = 1;
const ARG_DST = 17;
const ARG_WEIGHTS = 33;
const ARG_BIAS = 41;
const ARG_DIFF_SRC = 129;
const ARG_DIFF_DST = 145;
const ARG_DIFF_WEIGHTS = 161;
const QUERY_IMPL_INFO_STR = 8;
const QUERY_SRC_MD = 129;
const QUERY_WEIGHTS_MD = 131;
const QUERY_DIFF_WEIGHTS_MD = 132;
const ENGINE_CPU = 1;
const STREAM_DEFAULT = 1;
const CPU_RUNTIME_OMP = 2;
/** Bytes of `dnnl_memory_desc_t` (696 in 2.6) and `dnnl_convolution_desc_t` (5 976), with room. */
const MEMORY_DESC_BYTES = 1024;
const OP_DESC_BYTES = 8192;

const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_engine_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_tag: {
    parameters: ["buffer", "i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  dnnl_memory_desc_equal: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_memory_create: { parameters: ["buffer", "pointer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer", // conv_desc
      "i32", // prop_kind
      "i32", // alg_kind
      "buffer", // src_desc
      "buffer", // weights_desc
      "pointer", // bias_desc (null: none)
      "buffer", // dst_desc
      "buffer", // strides
      "buffer", // dilates
      "buffer", // padding_l
      "buffer", // padding_r
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer", // conv_desc
      "i32", // alg_kind
      "buffer", // src_desc
      "buffer", // diff_weights_desc
      "pointer", // diff_bias_desc (null: none)
      "buffer", // diff_dst_desc
      "buffer", // strides
      "buffer", // dilates
      "buffer", // padding_l
      "buffer", // padding_r
    ],
    result: "i32",
  },
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_primitive_desc_query: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "pointer", "pointer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32" },
  dnnl_primitive_attr_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_attr_set_post_ops: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_post_ops_append_eltwise: {
    parameters: ["pointer", "f32", "i32", "f32", "f32"],
    result: "i32",
  },
} as const;

/** OpenMP's thread control (oneDNN's Debian build runs on libgomp). */
const OMP_SYMBOLS = {
  omp_set_num_threads: { parameters: ["i32"], result: "void" },
  omp_get_max_threads: { parameters: [], result: "i32" },
} as const;

type Library = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/**
 * One 2-D convolution in oneDNN's terms, NHWC activations and a [KH, KW, Ci,
 * Co] filter: input [n, h, w, ci], output [n, oh, ow, co], strides,
 * dilations (tfjs's: 1 = none) and the padding on each side.
 */
export interface ConvShape {
  n: number;
  h: number;
  w: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Which convolution a primitive computes. */
export type ConvKind =
  /** y = conv(x, W) (+ bias) (then ReLU): run(x, W, y, bias?) */
  | "forward"
  | "forward-relu"
  /** dx = conv(·, W)ᵀ dy: run(dy, W, dx) */
  | "backward-data"
  /** dW = x ⋆ dy: run(x, dy, dW) */
  | "backward-weights";

/**
 * Runs a planned primitive on byte addresses: the operands in the order its
 * {@link ConvKind} lists, then the bias (forward kinds, or null).
 */
export type ConvRun = (
  a: Deno.PointerValue,
  b: Deno.PointerValue,
  out: Deno.PointerValue,
  bias: Deno.PointerValue,
) => void;

/** A loaded oneDNN. */
export interface NativeDnnl {
  /** The path (or file name) the library was opened from. */
  readonly library: string;
  /** Its version, e.g. "2.6.3". */
  readonly version: string;
  /** Threads its primitives run on (OpenMP's count; 1 when it cannot say). */
  readonly threads: number;
  /**
   * The primitive for this convolution (created once per shape and kind, then
   * reused), or null when oneDNN has none for it.
   */
  convolution(kind: ConvKind, shape: ConvShape, bias: boolean): ConvRun | null;
  /** Implementation names of the primitives created so far, e.g. "brgconv:avx512_core". */
  implementations(): string[];
  /** Destroys every primitive and closes the library; nothing may run afterwards. */
  close(): void;
}

/** Options of {@link loadNativeDnnl}. */
export interface LoadNativeDnnlOptions {
  /**
   * Threads oneDNN computes on (OpenMP's `omp_set_num_threads`).
   * @default every logical core (navigator.hardwareConcurrency)
   */
  threads?: number;
  /**
   * Library paths tried in order (DISENTANGLE_DNNL=path replaces them).
   * @default Debian/Ubuntu's `libdnnl.so.2`, then `libdnnl.so.2` on the loader's search path
   */
  paths?: readonly string[];
  /**
   * Receives the one-line reason when no library is loaded.
   * @default ignore it
   */
  onUnavailable?: (reason: string) => void;
}

function defaultPaths(): string[] {
  const { os, arch } = Deno.build;
  if (os === "darwin") return ["libdnnl.2.dylib", "/opt/homebrew/lib/libdnnl.2.dylib"];
  if (os === "windows") return ["dnnl.dll"];
  return [`/usr/lib/${arch}-linux-gnu/libdnnl.so.2`, "libdnnl.so.2"];
}

/** An 8-byte slot a C function writes a handle into. */
function slot(): BigUint64Array {
  return new BigUint64Array(1);
}

function pointerIn(s: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(s[0]);
}

function dims(values: readonly number[]): BigInt64Array {
  const d = new BigInt64Array(12);
  values.forEach((v, i) => (d[i] = BigInt(v)));
  return d;
}

/** `dnnl_exec_arg_t[]`: { int arg; dnnl_memory_t memory } per entry (16 bytes). */
function execArgs(entries: readonly [number, Deno.PointerValue][]): BigUint64Array {
  const args = new BigUint64Array(2 * entries.length);
  entries.forEach(([arg, memory], i) => {
    args[2 * i] = BigInt(arg);
    args[2 * i + 1] = BigInt(Deno.UnsafePointer.value(memory));
  });
  return args;
}

/** The primitives of one shape and kind, and the memories they run on. */
interface Planned {
  run: ConvRun;
  destroy: () => void;
  impl: string;
}

/**
 * Gradients into one to three channels run on the plain-layout (gemm)
 * implementation, and on one thread: for burgess's last transposed
 * convolution (64×64×1 from 32×32×32) it takes 4.2 ms on one thread, while
 * two threads took 9.6 ms (its scatter into one channel does not split) and
 * the blocked implementation 5.8 ms (10 ms on one thread).
 */
function plainLayout(kind: ConvKind, s: ConvShape): boolean {
  return kind === "backward-data" && s.ci < 4;
}

/**
 * Builds the primitive for one convolution (and the reorders of its filter),
 * or returns null when oneDNN refuses the shape (any non-zero status).
 */
function plan(
  lib: Library,
  engine: Deno.PointerValue,
  stream: Deno.PointerValue,
  kind: ConvKind,
  s: ConvShape,
  withBias: boolean,
): Planned | null {
  const owned: (() => void)[] = [];
  const destroy = () => {
    for (const f of owned.reverse()) f();
    owned.length = 0;
  };
  const ok = (status: number) => {
    if (status !== 0) throw new Error(`status ${status}`);
  };
  try {
    const md = (shape: number[], tag: number) => {
      const desc = new Uint8Array(MEMORY_DESC_BYTES);
      ok(lib.dnnl_memory_desc_init_by_tag(desc, shape.length, dims(shape), F32, tag));
      return desc;
    };
    const src = md([s.n, s.ci, s.h, s.w], TAG_NHWC);
    const dst = md([s.n, s.co, s.oh, s.ow], TAG_NHWC);
    const userW = md([s.co, s.ci, s.kh, s.kw], TAG_HWIO);
    const plain = plainLayout(kind, s);
    const anyW = md([s.co, s.ci, s.kh, s.kw], plain ? TAG_HWIO : TAG_ANY);
    const biasMd = md([s.co], TAG_X);
    const strides = dims([s.strideH, s.strideW]);
    const dilates = dims([s.dilationH - 1, s.dilationW - 1]);
    const padL = dims([s.top, s.left]);
    const padR = dims([s.bottom, s.right]);
    const biasPointer = withBias ? Deno.UnsafePointer.of(biasMd) : null;

    /** A handle `create` writes into a slot, destroyed with the plan. */
    const own = (
      create: (out: BigUint64Array) => number,
      destroyIt: (p: Deno.PointerValue) => void,
    ) => {
      const out = slot();
      ok(create(out));
      const p = pointerIn(out);
      owned.push(() => destroyIt(p));
      return p;
    };
    const primitiveDesc = (op: Uint8Array, attr: Deno.PointerValue, hint: Deno.PointerValue) =>
      own(
        (out) => lib.dnnl_primitive_desc_create(out, op, attr, engine, hint),
        (p) => lib.dnnl_primitive_desc_destroy(p),
      );
    const primitive = (pd: Deno.PointerValue) =>
      own((out) => lib.dnnl_primitive_create(out, pd), (p) => lib.dnnl_primitive_destroy(p));
    const memory = (desc: Deno.PointerValue, handle: Deno.PointerValue) =>
      own(
        (out) => lib.dnnl_memory_create(out, desc, engine, handle),
        (p) => lib.dnnl_memory_destroy(p),
      );
    const allocate = Deno.UnsafePointer.create(0xffffffffffffffffn); // DNNL_MEMORY_ALLOCATE
    const implOf = (pd: Deno.PointerValue) => {
      const out = slot();
      ok(lib.dnnl_primitive_desc_query(pd, QUERY_IMPL_INFO_STR, 0, out));
      const p = pointerIn(out);
      return p === null ? "unknown" : Deno.UnsafePointerView.getCString(p);
    };
    /** A reorder primitive between two layouts of the filter, or null when they are equal. */
    const reorder = (from: Deno.PointerValue, to: Deno.PointerValue) => {
      if (lib.dnnl_memory_desc_equal(from, to) === 1) return null;
      return primitive(own(
        (out) => lib.dnnl_reorder_primitive_desc_create(out, from, engine, to, engine, null),
        (p) => lib.dnnl_primitive_desc_destroy(p),
      ));
    };
    const ptr = (b: Uint8Array) => Deno.UnsafePointer.of(b);

    // Every kind needs the forward primitive descriptor (as the backward ones' hint).
    const forwardOp = new Uint8Array(OP_DESC_BYTES);
    ok(lib.dnnl_dilated_convolution_forward_desc_init(
      forwardOp,
      FORWARD_TRAINING,
      CONVOLUTION_DIRECT,
      src,
      anyW,
      biasPointer,
      dst,
      strides,
      dilates,
      padL,
      padR,
    ));
    let attr: Deno.PointerValue = null;
    if (kind === "forward-relu") {
      const po = own((out) => lib.dnnl_post_ops_create(out), (p) => lib.dnnl_post_ops_destroy(p));
      ok(lib.dnnl_post_ops_append_eltwise(po, 1, ELTWISE_RELU, 0, 0));
      attr = own(
        (out) => lib.dnnl_primitive_attr_create(out),
        (p) => lib.dnnl_primitive_attr_destroy(p),
      );
      ok(lib.dnnl_primitive_attr_set_post_ops(attr, po));
    }
    const forwardPd = primitiveDesc(forwardOp, attr, null);
    // The primitive's chosen layouts must keep the activations in NHWC.
    if (
      lib.dnnl_memory_desc_equal(
        lib.dnnl_primitive_desc_query_md(forwardPd, QUERY_SRC_MD, 0),
        ptr(src),
      ) !== 1
    ) {
      throw new Error("source layout changed");
    }

    const userSrc = memory(ptr(src), null);
    const userDst = memory(ptr(dst), null);
    const userWeights = memory(ptr(userW), null);
    /**
     * The filter in the layout `pd` chose for it (`query`), and `move`, which
     * reorders it from tfjs's hwio ("in") or back to it ("out"); with no
     * reorder needed, the user's memory itself and a move that does nothing.
     */
    const filterLayout = (pd: Deno.PointerValue, query: number, direction: "in" | "out") => {
      const md = lib.dnnl_primitive_desc_query_md(pd, query, 0);
      const prim = direction === "in" ? reorder(ptr(userW), md) : reorder(md, ptr(userW));
      if (prim === null) return { filter: userWeights, move: () => {} };
      const filter = memory(md, allocate);
      const args = execArgs(
        direction === "in"
          ? [[ARG_SRC, userWeights], [ARG_DST, filter]]
          : [[ARG_SRC, filter], [ARG_DST, userWeights]],
      );
      return { filter, move: () => lib.dnnl_primitive_execute(prim, stream, 2, args) };
    };

    if (kind === "forward" || kind === "forward-relu") {
      const { filter: blocked, move: toBlocked } = filterLayout(forwardPd, QUERY_WEIGHTS_MD, "in");
      const userBias = withBias ? memory(ptr(biasMd), null) : null;
      const conv = primitive(forwardPd);
      const convArgs = execArgs([
        [ARG_SRC, userSrc],
        [ARG_WEIGHTS, blocked],
        [ARG_DST, userDst],
        ...(userBias === null ? [] : [[ARG_BIAS, userBias] as [number, Deno.PointerValue]]),
      ]);
      const nConv = userBias === null ? 3 : 4;
      return {
        impl: implOf(forwardPd),
        destroy,
        run: (x, weights, y, bias) => {
          lib.dnnl_memory_set_data_handle(userSrc, x);
          lib.dnnl_memory_set_data_handle(userWeights, weights);
          lib.dnnl_memory_set_data_handle(userDst, y);
          if (userBias !== null) lib.dnnl_memory_set_data_handle(userBias, bias);
          toBlocked();
          lib.dnnl_primitive_execute(conv, stream, nConv, convArgs);
          lib.dnnl_stream_wait(stream);
        },
      };
    }

    if (kind === "backward-data") {
      const op = new Uint8Array(OP_DESC_BYTES);
      ok(lib.dnnl_dilated_convolution_backward_data_desc_init(
        op,
        CONVOLUTION_DIRECT,
        src,
        anyW,
        dst,
        strides,
        dilates,
        padL,
        padR,
      ));
      const pd = primitiveDesc(op, null, forwardPd);
      const { filter: blocked, move: toBlocked } = filterLayout(pd, QUERY_WEIGHTS_MD, "in");
      const conv = primitive(pd);
      const convArgs = execArgs([
        [ARG_DIFF_DST, userDst],
        [ARG_WEIGHTS, blocked],
        [ARG_DIFF_SRC, userSrc],
      ]);
      return {
        impl: implOf(pd),
        destroy,
        run: (dy, weights, dx) => {
          lib.dnnl_memory_set_data_handle(userDst, dy);
          lib.dnnl_memory_set_data_handle(userWeights, weights);
          lib.dnnl_memory_set_data_handle(userSrc, dx);
          toBlocked();
          lib.dnnl_primitive_execute(conv, stream, 3, convArgs);
          lib.dnnl_stream_wait(stream);
        },
      };
    }

    const op = new Uint8Array(OP_DESC_BYTES);
    ok(lib.dnnl_dilated_convolution_backward_weights_desc_init(
      op,
      CONVOLUTION_DIRECT,
      src,
      anyW,
      null,
      dst,
      strides,
      dilates,
      padL,
      padR,
    ));
    const pd = primitiveDesc(op, null, forwardPd);
    const { filter: blocked, move: fromBlocked } = filterLayout(pd, QUERY_DIFF_WEIGHTS_MD, "out");
    const conv = primitive(pd);
    const convArgs = execArgs([
      [ARG_SRC, userSrc],
      [ARG_DIFF_DST, userDst],
      [ARG_DIFF_WEIGHTS, blocked],
    ]);
    return {
      impl: implOf(pd),
      destroy,
      run: (x, dy, dw) => {
        lib.dnnl_memory_set_data_handle(userSrc, x);
        lib.dnnl_memory_set_data_handle(userDst, dy);
        lib.dnnl_memory_set_data_handle(userWeights, dw);
        lib.dnnl_primitive_execute(conv, stream, 3, convArgs);
        fromBlocked();
        lib.dnnl_stream_wait(stream);
      },
    };
  } catch {
    // No primitive for this shape or kind: the caller falls back to XNNPACK.
    destroy();
    return null;
  }
}

/**
 * Asks OpenMP's threads to sleep, not spin, between primitives (unless the
 * user set OMP_WAIT_POLICY): between two convolutions the XNNPACK and
 * OpenBLAS threads need the same cores, and spinning OpenMP threads took a
 * burgess step from ~140 to ~470 ms on a 2-core machine with other load.
 * libgomp reads the variable when it is first loaded, i.e. at the dlopen.
 */
function passiveOpenMp(): void {
  envDefault("OMP_WAIT_POLICY", "passive");
}

/**
 * Sets OpenMP's thread count and returns the count it took with the open
 * libgomp (kept to run single-threaded primitives), or 1 and null when
 * libgomp does not open.
 */
function setOmpThreads(
  threads: number,
): { used: number; omp: Deno.DynamicLibrary<typeof OMP_SYMBOLS> | null } {
  try {
    const omp = Deno.dlopen("libgomp.so.1", OMP_SYMBOLS);
    omp.symbols.omp_set_num_threads(threads);
    return { used: omp.symbols.omp_get_max_threads(), omp };
  } catch {
    return { used: 1, omp: null };
  }
}

/**
 * Opens oneDNN 2.x through Deno's FFI, sets its thread count and creates its
 * CPU engine and stream. Tries DISENTANGLE_DNNL alone when it names a path,
 * else `options.paths` in order. Returns null, passing one line saying why to
 * `options.onUnavailable`, when DISENTANGLE_DNNL is "off", when Deno was not
 * given --allow-ffi, or when no library of major version 2 opens; it never
 * throws for absence.
 *
 * On Debian or Ubuntu: `apt-get install libdnnl2`.
 *
 * @param options thread count, paths to try, where the reason goes.
 * @returns the library with its convolution primitives; or null.
 * @throws {RangeError} when `options.threads` is not a positive integer.
 *
 * @example
 * ```ts
 * import { loadNativeDnnl } from "./_native_dnnl.ts";
 * import assert from "node:assert/strict";
 *
 * let reason = "";
 * const dnnl = loadNativeDnnl({ threads: 1, onUnavailable: (line) => (reason = line) });
 * if (dnnl === null) assert.match(reason, /^Cannot load oneDNN: /);
 * else {
 *   assert.match(dnnl.version, /^2\./);
 *   dnnl.close();
 * }
 * ```
 */
export function loadNativeDnnl(options: LoadNativeDnnlOptions = {}): NativeDnnl | null {
  const {
    threads = (globalThis.navigator as { hardwareConcurrency?: number })?.hardwareConcurrency ?? 1,
    onUnavailable = () => {},
  } = options;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(
      `Cannot load oneDNN: options.threads must be a positive integer, got ${threads}`,
    );
  }
  const unavailable = (why: string): null => {
    onUnavailable(`Cannot load oneDNN: ${why}`);
    return null;
  };
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno?.dlopen === undefined) return unavailable("this runtime has no Deno.dlopen");
  const env = envValue("DISENTANGLE_DNNL");
  if (env?.toLowerCase() === "off") return unavailable("DISENTANGLE_DNNL=off");
  if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return unavailable("Deno was not given --allow-ffi");
  }
  const paths = env === undefined ? [...(options.paths ?? defaultPaths())] : [env];
  passiveOpenMp();
  const failures: string[] = [];
  for (const path of paths) {
    let dl: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      dl = deno.dlopen(path, SYMBOLS);
    } catch (e) {
      failures.push(openFailure(path, e));
      continue;
    }
    const lib = dl.symbols;
    const v = new Deno.UnsafePointerView(lib.dnnl_version()!);
    const version = `${v.getInt32(0)}.${v.getInt32(4)}.${v.getInt32(8)}`;
    const cpuRuntime = v.getUint32(24);
    if (v.getInt32(0) !== 2) {
      dl.close();
      failures.push(`${path}: version ${version}, this library speaks the 2.x C API`);
      continue;
    }
    const { used, omp } = cpuRuntime === CPU_RUNTIME_OMP
      ? setOmpThreads(threads)
      : { used: 1, omp: null };
    /** Runs `f` with OpenMP on one thread (planning and running alike), then restores the count. */
    const oneThread = <T>(f: () => T): T => {
      if (omp === null || used === 1) return f();
      omp.symbols.omp_set_num_threads(1);
      try {
        return f();
      } finally {
        omp.symbols.omp_set_num_threads(used);
      }
    };
    const engineSlot = slot(), streamSlot = slot();
    if (lib.dnnl_engine_create(engineSlot, ENGINE_CPU, 0n) !== 0) {
      dl.close();
      omp?.close();
      failures.push(`${path}: no CPU engine`);
      continue;
    }
    const engine = pointerIn(engineSlot);
    if (lib.dnnl_stream_create(streamSlot, engine, STREAM_DEFAULT) !== 0) {
      lib.dnnl_engine_destroy(engine);
      dl.close();
      omp?.close();
      failures.push(`${path}: no stream`);
      continue;
    }
    const stream = pointerIn(streamSlot);
    const cache = new Map<string, Planned | null>();
    let closed = false;
    return {
      library: path,
      version,
      threads: used,
      convolution(kind, shape, bias) {
        if (closed) throw new Error("Cannot run a oneDNN convolution: the library was closed");
        const key = `${kind} ${bias} ${Object.values(shape).join(",")}`;
        const single = plainLayout(kind, shape);
        let planned = cache.get(key);
        if (planned === undefined) {
          planned = single
            ? oneThread(() => plan(lib, engine, stream, kind, shape, bias))
            : plan(lib, engine, stream, kind, shape, bias);
          if (planned !== null && single) {
            const run = planned.run;
            planned = { ...planned, run: (...args) => oneThread(() => run(...args)) };
          }
          cache.set(key, planned);
        }
        return planned?.run ?? null;
      },
      implementations: () => [...new Set([...cache.values()].flatMap((p) => p ? [p.impl] : []))],
      close() {
        if (closed) return;
        closed = true;
        for (const p of cache.values()) p?.destroy();
        cache.clear();
        lib.dnnl_stream_destroy(stream);
        lib.dnnl_engine_destroy(engine);
        dl.close();
        omp?.close();
      },
    };
  }
  const source = env === undefined ? "" : " (DISENTANGLE_DNNL)";
  return unavailable(
    `no library opened${source}: ${failures[0] ?? "no paths given"}${
      failures.length > 1 ? `, and ${failures.length - 1} more paths` : ""
    }; on Debian/Ubuntu: apt-get install libdnnl2`,
  );
}
