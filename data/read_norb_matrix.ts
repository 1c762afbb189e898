import { malformed } from "./_npy_format.ts";
import { parseNorbHeader } from "./_norb_format.ts";

/** An array read from a NORB binary matrix. */
export interface NorbMatrix {
  /** The element type: `"u8" | "i16" | "i32" | "f32" | "f64"`. */
  readonly dtype: "u8" | "i16" | "i32" | "f32" | "f64";
  /** The dimensions, e.g. `[24300, 2, 96, 96]` for SmallNORB's `dat` files. */
  readonly shape: readonly number[];
  /** The values in C order. */
  readonly data: Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Options of {@link readNorbMatrix}. */
export interface ReadNorbMatrixOptions {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"NORB matrix"}
   */
  name?: string;
}

/**
 * Reads a NORB binary matrix, the format of the NORB and SmallNORB files
 * (`smallnorb-*-dat.mat`, `-cat.mat`, `-info.mat`; not MATLAB files despite
 * the name): a little-endian int32 magic number giving the element type
 * (0x1E3D4C55 uint8, 0x1E3D4C54 int32, 0x1E3D4C56 int16, 0x1E3D4C51 float32,
 * 0x1E3D4C53 float64), an int32 number of dimensions, max(3, ndim) int32
 * dimensions of which the first ndim count, then the values in C order.
 *
 * @param bytes The file's bytes.
 * @param options Name for messages.
 * @returns The array.
 * @throws {TypeError} If `bytes` is not a Uint8Array.
 * @throws {Error} `Cannot read <name>: ...` for a bad magic number or header,
 *   truncated data, or bytes left over after the data.
 *
 * @example A 1-d int32 matrix of three labels (its header stores three dimensions)
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNorbMatrix } from "@disentangle/vae/data";
 * const words = new Int32Array([0x1e3d4c54, 1, 3, 1, 1, 4, 0, 2]);
 * const matrix = readNorbMatrix(new Uint8Array(words.buffer));
 * assert.equal(matrix.dtype, "i32");
 * assert.deepEqual(matrix.shape, [3]);
 * assert.deepEqual(Array.from(matrix.data), [4, 0, 2]);
 * ```
 */
export function readNorbMatrix(bytes: Uint8Array, options: ReadNorbMatrixOptions = {}): NorbMatrix {
  const { name = "NORB matrix" } = options;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot read ${name}: bytes must be a Uint8Array, got ${typeof bytes}`);
  }
  const header = parseNorbHeader(bytes, name);
  const { dtype, itemsize, shape, dataOffset, count } = header;
  const need = dataOffset + count * itemsize;
  if (bytes.length < need) {
    throw malformed(
      name,
      `truncated: the header says [${shape}] ${dtype} (${need} bytes), the file has ${bytes.length}`,
    );
  }
  if (bytes.length > need) {
    throw malformed(
      name,
      `${bytes.length - need} bytes after the data of [${shape}] ${dtype}: not a NORB matrix?`,
    );
  }
  // A copy (a node Buffer's slice() would be a view of the whole file).
  const body = new Uint8Array(need - dataOffset);
  body.set(bytes.subarray(dataOffset, need));
  const view = new DataView(body.buffer);
  let data: NorbMatrix["data"];
  if (dtype === "u8") data = body;
  else if (dtype === "i16") {
    data = new Int16Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getInt16(2 * i, true);
  } else if (dtype === "i32") {
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getInt32(4 * i, true);
  } else if (dtype === "f32") {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
  } else {
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(8 * i, true);
  }
  return { dtype, shape, data };
}
