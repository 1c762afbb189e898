import { inflateSync } from "node:zlib";
import { malformed } from "./_npy_format.ts";

/** The MATLAB classes of numeric arrays this reader returns. */
export type MatClass =
  | "double"
  | "single"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64";

/** A numeric MATLAB array: its class, dimensions and values in MATLAB's column-major order. */
export interface MatArray {
  /** The MATLAB class, e.g. `"uint8"`. */
  readonly className: MatClass;
  /** MATLAB's dimensions, e.g. `[128, 128, 3, 24, 4]` (at least two). */
  readonly dims: readonly number[];
  /**
   * The real values, column-major (the first index fastest): element
   * `(i0, i1, …)` is at `i0 + dims[0]·(i1 + dims[1]·(…))`.
   */
  readonly data:
    | Float64Array
    | Float32Array
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | BigInt64Array
    | BigUint64Array;
  /** Whether the array was `logical` in MATLAB (its values are then 0/1 uint8). */
  readonly logical: boolean;
}

/** What {@link readMat} found. */
export interface MatContents {
  /** The numeric arrays read, by variable name. */
  readonly variables: Readonly<Record<string, MatArray>>;
  /** Variables present but not returned, each with the reason (a cell, a struct, not asked for). */
  readonly skipped: readonly string[];
}

/** Options of {@link readMat}. */
export interface ReadMatOptions {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"MAT file"}
   */
  name?: string;
  /**
   * Only these variables are decoded (the others are listed in `skipped`);
   * all numeric variables when undefined.
   * @default {undefined}
   */
  variables?: readonly string[];
}

// Data types of MAT v5 elements: [name, bytes per value].
const MI: Record<number, [string, number]> = {
  1: ["int8", 1],
  2: ["uint8", 1],
  3: ["int16", 2],
  4: ["uint16", 2],
  5: ["int32", 4],
  6: ["uint32", 4],
  7: ["single", 4],
  9: ["double", 8],
  12: ["int64", 8],
  13: ["uint64", 8],
  16: ["utf8", 1],
  17: ["utf16", 2],
  18: ["utf32", 4],
};
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
// Array classes (mxCLASS) of numeric arrays, and the names of the others.
const NUMERIC: Record<number, MatClass> = {
  6: "double",
  7: "single",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
};
const OTHER: Record<number, string> = {
  1: "a cell array",
  2: "a struct",
  3: "an object",
  4: "a char array",
  5: "a sparse matrix",
  16: "a function handle",
  17: "an opaque object",
};

interface Element {
  type: number;
  start: number;
  length: number;
  next: number;
}

/**
 * Reads a MATLAB v5 MAT-file (the format of `save -v6` and `save -v7`, and
 * of scipy's `savemat`; little- or big-endian), with compressed variables
 * (miCOMPRESSED, inflated with node:zlib) or not, and returns its numeric
 * arrays (real part only) in MATLAB's column-major order. Cell arrays,
 * structs, chars and sparse matrices are listed in `skipped`. v7.3 files
 * (HDF5) are recognised and refused with a message saying so.
 *
 * @param bytes The file's bytes.
 * @param options Name for messages, the variables to decode.
 * @returns The arrays by name and the variables skipped.
 * @throws {TypeError} If `bytes` is not a Uint8Array.
 * @throws {Error} `Cannot read <name>: ...` for a file that is not MAT v5,
 *   truncated or corrupt data, a complex array, or values that do not fill
 *   the array's dimensions.
 *
 * @example A 2×3 uint8 matrix `m = [1 2 3; 4 5 6]`, uncompressed, written by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { readMat } from "@disentangle/vae/data";
 * const header = new Uint8Array(128).fill(32);
 * header.set(new TextEncoder().encode("MATLAB 5.0 MAT-file"));
 * header.set([0, 1, 0x49, 0x4d], 124); // version 0x0100, "IM": little-endian
 * const words = new Uint32Array([
 *   14, 56, // miMATRIX, 56 bytes follow
 *   6, 8, 9, 0, // array flags: class 9 (uint8)
 *   5, 8, 2, 3, // dimensions 2 × 3
 *   (1 << 16) | 1, 0x6d, // name "m" in the small element format (1 byte of miINT8)
 *   2, 6, 0, 0, // miUINT8, 6 bytes (padded to 8): column-major 1 4 2 5 3 6
 * ]);
 * const body = new Uint8Array(words.buffer);
 * body.set([1, 4, 2, 5, 3, 6], 56);
 * const bytes = new Uint8Array(128 + body.length);
 * bytes.set(header);
 * bytes.set(body, 128);
 * const { variables } = readMat(bytes);
 * assert.equal(variables.m.className, "uint8");
 * assert.deepEqual(variables.m.dims, [2, 3]);
 * assert.deepEqual(Array.from(variables.m.data as Uint8Array), [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function readMat(bytes: Uint8Array, options: ReadMatOptions = {}): MatContents {
  const { name = "MAT file", variables: wanted } = options;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot read ${name}: bytes must be a Uint8Array, got ${typeof bytes}`);
  }
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(116, bytes.length)));
  if (bytes.length < 128 || !text.startsWith("MATLAB")) {
    throw malformed(name, "not a MATLAB MAT-file (it must start with a 128-byte MATLAB header)");
  }
  if (/^MATLAB 7\.3/.test(text)) {
    throw malformed(
      name,
      "a MATLAB v7.3 (HDF5) MAT-file; only v5/v6/v7 files are read (save it with -v7)",
    );
  }
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== "IM" && endian !== "MI") {
    throw malformed(name, `not a MAT v5 file (endian indicator ${JSON.stringify(endian)})`);
  }
  const le = endian === "IM";
  const out: Record<string, MatArray> = {};
  const skipped: string[] = [];
  let pos = 128;
  let count = 0;
  while (pos < bytes.length) {
    const el = element(bytes, pos, bytes.length, le, name);
    count++;
    if (el.type === MI_COMPRESSED) {
      let inner: Uint8Array;
      try {
        inner = new Uint8Array(inflateSync(bytes.subarray(el.start, el.start + el.length)));
      } catch (e) {
        throw malformed(name, `corrupt compressed variable ${count} (${(e as Error).message})`);
      }
      const sub = element(inner, 0, inner.length, le, `${name} (compressed variable ${count})`);
      if (sub.type !== MI_MATRIX) {
        throw malformed(
          name,
          `compressed variable ${count} holds data type ${sub.type}, not a matrix`,
        );
      }
      matrix(inner, sub, le, name, wanted, out, skipped);
    } else if (el.type === MI_MATRIX) {
      matrix(bytes, el, le, name, wanted, out, skipped);
    } else {
      throw malformed(
        name,
        `element ${count} at byte ${pos} has data type ${el.type}, not a matrix`,
      );
    }
    pos = el.next;
    // After a compressed element MATLAB may or may not pad to 8 bytes: skip zero padding.
    while (pos < bytes.length && pos % 8 !== 0 && bytes[pos] === 0) pos++;
  }
  return { variables: out, skipped };
}

function u32(b: Uint8Array, at: number, le: boolean): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, le);
}

/** The data element whose tag is at `pos`. */
function element(b: Uint8Array, pos: number, end: number, le: boolean, name: string): Element {
  if (pos + 8 > end) {
    throw malformed(name, `truncated: a data element tag at byte ${pos} is cut off`);
  }
  const w = u32(b, pos, le);
  if (w >>> 16 !== 0) {
    // Small element: type and length in one word, up to 4 bytes of data.
    const length = w >>> 16;
    if (length > 4) throw malformed(name, `corrupt small data element at byte ${pos}`);
    return { type: w & 0xffff, start: pos + 4, length, next: pos + 8 };
  }
  const length = u32(b, pos + 4, le);
  const start = pos + 8;
  if (start + length > end) {
    throw malformed(
      name,
      `truncated: a data element at byte ${pos} needs ${length} bytes, ${end - start} are left`,
    );
  }
  const next = w === MI_COMPRESSED ? start + length : start + Math.ceil(length / 8) * 8;
  return { type: w, start, length, next: Math.min(next, end) };
}

/** Decodes one miMATRIX element into `out` (or notes it in `skipped`). */
function matrix(
  b: Uint8Array,
  el: Element,
  le: boolean,
  file: string,
  wanted: readonly string[] | undefined,
  out: Record<string, MatArray>,
  skipped: string[],
): void {
  const end = el.start + el.length;
  if (el.length === 0) return; // an empty placeholder matrix
  const flags = element(b, el.start, end, le, file);
  if (flags.type !== 6 || flags.length !== 8) {
    throw malformed(file, "corrupt matrix: no array flags");
  }
  const f0 = u32(b, flags.start, le);
  const cls = f0 & 0xff;
  const dimsEl = element(b, flags.next, end, le, file);
  if (dimsEl.type !== 5) throw malformed(file, "corrupt matrix: no dimensions");
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < dimsEl.length / 4; i++) dims.push(view.getInt32(dimsEl.start + 4 * i, le));
  const nameEl = element(b, dimsEl.next, end, le, file);
  const varName = new TextDecoder().decode(b.subarray(nameEl.start, nameEl.start + nameEl.length));
  const at = `${file} (variable ${varName || "(unnamed)"})`;
  if (!(cls in NUMERIC)) {
    skipped.push(`${varName}: ${OTHER[cls] ?? `array class ${cls}`}, not read`);
    return;
  }
  if (wanted && !wanted.includes(varName)) {
    skipped.push(`${varName}: not asked for`);
    return;
  }
  if (f0 & 0x800) throw malformed(at, "complex arrays are not supported");
  if (dims.some((d) => d < 0)) throw malformed(at, `bad dimensions [${dims}]`);
  const count = dims.reduce((p, d) => p * d, 1);
  const real = element(b, nameEl.next, end, le, at);
  const mi = MI[real.type];
  if (!mi || mi[0].startsWith("utf")) throw malformed(at, `unknown numeric data type ${real.type}`);
  const [kind, size] = mi;
  if (real.length !== count * size) {
    throw malformed(
      at,
      `its data holds ${real.length / size} values, its dimensions [${dims}] need ${count}`,
    );
  }
  const className = NUMERIC[cls];
  const data = allocate(className, count);
  const off = real.start;
  if (kind === "uint8" && className === "uint8") {
    (data as Uint8Array).set(b.subarray(off, off + count));
  } else {
    const read = reader(view, kind, le);
    const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
    for (let i = 0; i < count; i++) {
      const v = read(off + i * size);
      if (big) (data as BigInt64Array)[i] = typeof v === "bigint" ? v : BigInt(v);
      else (data as Float64Array)[i] = Number(v);
    }
  }
  out[varName] = { className, dims, data, logical: (f0 & 0x200) !== 0 };
}

function allocate(cls: MatClass, n: number): MatArray["data"] {
  switch (cls) {
    case "double":
      return new Float64Array(n);
    case "single":
      return new Float32Array(n);
    case "int8":
      return new Int8Array(n);
    case "uint8":
      return new Uint8Array(n);
    case "int16":
      return new Int16Array(n);
    case "uint16":
      return new Uint16Array(n);
    case "int32":
      return new Int32Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "uint64":
      return new BigUint64Array(n);
  }
}

function reader(v: DataView, kind: string, le: boolean): (at: number) => number | bigint {
  switch (kind) {
    case "int8":
      return (at) => v.getInt8(at);
    case "uint8":
      return (at) => v.getUint8(at);
    case "int16":
      return (at) => v.getInt16(at, le);
    case "uint16":
      return (at) => v.getUint16(at, le);
    case "int32":
      return (at) => v.getInt32(at, le);
    case "uint32":
      return (at) => v.getUint32(at, le);
    case "single":
      return (at) => v.getFloat32(at, le);
    case "double":
      return (at) => v.getFloat64(at, le);
    case "int64":
      return (at) => v.getBigInt64(at, le);
    default:
      return (at) => v.getBigUint64(at, le);
  }
}
