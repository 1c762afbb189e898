import {
  type DataFor,
  decodeData,
  dtypeOf,
  type Int64Mode,
  malformed,
  type NpyData,
  type NumberData,
  parseNpyHeader,
} from "./_npy_format.ts";

export type { DataFor, Int64Mode, NpyData, NumberData };

/**
 * A numeric array read from a .npy file; `D` is the typed array type
 * (numbers, or also bigints when read with `int64: "bigint"`).
 */
export interface NpyArray<D extends NpyData = NumberData> {
  /** The file's dtype string, e.g. `"<f4"`, `">f8"`, `"|u1"` (before conversion). */
  readonly dtype: string;
  /** The array's shape; `[]` for a 0-d scalar. */
  readonly shape: readonly number[];
  /** Whether the file stored the array in Fortran order (`data` is C order regardless). */
  readonly fortranOrder: boolean;
  /**
   * The values, always in C (row-major) order and native byte order:
   * `Uint8Array` for bool (0/1) and uint8, `Int8Array`, `Int16Array`,
   * `Uint16Array`, `Int32Array`, `Uint32Array`, `Float32Array` (float32 and
   * float16), `Float64Array`; 64-bit integers as `Float64Array` (checked to be
   * safe integers) or `BigInt64Array`/`BigUint64Array` with `int64: "bigint"`.
   * It may share memory with the input bytes.
   */
  readonly data: D;
}

/** Options of {@link readNpy}; `M` is the int64 mode. */
export interface ReadNpyOptions<M extends Int64Mode = Int64Mode> {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"npy data"}
   */
  name?: string;
  /**
   * How to return int64/uint64 arrays: `"number"` converts to a `Float64Array`
   * and throws `RangeError` if a value is not a safe integer (|v| ≤ 2⁵³−1);
   * `"bigint"` returns `BigInt64Array`/`BigUint64Array` unchanged.
   * @default {"number"}
   */
  int64?: M;
}

/**
 * Reads a numpy `.npy` file (format versions 1.0, 2.0 and 3.0) from its bytes.
 *
 * Supported dtypes: bool `|b1`, `|u1`, `|i1`, `<i2 <u2 <i4 <u4 <i8 <u8`,
 * `<f2 <f4 <f8`, each in either byte order (`>`, `<`, `=`); big-endian data
 * is converted to the platform's order and Fortran-order arrays are reordered
 * to C order (`fortranOrder` still reports how the file stored them). 0-d and
 * empty arrays are supported.
 *
 * @param bytes The whole file.
 * @param options Name for messages and the int64 conversion.
 * @returns The array.
 * @throws {TypeError} If `bytes` is not a Uint8Array, or the array's dtype is
 *   not numeric (object arrays holding pickles, strings, records): such
 *   arrays are never unpickled.
 * @throws {TypeError} `Cannot read <name>: ...` if the bytes are not a .npy file,
 *   the header is malformed, or the data is truncated.
 * @throws {RangeError} If an int64 value is not a safe integer with `int64: "number"`.
 *
 * @example Round trip with {@link writeNpy}
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNpy, writeNpy } from "@disentangle/vae/data";
 * const bytes = writeNpy({ shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
 * const array = readNpy(bytes);
 * assert.equal(array.dtype, "<f4");
 * assert.deepEqual(array.shape, [2, 2]);
 * assert.deepEqual(Array.from(array.data), [1, 2, 3, 4]);
 * ```
 */
export function readNpy<M extends Int64Mode = "number">(
  bytes: Uint8Array,
  options: ReadNpyOptions<M> = {},
): NpyArray<DataFor<M>> {
  const { name = "npy data", int64 = "number" } = options as ReadNpyOptions;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot read ${name}: bytes must be a Uint8Array, got ${describe(bytes)}`);
  }
  if (int64 !== "number" && int64 !== "bigint") {
    throw new RangeError(
      `Cannot read ${name}: options.int64 must be "number" or "bigint", got ${String(int64)}`,
    );
  }
  const header = parseNpyHeader(bytes, name);
  if (typeof header === "number") {
    throw malformed(
      name,
      `truncated: the header needs ${header} bytes, the file has ${bytes.length}`,
    );
  }
  const dtype = dtypeOf(header.descr);
  const descr = typeof header.descr === "string" ? header.descr : JSON.stringify(header.descr);
  if (typeof dtype === "string") {
    throw new TypeError(`Cannot read ${name}: ${dtype}`);
  }
  const count = header.shape.reduce((p, s) => p * s, 1);
  const need = count * dtype.itemsize;
  const have = bytes.length - header.dataOffset;
  if (have < need) {
    throw malformed(
      name,
      `truncated: shape [${header.shape}] of ${descr} needs ${need} data bytes, the file has ${have}`,
    );
  }
  const raw = bytes.subarray(header.dataOffset, header.dataOffset + need);
  const data = decodeData(raw, dtype, header.shape, header.fortranOrder, int64, name);
  return {
    dtype: descr,
    shape: header.shape,
    fortranOrder: header.fortranOrder,
    data: data as DataFor<M>,
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
