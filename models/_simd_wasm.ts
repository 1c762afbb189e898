/**
 * Hand-assembled WebAssembly SIMD functions working on buffers in the tfjs
 * wasm backend's own heap (the module imports that backend's
 * `WebAssembly.Memory`), four floats per instruction.
 *
 * `adam` performs one Adam update:
 *
 *   m' = m·β₁ + g·(1−β₁);  v' = v·β₂ + g²·(1−β₂)
 *   p' = (m'/d₁) / (√(v'/d₂) + ε) · (−lr) + p
 *
 * with every operation in float32 and in tf.train.adam's order (SIMD f32x4
 * arithmetic is IEEE, with no fused multiply-add), so results are identical,
 * except that a moment below 2⁻¹²⁶ in magnitude (subnormal) is stored as 0:
 * WebAssembly has no flush-to-zero mode, and the moments of weights whose
 * gradient has stopped decay into subnormals that cost ~100 cycles per
 * operation for hundreds of steps. The step such a moment would give is below
 * lr·10⁻³¹, so p' is unchanged at float32 precision.
 * `transpose` transposes a (strided) [rows, cols] matrix, both multiples of
 * 4, in 4×4 blocks of shuffles, 3–5× faster than the shipped Transpose kernel;
 * `blockTranspose` moves whole blocks of 16-byte multiples; `columnSum` sums
 * the rows of a matrix (bias gradients: a sum over batch and pixels).
 *
 * The bytes are built here rather than shipped, so there is nothing to fetch.
 */
import { get, heapModule, set, simd, uleb } from "./_wasm_assembler.ts";
import {
  type BernoulliGradKernel,
  type BernoulliKernel,
  type BiasAddKernel,
  elementwiseFunctions,
  type ReluGradKernel,
  type ReluKernel,
} from "./_simd_elementwise.ts";
import { stridedAddFunction, type StridedAddKernel } from "./_simd_strided_add.ts";
import { padImagesFunction, type PadImagesKernel } from "./_simd_pad.ts";
import {
  relaxedSimd,
  sgemmFunctions,
  type SgemmPackKernel,
  type SgemmPanelsKernel,
} from "./_simd_sgemm.ts";

/** Signature of the exported function; pointers are byte offsets in the heap. */
export type AdamKernel = (
  bytes: number,
  p: number,
  g: number,
  m: number,
  v: number,
  pOut: number,
  mOut: number,
  vOut: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  d1: number,
  d2: number,
  epsilon: number,
  negLearningRate: number,
) => void;

/**
 * Transposes [rows, cols] at byte offset `src` into [cols, rows] at `dst`;
 * consecutive rows lie `srcStride` bytes apart in the source and `dstStride`
 * bytes apart in the destination (cols·4 and rows·4 when dense).
 */
export type TransposeKernel = (
  src: number,
  dst: number,
  rows: number,
  cols: number,
  srcStride: number,
  dstStride: number,
) => void;

/** Column sums of a dense [rows, cols] float matrix (cols a multiple of 4) into dst[cols]. */
export type ColumnSumKernel = (src: number, dst: number, rows: number, cols: number) => void;

/**
 * Weight gradient of a one-input-channel convolution with an even kernel
 * width: out[kh, kw, co] = Σ_{b, oh, ow} xp[b, oh·sh + kh, ow·sw + kw] ·
 * dy[b, oh, ow, co], xp already padded so every read is inside it, Co a
 * multiple of 16. Two taps × 16 channels are accumulated in registers per
 * sweep over dy.
 */
export type FilterGradC1Kernel = (
  xp: number,
  dy: number,
  out: number,
  batch: number,
  outHeight: number,
  outWidth: number,
  paddedHeight: number,
  paddedWidth: number,
  kernelHeight: number,
  kernelWidth: number,
  strideHeight: number,
  strideWidth: number,
  outChannels: number,
) => void;

/**
 * Transposes [rows, cols] blocks of `blockBytes` (a multiple of 16) each:
 * block (i, j) at src + (i·cols + j)·blockBytes goes to dst + (j·rows + i)·blockBytes.
 */
export type BlockTransposeKernel = (
  src: number,
  dst: number,
  rows: number,
  cols: number,
  blockBytes: number,
) => void;

// Opcodes.
const I32_CONST = 0x41, I32_ADD = 0x6a, I32_GE_U = 0x4f;
const I32_MUL = 0x6c, I32_SHL = 0x74, I32_GT_U = 0x4b, SELECT = 0x1b;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const LOAD = [...simd(0x00), 2, 0]; // v128.load align=4 offset=0
const STORE = [...simd(0x0b), 2, 0]; // v128.store align=4 offset=0
const SPLAT = simd(0x13), SQRT = simd(0xe3), ADD = simd(0xe4), MUL = simd(0xe6);
const DIV = simd(0xe7);
const V128_ZERO = [...simd(0x0c), ...Array(16).fill(0)]; // v128.const 0
const ABS = simd(0xe0), GE = simd(0x46), AND = simd(0x4e);
// v128.const of four FLT_MIN (2⁻¹²⁶, bits 0x00800000), the smallest normal float32.
const FLT_MIN4 = [...simd(0x0c), ...Array(4).fill([0x00, 0x00, 0x80, 0x00]).flat()];

// Parameters 0..7 are i32 (byte count then seven pointers), 8..15 f32 scalars.
const [N, P, G_, M_, V_, PO, MO, VO] = [0, 1, 2, 3, 4, 5, 6, 7];
const I = 16; // loop offset (i32 local)
// v128 locals: the eight splatted scalars, then g, m', v'.
const [B1, C1, B2, C2, D1, D2, EPS, NLR, G, M, V] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];

const at = (ptr: number) => [...get(ptr), ...get(I), I32_ADD];
/** local = local where |local| ≥ FLT_MIN, else +0 (flush a subnormal to zero). */
const flush = (local: number) => [
  ...get(local),
  ...get(local),
  ...ABS,
  ...FLT_MIN4,
  ...GE,
  ...AND,
  ...set(local),
];

function adamBody(): number[] {
  const code: number[] = [];
  for (let j = 0; j < 8; j++) code.push(...get(8 + j), ...SPLAT, ...set(B1 + j));
  code.push(
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(I),
    ...get(N),
    I32_GE_U,
    BR_IF,
    1,
    // g
    ...at(G_),
    ...LOAD,
    ...set(G),
    // m' = m·β₁ + g·(1−β₁)
    ...at(M_),
    ...LOAD,
    ...get(B1),
    ...MUL,
    ...get(G),
    ...get(C1),
    ...MUL,
    ...ADD,
    ...set(M),
    ...flush(M),
    // v' = v·β₂ + (g·g)·(1−β₂)
    ...at(V_),
    ...LOAD,
    ...get(B2),
    ...MUL,
    ...get(G),
    ...get(G),
    ...MUL,
    ...get(C2),
    ...MUL,
    ...ADD,
    ...set(V),
    ...flush(V),
    ...at(MO),
    ...get(M),
    ...STORE,
    ...at(VO),
    ...get(V),
    ...STORE,
    // p' = ((m'/d₁) / (√(v'/d₂) + ε)) · (−lr) + p
    ...at(PO),
    ...get(M),
    ...get(D1),
    ...DIV,
    ...get(V),
    ...get(D2),
    ...DIV,
    ...SQRT,
    ...get(EPS),
    ...ADD,
    ...DIV,
    ...get(NLR),
    ...MUL,
    ...at(P),
    ...LOAD,
    ...ADD,
    ...STORE,
    // offset += 16 bytes
    ...get(I),
    I32_CONST,
    16,
    I32_ADD,
    ...set(I),
    BR,
    0,
    END,
    END,
    END,
  );
  const locals = [2, 1, 0x7f, 11, 0x7b]; // 1 i32, 11 v128
  return [...locals, ...code];
}

/** Shuffle of two f32x4 vectors: `lanes` are float indices 0–7 (4–7 from the second). */
function shuffle(lanes: number[]): number[] {
  return [...simd(0x0d), ...lanes.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3])];
}

function transposeBody(): number[] {
  // Params: src 0, dst 1, rows 2, cols 3, srcRow 4, dstRow 5 (bytes). Locals:
  // i 6, j 7, p 8, q 9 (i32); a 10, b 11, c 12, d 13, t0 14, t1 15, t2 16, t3 17 (v128);
  // j0 18, jEnd 19 (i32). Columns go in strips of 16 so that both the source
  // (one cache line per row per block row) and the destination (16 rows
  // written sequentially) stream.
  const [SRC, DST, ROWS, COLS, SROW, DROW, Ii, J, Pp, Q] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [J0, JEND] = [18, 19];
  const [A, B, C, D, T0, T1, T2, T3] = [10, 11, 12, 13, 14, 15, 16, 17];
  const times4 = [I32_CONST, 2, I32_SHL];
  const loadRow = (k: number, into: number) => [
    ...get(Pp),
    ...(k === 0 ? [] : [...get(SROW), I32_CONST, k, I32_MUL, I32_ADD]),
    ...LOAD,
    ...set(into),
  ];
  const storeCol = (k: number, x: number, y: number, lanes: number[]) => [
    ...get(Q),
    ...(k === 0 ? [] : [...get(DROW), I32_CONST, k, I32_MUL, I32_ADD]),
    ...get(x),
    ...get(y),
    ...shuffle(lanes),
    ...STORE,
  ];
  const code = [
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(J0),
    ...get(COLS),
    I32_GE_U,
    BR_IF,
    1,
    // jEnd = min(j0 + 16, cols); i = 0
    ...get(COLS),
    ...get(J0),
    I32_CONST,
    16,
    I32_ADD,
    ...get(J0),
    I32_CONST,
    16,
    I32_ADD,
    ...get(COLS),
    I32_GT_U,
    SELECT,
    ...set(JEND),
    I32_CONST,
    0,
    ...set(Ii),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(Ii),
    ...get(ROWS),
    I32_GE_U,
    BR_IF,
    1,
    ...get(J0),
    ...set(J),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(J),
    ...get(JEND),
    I32_GE_U,
    BR_IF,
    1,
    // p = src + i·srcRow + j·4 ; q = dst + j·dstRow + i·4
    ...get(SRC),
    ...get(Ii),
    ...get(SROW),
    I32_MUL,
    I32_ADD,
    ...get(J),
    ...times4,
    I32_ADD,
    ...set(Pp),
    ...get(DST),
    ...get(J),
    ...get(DROW),
    I32_MUL,
    I32_ADD,
    ...get(Ii),
    ...times4,
    I32_ADD,
    ...set(Q),
    ...loadRow(0, A),
    ...loadRow(1, B),
    ...loadRow(2, C),
    ...loadRow(3, D),
    ...get(A),
    ...get(B),
    ...shuffle([0, 4, 1, 5]),
    ...set(T0),
    ...get(A),
    ...get(B),
    ...shuffle([2, 6, 3, 7]),
    ...set(T1),
    ...get(C),
    ...get(D),
    ...shuffle([0, 4, 1, 5]),
    ...set(T2),
    ...get(C),
    ...get(D),
    ...shuffle([2, 6, 3, 7]),
    ...set(T3),
    ...storeCol(0, T0, T2, [0, 1, 4, 5]),
    ...storeCol(1, T0, T2, [2, 3, 6, 7]),
    ...storeCol(2, T1, T3, [0, 1, 4, 5]),
    ...storeCol(3, T1, T3, [2, 3, 6, 7]),
    ...get(J),
    I32_CONST,
    4,
    I32_ADD,
    ...set(J),
    BR,
    0,
    END,
    END,
    ...get(Ii),
    I32_CONST,
    4,
    I32_ADD,
    ...set(Ii),
    BR,
    0,
    END,
    END,
    ...get(J0),
    I32_CONST,
    16,
    I32_ADD,
    ...set(J0),
    BR,
    0,
    END,
    END,
    END,
  ];
  const locals = [3, 4, 0x7f, 8, 0x7b, 2, 0x7f]; // 4 i32, 8 v128, 2 i32
  return [...locals, ...code];
}

function blockTransposeBody(): number[] {
  // Params: src 0, dst 1, rows 2, cols 3, block 4 (bytes). Locals: i 5, j 6,
  // p 7, q 8, k 9, dstRow 10 (i32).
  const [SRC, DST, ROWS, COLS, BLK, Ii, J, Pp, Q, K, DROW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const code = [
    // dstRow = rows·block; p walks the source sequentially.
    ...get(ROWS),
    ...get(BLK),
    I32_MUL,
    ...set(DROW),
    ...get(SRC),
    ...set(Pp),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(Ii),
    ...get(ROWS),
    I32_GE_U,
    BR_IF,
    1,
    // q = dst + i·block
    ...get(DST),
    ...get(Ii),
    ...get(BLK),
    I32_MUL,
    I32_ADD,
    ...set(Q),
    I32_CONST,
    0,
    ...set(J),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(J),
    ...get(COLS),
    I32_GE_U,
    BR_IF,
    1,
    I32_CONST,
    0,
    ...set(K),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(K),
    ...get(BLK),
    I32_GE_U,
    BR_IF,
    1,
    ...get(Q),
    ...get(K),
    I32_ADD,
    ...get(Pp),
    ...get(K),
    I32_ADD,
    ...LOAD,
    ...STORE,
    ...get(K),
    I32_CONST,
    16,
    I32_ADD,
    ...set(K),
    BR,
    0,
    END,
    END,
    // p += block ; q += dstRow ; j += 1
    ...get(Pp),
    ...get(BLK),
    I32_ADD,
    ...set(Pp),
    ...get(Q),
    ...get(DROW),
    I32_ADD,
    ...set(Q),
    ...get(J),
    I32_CONST,
    1,
    I32_ADD,
    ...set(J),
    BR,
    0,
    END,
    END,
    ...get(Ii),
    I32_CONST,
    1,
    I32_ADD,
    ...set(Ii),
    BR,
    0,
    END,
    END,
    END,
  ];
  const locals = [1, 6, 0x7f]; // 6 i32
  return [...locals, ...code];
}

function columnSumBody(): number[] {
  // Params: src 0, dst 1, rows 2, cols 3. Locals: r 4, c 5, p 6, rowBytes 7 (i32).
  // dst starts at zero and gains one row at a time, in row order.
  const [SRC, DST, ROWS, COLS, R, Cc, Pp, RB] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code = [
    ...get(COLS),
    I32_CONST,
    2,
    I32_SHL,
    ...set(RB),
    // dst[0..cols) = 0
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(Cc),
    ...get(RB),
    I32_GE_U,
    BR_IF,
    1,
    ...get(DST),
    ...get(Cc),
    I32_ADD,
    ...V128_ZERO,
    ...STORE,
    ...get(Cc),
    I32_CONST,
    16,
    I32_ADD,
    ...set(Cc),
    BR,
    0,
    END,
    END,
    ...get(SRC),
    ...set(Pp),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(R),
    ...get(ROWS),
    I32_GE_U,
    BR_IF,
    1,
    I32_CONST,
    0,
    ...set(Cc),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(Cc),
    ...get(RB),
    I32_GE_U,
    BR_IF,
    1,
    ...get(DST),
    ...get(Cc),
    I32_ADD,
    ...get(DST),
    ...get(Cc),
    I32_ADD,
    ...LOAD,
    ...get(Pp),
    ...get(Cc),
    I32_ADD,
    ...LOAD,
    ...ADD,
    ...STORE,
    ...get(Cc),
    I32_CONST,
    16,
    I32_ADD,
    ...set(Cc),
    BR,
    0,
    END,
    END,
    ...get(Pp),
    ...get(RB),
    I32_ADD,
    ...set(Pp),
    ...get(R),
    I32_CONST,
    1,
    I32_ADD,
    ...set(R),
    BR,
    0,
    END,
    END,
    END,
  ];
  return [1, 4, 0x7f, ...code]; // 4 i32 locals
}

function filterGradC1Body(): number[] {
  const [XP, DY, OUT, NB, OH, OW, HP, WP, KH, KW, SH, SW, CO] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
  ];
  // i32 locals 13..23, v128 locals 24..37.
  const [KHI, KWI, G, Bi, OHI, OWI, XROW, DYROW, COB, SWB, ADDR] = [
    13,
    14,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
  ];
  const ACC = [24, 25, 26, 27, 28, 29, 30, 31], X0 = 32, X1 = 33, DV = [34, 35, 36, 37];
  const loadAt = (offset: number) => [...simd(0x00), 2, ...uleb(offset)];
  const storeAt = (offset: number) => [...simd(0x0b), 2, ...uleb(offset)];
  const F32_LOAD = (offset: number) => [0x2a, 2, ...uleb(offset)];
  const inc = (local: number, by: number[]) => [...get(local), ...by, I32_ADD, ...set(local)];
  const loopWhile = (counter: number, bound: number[], body: number[]) => [
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(counter),
    ...bound,
    I32_GE_U,
    BR_IF,
    1,
    ...body,
    BR,
    0,
    END,
    END,
  ];
  const zero = (local: number) => [I32_CONST, 0, ...set(local)];
  const inner = [
    ...get(XROW),
    ...F32_LOAD(0),
    ...SPLAT,
    ...set(X0),
    ...get(XROW),
    ...F32_LOAD(4),
    ...SPLAT,
    ...set(X1),
    ...DV.flatMap((d, i) => [...get(DYROW), ...loadAt(16 * i), ...set(d)]),
    ...[X0, X1].flatMap((x, t) =>
      DV.flatMap((
        d,
        i,
      ) => [...get(ACC[4 * t + i]), ...get(x), ...get(d), ...MUL, ...ADD, ...set(ACC[4 * t + i])])
    ),
    ...inc(XROW, get(SWB)),
    ...inc(DYROW, get(COB)),
    ...inc(OWI, [I32_CONST, 1]),
  ];
  const rowSetup = [
    // xrow = xp + (((b·Hp + oh·sh + kh)·Wp + kw) << 2)
    ...get(XP),
    ...get(Bi),
    ...get(HP),
    I32_MUL,
    ...get(OHI),
    ...get(SH),
    I32_MUL,
    I32_ADD,
    ...get(KHI),
    I32_ADD,
    ...get(WP),
    I32_MUL,
    ...get(KWI),
    I32_ADD,
    I32_CONST,
    2,
    I32_SHL,
    I32_ADD,
    ...set(XROW),
    // dyrow = dy + (((b·OH + oh)·OW·Co) << 2) + g
    ...get(DY),
    ...get(Bi),
    ...get(OH),
    I32_MUL,
    ...get(OHI),
    I32_ADD,
    ...get(OW),
    I32_MUL,
    ...get(CO),
    I32_MUL,
    I32_CONST,
    2,
    I32_SHL,
    I32_ADD,
    ...get(G),
    I32_ADD,
    ...set(DYROW),
    ...zero(OWI),
  ];
  const sweep = [
    ...ACC.flatMap((a) => [...V128_ZERO, ...set(a)]),
    ...zero(Bi),
    ...loopWhile(Bi, get(NB), [
      ...zero(OHI),
      ...loopWhile(OHI, get(OH), [
        ...rowSetup,
        ...loopWhile(OWI, get(OW), inner),
        ...inc(OHI, [I32_CONST, 1]),
      ]),
      ...inc(Bi, [I32_CONST, 1]),
    ]),
    // addr = out + (((kh·KW + kw)·Co) << 2) + g; the second tap is one row of Co further.
    ...get(OUT),
    ...get(KHI),
    ...get(KW),
    I32_MUL,
    ...get(KWI),
    I32_ADD,
    ...get(CO),
    I32_MUL,
    I32_CONST,
    2,
    I32_SHL,
    I32_ADD,
    ...get(G),
    I32_ADD,
    ...set(ADDR),
    ...[0, 1, 2, 3].flatMap((i) => [...get(ADDR), ...get(ACC[i]), ...storeAt(16 * i)]),
    ...inc(ADDR, get(COB)),
    ...[0, 1, 2, 3].flatMap((i) => [...get(ADDR), ...get(ACC[4 + i]), ...storeAt(16 * i)]),
    ...inc(G, [I32_CONST, 0xc0, 0x00]), // += 64 (signed LEB128)
  ];
  const code = [
    ...get(CO),
    I32_CONST,
    2,
    I32_SHL,
    ...set(COB),
    ...get(SW),
    I32_CONST,
    2,
    I32_SHL,
    ...set(SWB),
    ...zero(KHI),
    ...loopWhile(KHI, get(KH), [
      ...zero(KWI),
      ...loopWhile(KWI, get(KW), [
        ...zero(G),
        ...loopWhile(G, get(COB), sweep),
        ...inc(KWI, [I32_CONST, 2]),
      ]),
      ...inc(KHI, [I32_CONST, 1]),
    ]),
    END,
  ];
  return [2, 11, 0x7f, 14, 0x7b, ...code]; // 11 i32, 14 v128 locals
}

function moduleBytes(shared: boolean): Uint8Array {
  const I32 = 0x7f, F32 = 0x7d;
  return heapModule([
    { name: "adam", params: [...Array(8).fill(I32), ...Array(8).fill(F32)], body: adamBody() },
    { name: "transpose", params: Array(6).fill(I32), body: transposeBody() },
    { name: "blockTranspose", params: Array(5).fill(I32), body: blockTransposeBody() },
    { name: "columnSum", params: Array(4).fill(I32), body: columnSumBody() },
    { name: "filterGradC1", params: Array(13).fill(I32), body: filterGradC1Body() },
    ...elementwiseFunctions(),
    stridedAddFunction(),
    padImagesFunction(),
    ...sgemmFunctions(relaxedSimd()),
  ], shared);
}

/** The SIMD functions, bound to one heap. */
export interface SimdKernels {
  adam: AdamKernel;
  transpose: TransposeKernel;
  blockTranspose: BlockTransposeKernel;
  columnSum: ColumnSumKernel;
  filterGradC1: FilterGradC1Kernel;
  reluGrad: ReluGradKernel;
  relu: ReluKernel;
  biasAdd: BiasAddKernel;
  bernoulli: BernoulliKernel;
  bernoulliGrad: BernoulliGradKernel;
  stridedAdd: StridedAddKernel;
  padImages: PadImagesKernel;
  sgemmPack: SgemmPackKernel;
  sgemmPanels: SgemmPanelsKernel;
}

const compiled = new WeakMap<object, SimdKernels | null>();
let fallbackReason: string | undefined;
let warned = false;

/**
 * The heap memory of a tfjs wasm backend's module: exported by the
 * single-threaded builds (`asm.memory`), created by the glue and imported by
 * the threaded one (`wasmMemory`).
 */
export function heapMemory(
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory } | undefined,
): WebAssembly.Memory | undefined {
  return wasm?.asm?.memory ?? wasm?.wasmMemory;
}

/**
 * Why the SIMD kernels could not be compiled, if they could not (else
 * undefined): the error of the last failed compilation. `useBackend` puts it in
 * its summary.
 */
export function simdFallbackReason(): string | undefined {
  return fallbackReason;
}

/**
 * The kernels bound to the heap `memory` (compiled once per memory, shared or
 * not), or null where they cannot be: no memory exposed, or a runtime that
 * refuses the module (the reason is kept for {@link simdFallbackReason} and
 * printed once per process with console.warn). Callers then use the backend's
 * own kernels.
 */
export function simdKernels(memory: WebAssembly.Memory | undefined): SimdKernels | null {
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let kernels = compiled.get(memory);
  if (kernels === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== "undefined" &&
        memory.buffer instanceof SharedArrayBuffer;
      const module = new WebAssembly.Module(moduleBytes(shared) as BufferSource);
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      kernels = {
        adam: instance.exports.adam as AdamKernel,
        transpose: instance.exports.transpose as TransposeKernel,
        blockTranspose: instance.exports.blockTranspose as BlockTransposeKernel,
        columnSum: instance.exports.columnSum as ColumnSumKernel,
        filterGradC1: instance.exports.filterGradC1 as FilterGradC1Kernel,
        reluGrad: instance.exports.reluGrad as ReluGradKernel,
        relu: instance.exports.relu as ReluKernel,
        biasAdd: instance.exports.biasAdd as BiasAddKernel,
        bernoulli: instance.exports.bernoulli as BernoulliKernel,
        bernoulliGrad: instance.exports.bernoulliGrad as BernoulliGradKernel,
        stridedAdd: instance.exports.stridedAdd as StridedAddKernel,
        padImages: instance.exports.padImages as PadImagesKernel,
        sgemmPack: instance.exports.sgemmPack as SgemmPackKernel,
        sgemmPanels: instance.exports.sgemmPanels as SgemmPanelsKernel,
      };
    } catch (e) {
      kernels = null;
      fallbackReason = e instanceof Error ? e.message : String(e);
      if (!warned) {
        warned = true;
        console.warn(
          `warning: the library's SIMD wasm kernels could not be compiled (${fallbackReason}); ` +
            "training uses the backend's slower kernels instead",
        );
      }
    }
    compiled.set(memory, kernels);
  }
  return kernels;
}
