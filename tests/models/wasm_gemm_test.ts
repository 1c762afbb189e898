/**
 * The library's own matrix product (models/_simd_sgemm.ts, _wasm_gemm.ts)
 * against a float64 sum: both multiply-adds (relaxed SIMD's fused one where
 * the engine has it, and multiply then add), every stride arrangement and
 * edge tile, accumulation, and nothing written outside C. The kernels that
 * use it are tested against the wasm backend's and the cpu backend's in
 * native_blas_test.ts.
 */
import assert from "node:assert/strict";
import { heapModule } from "../../models/_wasm_assembler.ts";
import {
  relaxedSimd,
  sgemmFunctions,
  type SgemmPackKernel,
  type SgemmPanelsKernel,
} from "../../models/_simd_sgemm.ts";
import { CHUNK_PANELS, K_BLOCK, wasmGemm } from "../../models/_wasm_gemm.ts";

/** A seeded generator of values in [−1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return 2 * s / 2147483647 - 1;
  });
}

function kernels(fused: boolean) {
  const memory = new WebAssembly.Memory({ initial: 256 });
  const module = new WebAssembly.Module(heapModule(sgemmFunctions(fused), false) as BufferSource);
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  return {
    memory,
    pack: exports.sgemmPack as SgemmPackKernel,
    panels: exports.sgemmPanels as SgemmPanelsKernel,
  };
}

/** op(A)·op(B) (+ C0) in float64, [m, n] row-major. */
function reference(
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array | null,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 === null ? 0 : c0[i * n + j];
      for (let r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
}

const SENTINEL = 12345.5;

for (const fused of [false, true]) {
  Deno.test({
    name: `sgemm kernels (${
      fused ? "fused" : "multiply then add"
    }): every layout, edge tile and mode`,
    ignore: fused && !relaxedSimd(),
    fn() {
      const { memory, pack, panels } = kernels(fused);
      const shapes = [[1, 1, 1], [6, 8, 4], [7, 9, 5], [13, 17, 33], [5, 3, 2], [12, 16, 9], [
        19,
        40,
        70,
      ]];
      let seed = 1, checked = 0;
      for (const [m, n, k] of shapes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            for (const tc of [false, true]) {
              for (const accumulate of [0, 1]) {
                const a = values(m * k, seed++),
                  b = values(k * n, seed++),
                  c0 = values(m * n, seed++);
                const heap = new Float32Array(memory.buffer);
                heap.fill(SENTINEL);
                // Each matrix stored row-major as itself or as its transpose, one float of
                // padding per row so that strides differ from the dense ones.
                const aAt = 16, lda = (ta ? m : k) + 1;
                const bAt = aAt + 4 * (ta ? k : m) * lda + 64, ldb = (tb ? k : n) + 1;
                const cAt = bAt + 4 * (tb ? n : k) * ldb + 64, ldc = (tc ? m : n) + 1;
                const packedAt = cAt + 4 * (tc ? n : m) * ldc + 64;
                const scratchAt = packedAt + 4 * 8 * Math.ceil(n / 8) * k + 64;
                const cIndex = (i: number, j: number) => cAt / 4 + (tc ? j * ldc + i : i * ldc + j);
                for (let i = 0; i < m; i++) {
                  for (let r = 0; r < k; r++) {
                    heap[aAt / 4 + (ta ? r * lda + i : i * lda + r)] = a[i * k + r];
                  }
                }
                for (let r = 0; r < k; r++) {
                  for (let j = 0; j < n; j++) {
                    heap[bAt / 4 + (tb ? j * ldb + r : r * ldb + j)] = b[r * n + j];
                  }
                }
                for (let i = 0; i < m; i++) {
                  for (let j = 0; j < n; j++) heap[cIndex(i, j)] = c0[i * n + j];
                }
                pack(bAt, 4 * (tb ? 1 : ldb), 4 * (tb ? ldb : 1), k, n, packedAt);
                panels(
                  aAt,
                  4 * (ta ? 1 : lda),
                  4 * (ta ? lda : 1),
                  packedAt,
                  cAt,
                  4 * (tc ? 1 : ldc),
                  4 * (tc ? ldc : 1),
                  m,
                  n,
                  k,
                  accumulate,
                  scratchAt,
                  m,
                  0,
                  1,
                  0,
                  m * 4 * (tc ? 1 : ldc),
                );
                const want = reference(a, b, accumulate ? c0 : null, m, n, k);
                const label = `${m}×${k}·${k}×${n} tA ${ta} tB ${tb} tC ${tc} acc ${accumulate}`;
                const written = new Set<number>();
                for (let i = 0; i < m; i++) {
                  for (let j = 0; j < n; j++) {
                    const got = heap[cIndex(i, j)], w = want[i * n + j];
                    written.add(cIndex(i, j));
                    // k products of values below 1: float32 rounding of the sum.
                    assert.ok(
                      Math.abs(got - w) <= 1e-6 * k + 1e-6,
                      `${label} (${i}, ${j}): ${got} vs ${w}`,
                    );
                    checked++;
                  }
                }
                // C's padding column (and everything past C) is untouched.
                const cEnd = cAt / 4 + (tc ? n : m) * ldc;
                for (let x = cAt / 4; x < cEnd + 16; x++) {
                  if (!written.has(x)) assert.equal(heap[x], SENTINEL, `${label}: wrote at ${x}`);
                }
              }
            }
          }
        }
      }
      assert.ok(checked > 10000);
    },
  });
}

Deno.test("sgemm kernels: a known product by hand", () => {
  const { memory, pack, panels } = kernels(false);
  const heap = new Float32Array(memory.buffer);
  // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50], then + itself when accumulating.
  heap.set([1, 2, 3, 4], 0);
  heap.set([5, 6, 7, 8], 8);
  pack(32, 8, 4, 2, 2, 256);
  panels(0, 8, 4, 256, 64, 8, 4, 2, 2, 2, 0, 1024, 2, 0, 1, 0, 16);
  assert.deepEqual(Array.from(heap.subarray(16, 20)), [19, 22, 43, 50]);
  panels(0, 8, 4, 256, 64, 8, 4, 2, 2, 2, 1, 1024, 2, 0, 1, 0, 16);
  assert.deepEqual(Array.from(heap.subarray(16, 20)), [38, 44, 86, 100]);
});

Deno.test("wasmGemm: K in several blocks, transposed operands, scratch as it asks", () => {
  const memory = new WebAssembly.Memory({ initial: 512 });
  const gemm = wasmGemm(memory);
  assert.ok(gemm !== null, "the library's SIMD kernels compile here");
  const heap = new Float32Array(memory.buffer);
  let seed = 50;
  // The last two span several column chunks (CHUNK_PANELS), one way or the other.
  const shapes = [[24, 16, 2 * K_BLOCK + 12], [64, 20, 40], [3, 70, 5], [48, 9, 600], [
    20,
    8 * CHUNK_PANELS * 2 + 18,
    300,
  ], [8 * CHUNK_PANELS + 3, 12, 40]];
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const accumulate of [false, true]) {
          const a = values(m * k, seed++), b = values(k * n, seed++), c0 = values(m * n, seed++);
          heap.fill(SENTINEL);
          const lda = transA ? m : k, ldb = transB ? k : n;
          const aAt = 0, bAt = m * k + 16, cAt = bAt + k * n + 16, scratch = cAt + m * n + 16;
          for (let i = 0; i < m; i++) {
            for (let r = 0; r < k; r++) heap[aAt + (transA ? r * m + i : i * k + r)] = a[i * k + r];
          }
          for (let r = 0; r < k; r++) {
            for (let j = 0; j < n; j++) heap[bAt + (transB ? j * k + r : r * n + j)] = b[r * n + j];
          }
          heap.set(c0, cAt);
          const product = {
            transA,
            transB,
            m,
            n,
            k,
            a: aAt,
            lda,
            b: bAt,
            ldb,
            c: cAt,
            ldc: n,
            accumulate,
            scratch,
          };
          const floats = gemm.scratchFloats(product);
          gemm.run(memory, heap, product);
          const want = reference(a, b, accumulate ? c0 : null, m, n, k);
          const label = `${m}×${k}·${k}×${n} tA ${transA} tB ${transB} acc ${accumulate}`;
          for (let x = 0; x < m * n; x++) {
            assert.ok(Math.abs(heap[cAt + x] - want[x]) <= 1e-6 * k + 1e-6, `${label} at ${x}`);
          }
          // It stays inside the scratch it asked for.
          assert.equal(heap[scratch + floats], SENTINEL, `${label}: wrote past its scratch`);
          assert.equal(heap[cAt + m * n], SENTINEL, `${label}: wrote past C`);
        }
      }
    }
  }
});

Deno.test("wasmGemm: null without a heap", () => {
  assert.equal(wasmGemm(undefined), null);
});

Deno.test("sgemm kernels: op(A)'s and C's rows in groups (a convolution's image rows)", () => {
  for (const fused of relaxedSimd() ? [false, true] : [false]) {
    const { memory, pack, panels } = kernels(fused);
    let seed = 900;
    for (
      const [m, n, k, group] of [[23, 10, 7, 5], [16, 32, 128, 4], [12, 8, 9, 6], [7, 3, 4, 1]]
    ) {
      for (const rowsAdjacent of [false, true]) {
        const a = values(m * k, seed++), b = values(k * n, seed++);
        const heap = new Float32Array(memory.buffer);
        heap.fill(SENTINEL);
        // Within a group rows lie aRow apart; groups lie aGroup apart (with a gap).
        const [aRow, aStep] = rowsAdjacent ? [4, 4 * (group + 3)] : [4 * (k + 2), 4];
        const aGroup = rowsAdjacent ? 4 * (group + 3) * k + 40 : group * aRow + 24;
        const aAt = 64;
        const groups = Math.ceil(m / group);
        const bAt = aAt + groups * aGroup + 4 * k * (group + 3) + 64;
        for (let i = 0; i < m; i++) {
          const g = Math.floor(i / group), w = i % group;
          for (let r = 0; r < k; r++) {
            heap[(aAt + g * aGroup + w * aRow + r * aStep) / 4] = a[i * k + r];
          }
        }
        heap.set(b, bAt / 4);
        // C dense, or (with adjacent rows) every other row of every other
        // group-sized block, as a transposed convolution's output phase.
        const cRow = rowsAdjacent ? 8 * n : 4 * n,
          cGroup = rowsAdjacent ? 2 * group * cRow : group * cRow;
        const cFloats = groups * cGroup / 4;
        const packedAt = bAt + 4 * k * n + 64, cAt = packedAt + 32 * k * Math.ceil(n / 8) + 64;
        const scratchAt = cAt + 4 * cFloats + 64;
        pack(bAt, 4 * n, 4, k, n, packedAt);
        panels(
          aAt,
          aRow,
          aStep,
          packedAt,
          cAt,
          cRow,
          4,
          m,
          n,
          k,
          0,
          scratchAt,
          group,
          aGroup,
          1,
          0,
          cGroup,
        );
        const want = reference(a, b, null, m, n, k);
        const written = new Set<number>();
        for (let i = 0; i < m; i++) {
          const g = Math.floor(i / group), w = i % group;
          for (let j = 0; j < n; j++) {
            const at = (cAt + g * cGroup + w * cRow) / 4 + j;
            written.add(at);
            const got = heap[at];
            assert.ok(
              Math.abs(got - want[i * n + j]) <= 1e-6 * k + 1e-6,
              `m ${m} n ${n} k ${k} group ${group} adjacent ${rowsAdjacent} at (${i}, ${j}): ${got} vs ${
                want[i * n + j]
              }`,
            );
          }
        }
        for (let x = cAt / 4; x < cAt / 4 + cFloats + 8; x++) {
          if (!written.has(x)) assert.equal(heap[x], SENTINEL, `C's gaps are untouched (${x})`);
        }
      }
    }
  }
});

Deno.test("sgemm kernels: K in runs (a convolution's filter rows) equals a direct convolution", () => {
  for (const fused of relaxedSimd() ? [false, true] : [false]) {
    const { memory, pack, panels } = kernels(fused);
    let seed = 1300;
    // x [Hp, Wp, Ci] (already padded), filter [KH, KW, Ci, Co], stride S, 'valid'.
    for (
      const [hp, wp, ci, co, kh, kw, s] of [[9, 7, 3, 5, 3, 2, 2], [10, 10, 4, 16, 4, 4, 2], [
        6,
        5,
        8,
        9,
        2,
        2,
        1,
      ]]
    ) {
      const oh = Math.floor((hp - kh) / s) + 1, ow = Math.floor((wp - kw) / s) + 1;
      const x = values(hp * wp * ci, seed++), f = values(kh * kw * ci * co, seed++);
      const heap = new Float32Array(memory.buffer);
      heap.fill(SENTINEL);
      const xAt = 64, fAt = xAt + 4 * x.length + 64, packedAt = fAt + 4 * f.length + 64;
      const k = kh * kw * ci;
      const yAt = packedAt + 32 * k * Math.ceil(co / 8) + 64,
        scratchAt = yAt + 4 * oh * ow * co + 64;
      heap.set(x, xAt / 4);
      heap.set(f, fAt / 4);
      pack(fAt, 4 * co, 4, k, co, packedAt);
      panels(
        xAt,
        4 * s * ci,
        4,
        packedAt,
        yAt,
        4 * co,
        4,
        oh * ow,
        co,
        kw * ci,
        0,
        scratchAt,
        ow,
        4 * s * wp * ci,
        kh,
        4 * wp * ci,
        4 * ow * co,
      );
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let c = 0; c < co; c++) {
            let want = 0;
            for (let a = 0; a < kh; a++) {
              for (let b = 0; b < kw; b++) {
                for (let d = 0; d < ci; d++) {
                  want += x[((i * s + a) * wp + j * s + b) * ci + d] *
                    f[((a * kw + b) * ci + d) * co + c];
                }
              }
            }
            const got = heap[yAt / 4 + (i * ow + j) * co + c];
            assert.ok(
              Math.abs(got - want) <= 1e-6 * k + 1e-6,
              `conv ${hp}×${wp}×${ci} k${kh}×${kw} s${s} → ${co} at (${i}, ${j}, ${c}): ${got} vs ${want}`,
            );
          }
        }
      }
      assert.equal(heap[yAt / 4 + oh * ow * co], SENTINEL);
    }
  }
});
