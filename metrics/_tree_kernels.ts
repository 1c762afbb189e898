// The boosted trees' work arrays and their two hot loops (the threshold scan
// and the stable partition), in WebAssembly where it runs and in JavaScript
// otherwise (a page whose Content-Security-Policy forbids compiling
// WebAssembly, say). Both forms compute the same numbers to the last bit: the
// WebAssembly text (_tree_kernels.wat) follows the JavaScript below operation
// for operation, and tests/metrics/tree_kernels_test.ts compares them.
//
// Why: on the DCI evaluation size the scans and partitions were ~3/4 of a
// fit; as WebAssembly they run ~1.4× faster on their own (no bounds checks
// in the loops; they are bound by the random reads of the residuals, so two
// features per v128 gained little more) and a whole fit ~10% faster. Each
// fit gets its own instance and memory, so no state outlives a call; the
// compiled module is shared.
import { WASM_BASE64 } from "./_tree_kernels_wasm.ts";

// Sorted rows are stored as tagged row indices: bit 31 (the sign, ~ROW) marks a row
// whose value has a near-tie, i.e. lies in a run of the feature's sorted
// values with consecutive gaps ≤ FEATURE_THRESHOLD that holds at least two
// rows. Two rows of different runs always differ by more than the threshold
// (some gap between them does, and the values are sorted), so the value test
// of a boundary is needed only when both rows are tagged, and a node's
// rows need no copy of their values.
/** Masks the tag (bit 31) off a tagged row index. */
export const ROW = 0x7fffffff;

/** Values closer than this count as equal: no threshold falls between them. */
export const FEATURE_THRESHOLD = 1e-7;

/** The arrays of one fit and the loops over them; every array is a view the loops can read. */
export interface TreeKernels {
  /** Whether the loops run as WebAssembly. */
  readonly wasm: boolean;
  /** A zeroed Float64Array of `length` entries. */
  f64(length: number): Float64Array;
  /** A zeroed Int32Array of `length` entries. */
  i32(length: number): Int32Array;
  /** A zeroed Uint8Array of `length` entries. */
  u8(length: number): Uint8Array;
  /**
   * Best threshold of one feature within the segment [st, en) of its sorted
   * tagged rows: returns the position p of the first row right of the best
   * boundary (−1 if the segment holds none) and writes its proxy into `out[0]`.
   */
  scan(
    rows: Int32Array,
    col: Float64Array,
    residual: Float64Array,
    st: number,
    en: number,
    total: number,
    out: Float64Array,
  ): number;
  /** {@link TreeKernels.scan} of two features over one segment: writes [proxyA, posA, proxyB, posB]. */
  scanPair(
    rowsA: Int32Array,
    colA: Float64Array,
    rowsB: Int32Array,
    colB: Float64Array,
    residual: Float64Array,
    st: number,
    en: number,
    total: number,
    out: Float64Array,
  ): void;
  /** Stable partition of [st, en) of `rows` into `to`, rows with goLeft first; `tmp` is scratch. */
  partition(
    rows: Int32Array,
    to: Int32Array,
    st: number,
    en: number,
    goLeft: Uint8Array,
    tmp: Int32Array,
  ): void;
}

// ---- JavaScript forms (also the specification of the WebAssembly ones) ----

// Friedman's improvement of the boundary before position p is the proxy
// diff² / (n_L·n_R) with diff = n_R·s_L − n_L·s_R = m·s_L − n_L·total; it is
// compared without dividing (n_L·n_R > 0) and divided only on a win, and the
// near-tie test (needed only when both rows are tagged) only on a win too.

function scanJs(
  rows: Int32Array,
  col: Float64Array,
  residual: Float64Array,
  st: number,
  en: number,
  total: number,
  out: Float64Array,
): number {
  const m = en - st;
  let best = -Infinity;
  let bestPos = -1;
  let prev = rows[st];
  let sl = residual[prev & ROW];
  let nL = 1;
  for (let p = st + 1; p < en; p++) {
    const e = rows[p];
    const i = e & ROW;
    const diff = m * sl - nL * total;
    const q = nL * (m - nL);
    if (diff * diff > best * q) {
      if ((e & prev) >= 0 || col[i] > col[prev & ROW] + FEATURE_THRESHOLD) {
        best = diff * diff / q;
        bestPos = p;
      }
    }
    prev = e;
    sl += residual[i];
    nL += 1;
  }
  out[0] = best;
  return bestPos;
}

// Two features in one loop: their running sums are independent chains of
// additions, which the processor overlaps.
function scanPairJs(
  rowsA: Int32Array,
  colA: Float64Array,
  rowsB: Int32Array,
  colB: Float64Array,
  residual: Float64Array,
  st: number,
  en: number,
  total: number,
  out: Float64Array,
): void {
  const m = en - st;
  let bestA = -Infinity;
  let bestB = -Infinity;
  let posA = -1;
  let posB = -1;
  let prevA = rowsA[st];
  let prevB = rowsB[st];
  let slA = residual[prevA & ROW];
  let slB = residual[prevB & ROW];
  let nL = 1;
  for (let p = st + 1; p < en; p++) {
    const q = nL * (m - nL);
    const nLTotal = nL * total;
    const eA = rowsA[p];
    const iA = eA & ROW;
    const eB = rowsB[p];
    const iB = eB & ROW;
    const dA = m * slA - nLTotal;
    const dB = m * slB - nLTotal;
    if (dA * dA > bestA * q) {
      if ((eA & prevA) >= 0 || colA[iA] > colA[prevA & ROW] + FEATURE_THRESHOLD) {
        bestA = dA * dA / q;
        posA = p;
      }
    }
    if (dB * dB > bestB * q) {
      if ((eB & prevB) >= 0 || colB[iB] > colB[prevB & ROW] + FEATURE_THRESHOLD) {
        bestB = dB * dB / q;
        posB = p;
      }
    }
    prevA = eA;
    prevB = eB;
    slA += residual[iA];
    slB += residual[iB];
    nL += 1;
  }
  out[0] = bestA;
  out[1] = posA;
  out[2] = bestB;
  out[3] = posB;
}

// Branch-free: every row is written at the left cursor and into `tmp`, and
// only the matching cursor advances; the right rows are copied after.
function partitionJs(
  rows: Int32Array,
  to: Int32Array,
  st: number,
  en: number,
  goLeft: Uint8Array,
  tmp: Int32Array,
): void {
  let wl = st;
  let r = 0;
  for (let p = st; p < en; p++) {
    const e = rows[p];
    const g = goLeft[e & ROW];
    to[wl] = e;
    tmp[r] = e;
    wl += g;
    r += 1 - g;
  }
  to.set(tmp.subarray(0, r), wl);
}

const JS_KERNELS: TreeKernels = {
  wasm: false,
  f64: (length) => new Float64Array(length),
  i32: (length) => new Int32Array(length),
  u8: (length) => new Uint8Array(length),
  scan: scanJs,
  scanPair: scanPairJs,
  partition: partitionJs,
};

// ---- WebAssembly forms ----

interface TreeExports {
  memory: WebAssembly.Memory;
  scan(
    rows: number,
    col: number,
    res: number,
    st: number,
    en: number,
    total: number,
    out: number,
  ): number;
  scan2(
    ra: number,
    ca: number,
    rb: number,
    cb: number,
    res: number,
    st: number,
    en: number,
    total: number,
    out: number,
  ): void;
  partition(rows: number, to: number, st: number, en: number, goLeft: number, tmp: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly (with SIMD) cannot be compiled here. */
function treeModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const binary = atob(WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * The kernels for one fit that needs at most `bytes` bytes of arrays: in a
 * fresh WebAssembly memory of that size when `wasm` is true and WebAssembly
 * runs here, else the JavaScript forms on ordinary arrays.
 */
export function treeKernels(bytes: number, wasm = true): TreeKernels {
  const module = wasm ? treeModule() : null;
  if (module === null) return JS_KERNELS;
  let ex: TreeExports;
  try {
    ex = new WebAssembly.Instance(module).exports as unknown as TreeExports;
    const pages = Math.ceil((bytes + 64) / 65536);
    const have = ex.memory.buffer.byteLength / 65536;
    if (pages > have) ex.memory.grow(pages - have);
  } catch {
    return JS_KERNELS; // no memory this large for WebAssembly: plain arrays still work
  }
  const buffer = ex.memory.buffer;
  let top = 0;
  // Bump allocation, 8-byte aligned; the memory is fresh, so every array is zeroed.
  const take = (size: number): number => {
    const at = top;
    top += Math.ceil(size / 8) * 8;
    if (top > buffer.byteLength) {
      throw new RangeError(
        `Cannot fit boosted trees: the work arrays need more than ${bytes} bytes`,
      );
    }
    return at;
  };
  return {
    wasm: true,
    f64: (length) => new Float64Array(buffer, take(length * 8), length),
    i32: (length) => new Int32Array(buffer, take(length * 4), length),
    u8: (length) => new Uint8Array(buffer, take(length), length),
    scan: (rows, col, residual, st, en, total, out) =>
      ex.scan(rows.byteOffset, col.byteOffset, residual.byteOffset, st, en, total, out.byteOffset),
    scanPair: (rowsA, colA, rowsB, colB, residual, st, en, total, out) =>
      ex.scan2(
        rowsA.byteOffset,
        colA.byteOffset,
        rowsB.byteOffset,
        colB.byteOffset,
        residual.byteOffset,
        st,
        en,
        total,
        out.byteOffset,
      ),
    partition: (rows, to, st, en, goLeft, tmp) =>
      ex.partition(rows.byteOffset, to.byteOffset, st, en, goLeft.byteOffset, tmp.byteOffset),
  };
}
