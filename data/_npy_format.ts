// Private: the .npy format (header parsing, dtypes, byte order, Fortran order).
// Format: "\x93NUMPY", major, minor, header length (u16 LE for 1.x, u32 LE for
// 2.x/3.x), then a Python dict literal {'descr', 'fortran_order', 'shape'}
// (latin-1 for 1.x/2.x, UTF-8 for 3.x), padded with spaces and a newline.

/** A typed array of numbers (what every dtype but 64-bit integers reads as). */
export type NumberData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** Any typed array a .npy array can read as (64-bit integers as bigints included). */
export type NpyData = NumberData | BigInt64Array | BigUint64Array;

/** How 64-bit integers are returned: checked numbers, or bigints. */
export type Int64Mode = "number" | "bigint";

/** The typed arrays an int64 mode gives. */
export type DataFor<M extends Int64Mode> = M extends "bigint" ? NpyData : NumberData;

/** A parsed header. */
export interface NpyHeader {
  descr: unknown;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
  major: number;
}

/** What a supported dtype reads as. */
export interface DtypeInfo {
  kind: "b" | "i" | "u" | "f";
  itemsize: number;
  bigEndian: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/**
 * Error thrown for a malformed file (the caller's message names the path): a
 * TypeError, as for any input of the wrong form, so that callers (and the
 * fuzz tests) can tell a bad file from a failure of the reader itself.
 */
export function malformed(name: string, what: string): TypeError {
  return new TypeError(`Cannot read ${name}: ${what}`);
}

/**
 * Parses the header at the start of `bytes`, or returns the number of bytes
 * needed when `bytes` is too short to hold it.
 */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader | number {
  if (bytes.length < 10) {
    if (bytes.length === 0 || !startsWithMagic(bytes, bytes.length)) throw notNpy(bytes, name);
    return 10;
  }
  if (!startsWithMagic(bytes, 6)) throw notNpy(bytes, name);
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) {
    throw malformed(name, `unsupported .npy format version ${major}.${minor} (1.0 to 3.0 are)`);
  }
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else {
    if (bytes.length < 12) return 12;
    headerLength = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 16777216;
    start = 12;
  }
  const dataOffset = start + headerLength;
  if (bytes.length < dataOffset) return dataOffset;
  const raw = bytes.subarray(start, dataOffset);
  const text = major === 3 ? new TextDecoder("utf-8").decode(raw) : latin1(raw);
  let dict: unknown;
  try {
    dict = parsePythonLiteral(text);
  } catch (e) {
    throw malformed(
      name,
      `bad .npy header ${JSON.stringify(text.trim())}: ${(e as Error).message}`,
    );
  }
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) {
    throw malformed(name, `bad .npy header ${JSON.stringify(text.trim())}: not a dict`);
  }
  const d = dict as Record<string, unknown>;
  const { descr, fortran_order: fortran, shape } = d;
  if (descr === undefined || typeof fortran !== "boolean" || !Array.isArray(shape)) {
    throw malformed(
      name,
      `bad .npy header ${
        JSON.stringify(text.trim())
      }: needs 'descr', 'fortran_order' (bool) and 'shape' (tuple)`,
    );
  }
  for (const s of shape) {
    if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
      throw malformed(
        name,
        `bad .npy header: shape ${JSON.stringify(shape)} is not a tuple of sizes`,
      );
    }
  }
  return { descr, fortranOrder: fortran, shape: shape as number[], dataOffset, major };
}

function startsWithMagic(bytes: Uint8Array, n: number): boolean {
  for (let i = 0; i < Math.min(n, 6); i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

function notNpy(bytes: Uint8Array, name: string): Error {
  if (bytes.length === 0) return malformed(name, "the file is empty");
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    return malformed(name, "this is a zip archive (.npz), not a .npy file");
  }
  return malformed(name, "not a .npy file (no \\x93NUMPY magic string)");
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** The dtype a descr stands for, or a reason it is not supported. */
export function dtypeOf(descr: unknown): DtypeInfo | string {
  if (typeof descr !== "string") {
    return `structured dtype ${JSON.stringify(descr)} (record arrays are not supported)`;
  }
  const m = /^([<>|=]?)([biufcOSUVMm])(\d*)$/.exec(descr);
  if (!m) return `unknown dtype ${JSON.stringify(descr)}`;
  const [, order, kind, digits] = m;
  const itemsize = digits === "" ? 0 : Number(digits);
  if (kind === "O") {
    return `object array (dtype ${descr}: pickled Python objects, which are never unpickled)`;
  }
  const supported = (kind === "b" && itemsize === 1) ||
    ((kind === "i" || kind === "u") && [1, 2, 4, 8].includes(itemsize)) ||
    (kind === "f" && [2, 4, 8].includes(itemsize));
  if (!supported) return `unsupported dtype ${descr} (bool, integers and floats are supported)`;
  const bigEndian = order === ">" || (order === "=" && !LITTLE_ENDIAN);
  return { kind: kind as DtypeInfo["kind"], itemsize, bigEndian };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` items of `dtype` from `bytes` (exactly count·itemsize long)
 * into a native typed array in C order. May return a view of `bytes` when no
 * conversion is needed and the alignment allows.
 */
export function decodeData(
  bytes: Uint8Array,
  dtype: DtypeInfo,
  shape: readonly number[],
  fortranOrder: boolean,
  int64: "bigint" | "number",
  name: string,
): NpyData {
  const { kind, itemsize } = dtype;
  let src = bytes;
  const swap = dtype.bigEndian !== !LITTLE_ENDIAN && itemsize > 1;
  if (swap) {
    src = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i += itemsize) {
      for (let j = 0; j < itemsize; j++) src[i + j] = bytes[i + itemsize - 1 - j];
    }
  } else if (bytes.byteOffset % itemsize !== 0) {
    src = bytes.slice();
  }
  const n = bytes.length / itemsize;
  let out: NpyData;
  const buf = src.buffer as ArrayBuffer;
  const off = src.byteOffset;
  if (kind === "b" || (kind === "u" && itemsize === 1)) out = new Uint8Array(buf, off, n);
  else if (kind === "i" && itemsize === 1) out = new Int8Array(buf, off, n);
  else if (kind === "i" && itemsize === 2) out = new Int16Array(buf, off, n);
  else if (kind === "u" && itemsize === 2) out = new Uint16Array(buf, off, n);
  else if (kind === "i" && itemsize === 4) out = new Int32Array(buf, off, n);
  else if (kind === "u" && itemsize === 4) out = new Uint32Array(buf, off, n);
  else if (kind === "f" && itemsize === 4) out = new Float32Array(buf, off, n);
  else if (kind === "f" && itemsize === 8) out = new Float64Array(buf, off, n);
  else if (kind === "f" && itemsize === 2) out = halfToFloat32(new Uint16Array(buf, off, n));
  else {
    const big = kind === "i" ? new BigInt64Array(buf, off, n) : new BigUint64Array(buf, off, n);
    out = int64 === "bigint" ? big : toSafeNumbers(big, name);
  }
  if (fortranOrder && shape.length > 1) out = fortranToC(out, shape);
  return out;
}

function toSafeNumbers(big: BigInt64Array | BigUint64Array, name: string): Float64Array {
  const out = new Float64Array(big.length);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < big.length; i++) {
    const v = big[i];
    if (v > max || v < -max) {
      throw new RangeError(
        `Cannot read ${name}: 64-bit integer ${v} at flat index ${i} is not a safe number; ` +
          `read it with { int64: "bigint" }`,
      );
    }
    out[i] = Number(v);
  }
  return out;
}

function halfToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const x = h[i];
    const sign = x & 0x8000 ? -1 : 1;
    const exp = (x >> 10) & 0x1f;
    const frac = x & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** Reorders a Fortran-order (first index fastest) array into C order. */
function fortranToC<T extends NpyData>(src: T, shape: readonly number[]): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const nd = shape.length;
  if (src.length === 0) return out;
  // Walk the C-order output, tracking the Fortran offset of the same element.
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fStride[k] = s;
    s *= shape[k];
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let i = 0; i < src.length; i++) {
    out[i] = src[f];
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      f += fStride[k];
      if (idx[k] < shape[k]) break;
      f -= fStride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

/** Parses the Python literal subset numpy writes: dicts, tuples, lists, strings, ints, bools. */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      for (;;) {
        ws();
        if (text[i] === "}") {
          i++;
          return obj;
        }
        const key = value();
        if (typeof key !== "string") throw new Error(`dict key at ${i} is not a string`);
        ws();
        if (text[i] !== ":") throw new Error(`expected ':' at ${i}`);
        i++;
        obj[key] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") throw new Error(`expected ',' or '}' at ${i}`);
      }
    }
    if (ch === "(" || ch === "[") {
      const close = ch === "(" ? ")" : "]";
      i++;
      const arr: unknown[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return arr;
        }
        arr.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== close) throw new Error(`expected ',' or '${close}' at ${i}`);
      }
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`unterminated string at ${i}`);
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32));
    if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 10))} at ${i}`);
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0].replace("L", ""));
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`trailing ${JSON.stringify(text.slice(i, i + 10))}`);
  return v;
}
