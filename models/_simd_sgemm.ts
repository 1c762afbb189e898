/**
 * A float32 matrix product of our own for the wasm heap, C ← op(A)·op(B)
 * (+ C), in two functions of the library's heap module:
 *
 * - `sgemmPack` copies op(B) [K, N] into panels of 8 columns, each K rows of
 *   8 contiguous floats (the last panel padded with zeros);
 * - `sgemmPanels` computes C a 6×8 tile at a time: 12 four-lane accumulators
 *   (15 of x64's 16 vector registers with the operands), one 8-float row of a
 *   panel and six broadcast elements of op(A) per step of K. A is read where
 *   it lies (any row and column stride), so only the smaller operand is
 *   copied.
 *
 * Where the engine has relaxed SIMD, the multiply-add is `f32x4.relaxed_madd`
 * (one fused instruction on x64 with FMA: about 1.3–1.5× the speed of
 * XNNPACK's product in tfjs 4.22's build, which multiplies and adds
 * separately); elsewhere it is `f32x4.mul` then `f32x4.add`. Fused or not,
 * each C entry sums its K products in order, so the result differs from a
 * plain loop's by float32 rounding only.
 *
 * Strides are in bytes. Element (i, k) of op(A) lies at a + i·aRow + k·aStep,
 * element (k, j) of op(B) at b + k·bRow + j·bStep, and C(i, j) at
 * c + i·cRow + j·cStep (for a plain matrix), so a transposed operand or
 * output is only a choice of strides.
 */
import { counted, get, i32, set, simd, uleb, type WasmFunction } from "./_wasm_assembler.ts";

/** Copies op(B) [k, n] (element (r, j) at b + r·bRow + j·bStep) into 8-column panels at dst. */
export type SgemmPackKernel = (
  b: number,
  bRow: number,
  bStep: number,
  k: number,
  n: number,
  dst: number,
) => void;

/**
 * C(i, j) (+)= Σ_r op(A)(i, r)·panels(r, j) for i < m, j < n, with the panels
 * of {@link SgemmPackKernel} at `packed`; `accumulate` 1 adds to C, 0
 * overwrites it; `scratch` is 32 bytes of heap this call may use. k ≥ 1.
 * op(A)'s rows come in groups of `groupRows` (≥ 1), `aGroup` bytes apart,
 * `aRow` apart within one: row i = g·groupRows + w lies at
 * a + g·aGroup + w·aRow (a convolution's output rows, image row by image
 * row; groupRows = m for a plain matrix). K comes in `kGroups` (≥ 1) runs of
 * k steps: step q of run h of row i lies at row(i) + h·aKGroup + q·aStep (a
 * convolution's filter rows; kGroups = 1 for a plain matrix), and the panels
 * hold all kGroups·k rows. C's rows come in the same groups, `cGroup` bytes
 * apart: C(i, j) lies at c + g·cGroup + w·cRow + j·cStep (cGroup =
 * groupRows·cRow for a dense C; a transposed convolution's output phase
 * writes every stride-th pixel of every stride-th row).
 */
export type SgemmPanelsKernel = (
  a: number,
  aRow: number,
  aStep: number,
  packed: number,
  c: number,
  cRow: number,
  cStep: number,
  m: number,
  n: number,
  k: number,
  accumulate: number,
  scratch: number,
  groupRows: number,
  aGroup: number,
  kGroups: number,
  aKGroup: number,
  cGroup: number,
) => void;

/** Rows of a tile (broadcast elements of op(A) per step). */
export const TILE_ROWS = 6;
/** Columns of a tile and of a packed panel. */
export const PANEL_COLUMNS = 8;

/**
 * Heap bytes a product's callers set aside for the kernel's 32-byte row
 * scratch of each of two threads: the second at half of it, a cache line
 * apart from the first (a strided C goes through them on every tile).
 */
export const ROW_SCRATCH_BYTES = 128;
/** Rows of B packed together across every panel. */
const PACK_ROWS = 8;

const I32 = 0x7f, V128 = 0x7b;
const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, VOID = 0x40;
const BR_IF = 0x0d, SELECT = 0x1b, TEE = 0x22;
const I32_EQ = 0x46, I32_LT_U = 0x49, I32_LE_U = 0x4d, I32_AND = 0x71;
const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c;
const F32_ADD = 0x92;

const f32Load = (offset = 0) => [0x2a, 2, ...uleb(offset)];
const f32Store = (offset = 0) => [0x38, 2, ...uleb(offset)];
const vLoad = (offset = 0) => [...simd(0x00), 4, ...uleb(offset)];
const vStore = (offset = 0) => [...simd(0x0b), 4, ...uleb(offset)];
const vSplat32 = (offset = 0) => [...simd(0x09), 2, ...uleb(offset)];
const vZero = [...simd(0x0c), ...Array(16).fill(0)];
const F32X4_ADD = simd(0xe4), F32X4_MUL = simd(0xe6), F32X4_MADD = simd(0x105);

/** local += by (an instruction sequence pushing one i32). */
const bump = (local: number, by: number[]) => [...get(local), ...by, I32_ADD, ...set(local)];
/** min(x, y) of two i32 sequences, unsigned. */
const minU = (x: number[], y: number[]) => [...x, ...y, ...x, ...y, I32_LT_U, SELECT];

function packBody(): number[] {
  const [B, B_ROW, B_STEP, K, N, DST] = [0, 1, 2, 3, 4, 5];
  const [R0, J, COLS, R, SRC, CC, TO, ROWS, PANEL_BYTES] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
  // One row of a panel: two vector copies when it is full and contiguous,
  // else element by element with zeros past the last column.
  const scalarRow = counted(CC, i32(PANEL_COLUMNS), 1, [
    ...get(CC),
    ...i32(4),
    I32_MUL,
    ...get(TO),
    I32_ADD,
    ...get(CC),
    ...get(COLS),
    I32_LT_U,
    IF,
    0x7d, // f32
    ...get(SRC),
    ...get(CC),
    ...get(B_STEP),
    I32_MUL,
    I32_ADD,
    ...f32Load(),
    ELSE,
    0x43,
    0,
    0,
    0,
    0, // f32.const 0
    END,
    ...f32Store(),
  ]);
  const row = [
    ...get(COLS),
    ...i32(PANEL_COLUMNS),
    I32_EQ,
    ...get(B_STEP),
    ...i32(4),
    I32_EQ,
    I32_AND,
    IF,
    VOID,
    ...get(TO),
    ...get(SRC),
    ...vLoad(),
    ...vStore(),
    ...get(TO),
    ...get(SRC),
    ...vLoad(16),
    ...vStore(16),
    ELSE,
    ...scalarRow,
    END,
    ...bump(TO, i32(4 * PANEL_COLUMNS)),
    ...bump(SRC, get(B_ROW)),
  ];
  // Rows r0 … r0 + rows − 1 of panel j: its first row at dst + (j/8)·panelBytes + r0·32.
  const panel = [
    ...minU(i32(PANEL_COLUMNS), [...get(N), ...get(J), I32_SUB]),
    ...set(COLS),
    ...get(B),
    ...get(R0),
    ...get(B_ROW),
    I32_MUL,
    I32_ADD,
    ...get(J),
    ...get(B_STEP),
    I32_MUL,
    I32_ADD,
    ...set(SRC),
    ...get(DST),
    ...get(J),
    ...i32(PANEL_COLUMNS),
    0x6e, // i32.div_u
    ...get(PANEL_BYTES),
    I32_MUL,
    I32_ADD,
    ...get(R0),
    ...i32(4 * PANEL_COLUMNS),
    I32_MUL,
    I32_ADD,
    ...set(TO),
    ...counted(R, get(ROWS), 1, row),
  ];
  // Eight rows of B at a time across all panels: its rows are read in order
  // (a panel at a time, its K rows far apart, was 3–5× slower on wide B).
  const block = [
    ...minU(i32(PACK_ROWS), [...get(K), ...get(R0), I32_SUB]),
    ...set(ROWS),
    ...counted(J, get(N), PANEL_COLUMNS, panel),
  ];
  return [
    1,
    9,
    I32,
    ...get(K),
    ...i32(4 * PANEL_COLUMNS),
    I32_MUL,
    ...set(PANEL_BYTES),
    ...counted(R0, get(K), PACK_ROWS, block),
    END,
  ];
}

function panelsBody(fused: boolean): number[] {
  const [A, A_ROW, A_STEP, PACKED, C, C_ROW, C_STEP, M, N, K, ACCUMULATE, SCRATCH] = [
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
  ];
  const [GROUP_ROWS, A_GROUP, K_GROUPS, A_K_GROUP, C_GROUP] = [12, 13, 14, 15, 16];
  // Locals after the 17 parameters: 18 i32, 15 v128, then 9 i32.
  const [J, COLS, I, ROWS, Q, KK, T, CC, PANEL, WHOLE, G, W] = Array.from(
    { length: 12 },
    (_, i) => 17 + i,
  );
  const P = [29, 30, 31, 32, 33, 34]; // op(A)'s six row pointers
  const ACC = Array.from({ length: 12 }, (_, i) => 35 + i); // row r: ACC[2r], ACC[2r + 1]
  const [B0, B1, AV] = [47, 48, 49];
  const [ADJACENT, H, JUMP] = [50, 51, 52];
  const CR = [53, 54, 55, 56, 57, 58]; // the tile's rows' byte offsets in C
  const madd = (acc: number, b: number) =>
    fused
      ? [...get(AV), ...get(b), ...get(acc), ...F32X4_MADD, ...set(acc)]
      : [...get(AV), ...get(b), ...F32X4_MUL, ...get(acc), ...F32X4_ADD, ...set(acc)];
  // One step of K: a panel row, six broadcasts, twelve multiply-adds. With
  // `unrolled` ≥ 0 it is sub-step u of four, op(A)'s rows contiguous in K: the
  // pointers stay and the element is at immediate offset 4u (pointer bumps were
  // a quarter of the instructions).
  const step = (u: number) => [
    ...get(Q),
    ...vLoad(u < 0 ? 0 : 32 * u),
    ...set(B0),
    ...get(Q),
    ...vLoad(u < 0 ? 16 : 32 * u + 16),
    ...set(B1),
    ...P.flatMap((p, r) => [
      ...get(p),
      ...vSplat32(u < 0 ? 0 : 4 * u),
      ...set(AV),
      ...madd(ACC[2 * r], B0),
      ...madd(ACC[2 * r + 1], B1),
      ...(u < 0 ? bump(p, get(A_STEP)) : []),
    ]),
    ...(u < 0 ? bump(Q, i32(4 * PANEL_COLUMNS)) : []),
  ];
  // op(A)'s six rows adjacent (a transposed A, a whole tile): one pointer,
  // the rows at immediate offsets.
  const adjacentStep = [
    ...get(Q),
    ...vLoad(0),
    ...set(B0),
    ...get(Q),
    ...vLoad(16),
    ...set(B1),
    ...P.flatMap((_, r) => [
      ...get(P[0]),
      ...vSplat32(4 * r),
      ...set(AV),
      ...madd(ACC[2 * r], B0),
      ...madd(ACC[2 * r + 1], B1),
    ]),
    ...bump(P[0], get(A_STEP)),
    ...bump(Q, i32(4 * PANEL_COLUMNS)),
  ];
  const unrolledSteps = [
    ...step(0),
    ...step(1),
    ...step(2),
    ...step(3),
    ...P.flatMap((p) => bump(p, i32(16))),
    ...bump(Q, i32(16 * PANEL_COLUMNS)),
  ];
  /** `body` KK times (KK ≥ 0 on entry), counting KK down. */
  const repeat = (body: number[]) => [
    BLOCK,
    VOID,
    ...get(KK),
    0x45, // i32.eqz
    BR_IF,
    0,
    LOOP,
    VOID,
    ...body,
    ...get(KK),
    ...i32(1),
    I32_SUB,
    TEE,
    KK,
    BR_IF,
    0,
    END,
    END,
  ];
  // Row r of the tile into C: whole rows as two vectors (added to C's when
  // accumulating); a partial panel or a strided C through the scratch.
  const storeRow = (r: number) => {
    const [lo, hi] = [ACC[2 * r], ACC[2 * r + 1]];
    const vectors = [
      ...get(ACCUMULATE),
      IF,
      VOID,
      ...get(T),
      ...get(T),
      ...vLoad(0),
      ...get(lo),
      ...F32X4_ADD,
      ...vStore(0),
      ...get(T),
      ...get(T),
      ...vLoad(16),
      ...get(hi),
      ...F32X4_ADD,
      ...vStore(16),
      ELSE,
      ...get(T),
      ...get(lo),
      ...vStore(0),
      ...get(T),
      ...get(hi),
      ...vStore(16),
      END,
    ];
    const element = [
      ...get(T),
      ...get(CC),
      ...get(C_STEP),
      I32_MUL,
      I32_ADD,
      TEE,
      Q, // Q is free once the tile's steps are done
      ...get(SCRATCH),
      ...get(CC),
      ...i32(4),
      I32_MUL,
      I32_ADD,
      ...f32Load(),
      // + C(i, j) when accumulating, else + 0 (a select: both are loads of valid memory)
      ...get(Q),
      ...f32Load(),
      0x43,
      0,
      0,
      0,
      0,
      ...get(ACCUMULATE),
      SELECT,
      F32_ADD,
      ...f32Store(),
    ];
    const elements = [
      ...get(SCRATCH),
      ...get(lo),
      ...vStore(0),
      ...get(SCRATCH),
      ...get(hi),
      ...vStore(16),
      ...counted(CC, get(COLS), 1, element),
    ];
    return [
      BLOCK,
      VOID,
      ...get(ROWS),
      ...i32(r),
      I32_LE_U,
      BR_IF,
      0,
      ...get(C),
      ...get(CR[r]),
      I32_ADD,
      ...get(J),
      ...get(C_STEP),
      I32_MUL,
      I32_ADD,
      ...set(T),
      ...get(WHOLE),
      IF,
      VOID,
      ...vectors,
      ELSE,
      ...elements,
      END,
      END,
    ];
  };
  const tile = [
    ...minU(i32(TILE_ROWS), [...get(M), ...get(I), I32_SUB]),
    ...set(ROWS),
    // Row i is w of group g (one division per tile); each next row is one
    // further on, wrapping into the next group. Rows past m stay at row m − 1
    // (their sums are never stored).
    ...get(I),
    ...get(GROUP_ROWS),
    0x6e, // i32.div_u
    TEE,
    G,
    ...get(GROUP_ROWS),
    I32_MUL,
    ...get(I),
    I32_SUB,
    ...i32(-1),
    I32_MUL,
    ...set(W),
    ...P.flatMap((p, r) => [
      ...(r === 0 ? [] : [
        ...get(W),
        ...get(I),
        ...i32(r),
        I32_ADD,
        ...get(M),
        I32_LT_U,
        I32_ADD,
        TEE,
        W,
        ...get(GROUP_ROWS),
        I32_EQ,
        TEE,
        T, // T is free until the stores
        ...get(G),
        I32_ADD,
        ...set(G),
        ...i32(0),
        ...get(W),
        ...get(T),
        SELECT,
        ...set(W),
      ]),
      ...get(A),
      ...get(G),
      ...get(A_GROUP),
      I32_MUL,
      I32_ADD,
      ...get(W),
      ...get(A_ROW),
      I32_MUL,
      I32_ADD,
      ...set(p),
      ...get(G),
      ...get(C_GROUP),
      I32_MUL,
      ...get(W),
      ...get(C_ROW),
      I32_MUL,
      I32_ADD,
      ...set(CR[r]),
    ]),
    ...ACC.flatMap((acc) => [...vZero, ...set(acc)]),
    ...get(PANEL),
    ...set(Q),
    // The six rows adjacent (the last pointer 20 bytes past the first): one
    // pointer serves them (decided once: only that pointer moves then).
    ...get(A_ROW),
    ...i32(4),
    I32_EQ,
    ...get(P[5]),
    ...get(P[0]),
    I32_SUB,
    ...i32(4 * (TILE_ROWS - 1)),
    I32_EQ,
    I32_AND,
    ...set(ADJACENT),
    // K in kGroups runs of k steps; between runs the pointers jump on.
    ...get(K_GROUPS),
    ...set(H),
    LOOP,
    VOID,
    // Groups of four steps where op(A)'s rows are contiguous, then the rest.
    ...get(A_STEP),
    ...i32(4),
    I32_EQ,
    IF,
    VOID,
    ...get(K),
    ...i32(2),
    0x76, // i32.shr_u
    ...set(KK),
    ...repeat(unrolledSteps),
    ...get(K),
    ...i32(3),
    I32_AND,
    ...set(KK),
    ...repeat(step(-1)),
    ELSE,
    ...get(K),
    ...set(KK),
    ...get(ADJACENT),
    IF,
    VOID,
    ...repeat(adjacentStep),
    ELSE,
    ...repeat(step(-1)),
    END,
    END,
    ...P.flatMap((p) => bump(p, get(JUMP))),
    ...get(H),
    ...i32(1),
    I32_SUB,
    TEE,
    H,
    BR_IF,
    0,
    END,
    ...[0, 1, 2, 3, 4, 5].flatMap(storeRow),
  ];
  const panel = [
    ...minU(i32(PANEL_COLUMNS), [...get(N), ...get(J), I32_SUB]),
    TEE,
    COLS,
    ...i32(PANEL_COLUMNS),
    I32_EQ,
    ...get(C_STEP),
    ...i32(4),
    I32_EQ,
    I32_AND,
    ...set(WHOLE),
    ...counted(I, get(M), TILE_ROWS, tile),
    ...bump(PANEL, [...get(K), ...get(K_GROUPS), I32_MUL, ...i32(4 * PANEL_COLUMNS), I32_MUL]),
  ];
  return [
    4,
    18,
    I32,
    15,
    V128,
    3,
    I32,
    6,
    I32,
    // aKGroup less the k steps a run has already moved the pointers
    ...get(A_K_GROUP),
    ...get(K),
    ...get(A_STEP),
    I32_MUL,
    I32_SUB,
    ...set(JUMP),
    ...get(PACKED),
    ...set(PANEL),
    ...counted(J, get(N), PANEL_COLUMNS, panel),
    END,
  ];
}

/**
 * The two functions, for the library's heap module (_simd_wasm.ts); `fused`
 * uses relaxed SIMD's multiply-add (only where {@link relaxedSimd} is true).
 */
export function sgemmFunctions(fused: boolean): WasmFunction[] {
  return [
    { name: "sgemmPack", params: Array(6).fill(I32), body: packBody() },
    { name: "sgemmPanels", params: Array(17).fill(I32), body: panelsBody(fused) },
  ];
}

let relaxed: boolean | undefined;

/** Whether this engine compiles relaxed SIMD's f32x4.relaxed_madd (checked once). */
export function relaxedSimd(): boolean {
  if (relaxed === undefined) {
    // (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd)
    const body = [0, ...vZero, ...vZero, ...vZero, ...F32X4_MADD, END];
    const bytes = [
      0x00,
      0x61,
      0x73,
      0x6d,
      1,
      0,
      0,
      0,
      1,
      5,
      1,
      0x60,
      0,
      1,
      V128,
      3,
      2,
      1,
      0,
      10,
      ...uleb(body.length + 2),
      1,
      ...uleb(body.length),
      ...body,
    ];
    try {
      relaxed = WebAssembly.validate(new Uint8Array(bytes));
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}
