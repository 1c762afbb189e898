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
 * - K is taken in blocks of {@link K_BLOCK}, each packed and multiplied in turn
 *   (the packed block stays in cache across the row tiles: 1.6× on a
 *   64×4096 by 4096×1200 product);
 * - with the SIMD helper thread ready (_simd_helper.ts), the panels of each
 *   block are split between it and this thread.
 *
 * Measured on the 2-core Xeon (one thread, relaxed SIMD, 2026-12-07), against
 * tf.matMul on XNNPACK in the same process: 64×4096·4096×1200 32 against 17
 * GFLOP/s; 64×1200·(4096×1200)ᵀ 32 against 23; (64×4096)ᵀ·64×1200 ~28
 * against 16.
 */
import { alongside, readyHelper } from "./_simd_helper.ts";
import { PANEL_COLUMNS } from "./_simd_sgemm.ts";
import { simdKernels } from "./_simd_wasm.ts";

/** Rows of K packed and multiplied at a time. */
export const K_BLOCK = 256;
/** Multiply-adds of one block below which the helper is not worth waking. */
const SPLIT_MULTIPLY_ADDS = 1 << 20;

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
  const floats = 2 * PANEL_COLUMNS + (transposed ? m * p.k : 0) +
    Math.min(p.k, K_BLOCK) * roundUp(n, PANEL_COLUMNS);
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
      const rowScratch = [scratchAt, scratchAt + 4 * PANEL_COLUMNS];
      let free = scratchAt + 8 * PANEL_COLUMNS;
      if (o.transposed) {
        // A [k, m] (element (i, r) at r·step + 4i) into [m, k].
        simd.transpose(a.at, free, k, m, a.step, 4 * k);
        a = { at: free, row: 4 * k, step: 4 };
        free += 4 * m * k;
      }
      const packed = free;
      const panels = Math.ceil(n / PANEL_COLUMNS);
      for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
        const kc = Math.min(K_BLOCK, k - k0);
        simd.sgemmPack(b.at + k0 * b.row, b.row, b.step, kc, n, packed);
        const accumulate = p.accumulate || k0 > 0 ? 1 : 0;
        const at = a.at + k0 * a.step;
        // Columns from panel `from` on: its arguments.
        const part = (from: number, to: number, scratch: number) => [
          at,
          a.row,
          a.step,
          packed + from * kc * 4 * PANEL_COLUMNS,
          c.at + from * PANEL_COLUMNS * c.step,
          c.row,
          c.step,
          m,
          Math.min(n, to * PANEL_COLUMNS) - from * PANEL_COLUMNS,
          kc,
          accumulate,
          scratch,
          m,
          0,
          1,
          0,
        ];
        const run = (args: number[]) =>
          simd.sgemmPanels(...(args as Parameters<typeof simd.sgemmPanels>));
        const half = panels >> 1;
        const helper = !split || half === 0 || m * n * kc < SPLIT_MULTIPLY_ADDS
          ? null
          : readyHelper(mem);
        if (helper === null) {
          run(part(0, panels, rowScratch[0]));
          continue;
        }
        const upper = part(half, panels, rowScratch[1]);
        alongside(
          helper,
          [{ kernel: "sgemmPanels", args: upper }],
          () => run(part(0, half, rowScratch[0])),
          () => run(upper),
        );
      }
    },
  };
}
