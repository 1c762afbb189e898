/**
 * The library's own matrix product on the wasm heap (the functions of
 * _simd_sgemm.ts), for the matrix-product kernels of _native_kernels.ts where
 * no native BLAS is loaded. Per product:
 *
 * - with op(B) transposed, it computes Cᵀ = op(B)ᵀ·op(A)ᵀ instead (strides
 *   only), so that the operand read in place is contiguous along K and the
 *   packed one is copied by rows (a dense layer's input gradient dy·Wᵀ: 1.5×);
 * - an operand read in place that is transposed (rows adjacent, K strided, as
 *   xᵀ in a weight gradient xᵀ·dy) is first transposed into scratch: its reads
 *   then stay in a few cache lines and pages (~1.25×, for ~2% of the time);
 * - the columns are taken {@link CHUNK_PANELS} panels at a time and, for each
 *   chunk, K in blocks of {@link K_BLOCK}, each block packed and multiplied
 *   in turn (the packed block stays in cache across the row tiles: 1.6× on a
 *   64×4096 by 4096×1200 product against packing all of K first);
 * - with the SIMD helper thread ready (_simd_helper.ts), it takes the upper
 *   half of the panels, packing its own chunks into a buffer of its own, in
 *   one batch: the packing runs on both threads and they meet once per
 *   product (a 2-thread MLP step on plain wasm went from 3.09 to 3.47
 *   steps/s, means of 6 alternated runs on the 2-core Xeon, 2026-12-07).
 *   Each C entry sees the same K blocks in the same order either way, so the
 *   split result is the unsplit one to the bit.
 *
 * Measured on the 2-core Xeon (one thread, relaxed SIMD, 2026-12-07), against
 * tf.matMul on XNNPACK in the same process: 64×4096·4096×1200 32 against 17
 * GFLOP/s; 64×1200·(4096×1200)ᵀ 32 against 23; (64×4096)ᵀ·64×1200 ~28
 * against 16.
 */
import { alongside, type HelperTask, readyHelper } from "./_simd_helper.ts";
import { MAX_TASKS } from "./_simd_helper_protocol.ts";
import { PANEL_COLUMNS, ROW_SCRATCH_BYTES } from "./_simd_sgemm.ts";
import { simdKernels } from "./_simd_wasm.ts";

/** Rows of K packed and multiplied at a time. */
export const K_BLOCK = 256;
/**
 * Panels (of 8 columns) packed and multiplied at a time: a block of K rows
 * by 256 columns is 256 KiB, so it, its 64-row slice of C and A's block stay
 * in a core's L2 (1.25 MiB on the Xeon) across the row tiles.
 */
export const CHUNK_PANELS = 32;
/** Multiply-adds of a product below which the helper is not worth waking. */
const SPLIT_MULTIPLY_ADDS = 1 << 22;

/** Floats of one thread's packing buffer. */
function packFloats(k: number, n: number): number {
  return Math.min(k, K_BLOCK) * Math.min(roundUp(n, PANEL_COLUMNS), CHUNK_PANELS * PANEL_COLUMNS);
}

/**
 * One product C ← op(A)·op(B) (+ C when `accumulate`) on a wasm heap, with
 * float offsets and leading dimensions as in CBLAS's row-major `sgemm`.
 */
export interface HeapGemm {
  /** Floats of heap scratch {@link HeapGemm.run} needs for `product` (its offsets unused). */
  scratchFloats(product: HeapProduct): number;
  /**
   * Runs the product; `product.scratch` is the float offset of at least
   * `scratchFloats(product)` floats of heap. k ≥ 1.
   */
  run(memory: WebAssembly.Memory | undefined, heap: Float32Array, product: HeapProduct): void;
}

/** The operands of one product, float offsets in the heap. */
export interface HeapProduct {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
  accumulate: boolean;
  scratch: number;
}

/** A strided matrix in bytes: element (i, j) at at + i·row + j·step. */
interface Strided {
  at: number;
  row: number;
  step: number;
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/** Whether the in-place operand gets transposed into scratch first. */
function transposesFirst(a: Strided, m: number, k: number): boolean {
  return a.row === 4 && a.step !== 4 && m % 4 === 0 && k % 4 === 0 && m >= 24;
}

/** The product as the kernel sees it: op(A) read in place, op(B) packed, C; and its scratch. */
function oriented(p: HeapProduct) {
  let a: Strided = p.transA
    ? { at: 4 * p.a, row: 4, step: 4 * p.lda }
    : { at: 4 * p.a, row: 4 * p.lda, step: 4 };
  let b: Strided = p.transB
    ? { at: 4 * p.b, row: 4, step: 4 * p.ldb }
    : { at: 4 * p.b, row: 4 * p.ldb, step: 4 };
  let c: Strided = { at: 4 * p.c, row: 4 * p.ldc, step: 4 };
  let m = p.m, n = p.n;
  if (p.transB) {
    // Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands and write C by columns.
    [a, b, c] = [
      { at: b.at, row: b.step, step: b.row },
      { at: a.at, row: a.step, step: a.row },
      { at: c.at, row: c.step, step: c.row },
    ];
    [m, n] = [n, m];
  }
  const transposed = transposesFirst(a, m, p.k);
  const floats = ROW_SCRATCH_BYTES / 4 + (transposed ? m * p.k : 0) + 2 * packFloats(p.k, n);
  return { a, b, c, m, n, transposed, floats };
}

/** Options of {@link wasmGemm}. */
export interface WasmGemmOptions {
  /**
   * Whether large products split their panels with the SIMD helper thread
   * when it is ready.
   * @default true
   */
  helper?: boolean;
}

/**
 * The library's product for the heap of `memory`, or null where its SIMD
 * kernels do not compile there.
 */
export function wasmGemm(
  memory: WebAssembly.Memory | undefined,
  options: WasmGemmOptions = {},
): HeapGemm | null {
  const { helper: split = true } = options;
  if (simdKernels(memory) === null) return null;
  return {
    scratchFloats: (p) => oriented(p).floats,
    run(mem, _heap, p) {
      const simd = simdKernels(mem);
      if (simd === null) {
        throw new Error("Cannot run the wasm matrix product: its kernels did not compile");
      }
      const o = oriented(p);
      const { b, c, m, n } = o, k = p.k;
      let a = o.a;
      const scratchAt = 4 * p.scratch;
      const rowScratch = [scratchAt, scratchAt + ROW_SCRATCH_BYTES / 2];
      let free = scratchAt + ROW_SCRATCH_BYTES;
      if (o.transposed) {
        // A [k, m] (element (i, r) at r·step + 4i) into [m, k].
        simd.transpose(a.at, free, k, m, a.step, 4 * k);
        a = { at: free, row: 4 * k, step: 4 };
        free += 4 * m * k;
      }
      const k0s = Array.from({ length: Math.ceil(k / K_BLOCK) }, (_, i) => i * K_BLOCK);
      const run = (t: HelperTask) =>
        t.kernel === "sgemmPack"
          ? simd.sgemmPack(...(t.args as Parameters<typeof simd.sgemmPack>))
          : simd.sgemmPanels(...(t.args as Parameters<typeof simd.sgemmPanels>));
      // The calls for panels [from, to): for each chunk of them, each K
      // block packed into `packed` and multiplied.
      const calls = (from: number, to: number, packed: number, scratch: number) => {
        const out: HelperTask[] = [];
        for (let p0 = from; p0 < to; p0 += CHUNK_PANELS) {
          const p1 = Math.min(to, p0 + CHUNK_PANELS);
          const j0 = p0 * PANEL_COLUMNS, cols = Math.min(n, p1 * PANEL_COLUMNS) - j0;
          for (const k0 of k0s) {
            const kc = Math.min(K_BLOCK, k - k0);
            out.push({
              kernel: "sgemmPack",
              args: [b.at + k0 * b.row + j0 * b.step, b.row, b.step, kc, cols, packed],
            }, {
              kernel: "sgemmPanels",
              args: [
                a.at + k0 * a.step,
                a.row,
                a.step,
                packed,
                c.at + j0 * c.step,
                c.row,
                c.step,
                m,
                cols,
                kc,
                p.accumulate || k0 > 0 ? 1 : 0,
                scratch,
                m,
                0,
                1,
                0,
                m * c.row,
              ],
            });
          }
        }
        return out;
      };
      const panels = Math.ceil(n / PANEL_COLUMNS);
      const half = panels >> 1;
      const helper = !split || half === 0 || m * n * k < SPLIT_MULTIPLY_ADDS
        ? null
        : readyHelper(mem);
      if (helper === null) {
        calls(0, panels, free, rowScratch[0]).forEach(run);
        return;
      }
      // Each thread packs and multiplies its own columns, into its own buffer.
      const upper = calls(half, panels, free + 4 * packFloats(k, n), rowScratch[1]);
      for (let i = 0; i < upper.length; i += MAX_TASKS) {
        alongside(helper, upper.slice(i, i + MAX_TASKS), () => {
          if (i === 0) calls(0, half, free, rowScratch[0]).forEach(run);
        }, run);
      }
    },
  };
}
