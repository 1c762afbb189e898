import type { NpyData } from "./_npy_format.ts";

/** An array to write: its shape and its values in C order. */
export interface NpyInput {
  /** The shape; `[]` for a 0-d scalar. Its product must equal `data.length`. */
  readonly shape: readonly number[];
  /** The values in C (row-major) order; the typed array's type sets the dtype. */
  readonly data: NpyData;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes a numpy `.npy` file (format 1.0, or 2.0 for a huge header) in C order
 * and the platform's byte order, which `numpy.load` and {@link readNpy} read.
 * The dtype follows the typed array: `Float32Array` → `<f4`, `Float64Array` →
 * `<f8`, `Int32Array` → `<i4`, `Uint8Array` → `|u1`, `Int8Array` → `|i1`,
 * `Int16Array`/`Uint16Array`/`Uint32Array` → `<i2`/`<u2`/`<u4`,
 * `BigInt64Array`/`BigUint64Array` → `<i8`/`<u8`. The data starts at a
 * multiple of 64 bytes, as numpy writes it.
 *
 * @param array The shape and values.
 * @returns The file's bytes.
 * @throws {TypeError} If `data` is not a supported typed array or `shape` is not
 *   an array of non-negative integers.
 * @throws {RangeError} If the shape's product differs from `data.length`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNpy, writeNpy } from "@disentangle/vae/data";
 * const bytes = writeNpy({ shape: [3], data: new Int32Array([7, 8, 9]) });
 * assert.equal(bytes.length, 128 + 12); // header padded to 128 bytes, then 3 × 4 bytes
 * assert.deepEqual(Array.from(readNpy(bytes).data), [7, 8, 9]);
 * ```
 */
export function writeNpy(array: NpyInput): Uint8Array {
  const { shape, data } = array ?? {};
  const kind = dtypeOfArray(data);
  if (kind === undefined) {
    throw new TypeError(
      `Cannot write npy: array.data must be a numeric typed array, got ${
        data === null || typeof data !== "object" ? String(data) : data.constructor.name
      }`,
    );
  }
  if (!Array.isArray(shape) || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new TypeError(
      `Cannot write npy: array.shape must be an array of sizes, got ${JSON.stringify(shape)}`,
    );
  }
  const count = shape.reduce((p: number, s: number) => p * s, 1);
  if (count !== data.length) {
    throw new RangeError(
      `Cannot write npy: shape [${shape}] holds ${count} values but data has ${data.length}`,
    );
  }
  const order = kind.size === 1 ? "|" : LITTLE_ENDIAN ? "<" : ">";
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${order}${kind.code}', 'fortran_order': False, 'shape': ${tuple}, }`;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLength = total - prefix;
  const header = dict.padEnd(headerLength - 1, " ") + "\n";
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, prefix === 10 ? 1 : 2, 0]);
  if (prefix === 10) {
    out[8] = headerLength & 0xff;
    out[9] = headerLength >> 8;
  } else {
    new DataView(out.buffer).setUint32(8, headerLength, true);
  }
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

function dtypeOfArray(data: unknown): { code: string; size: number } | undefined {
  if (data instanceof Float32Array) return { code: "f4", size: 4 };
  if (data instanceof Float64Array) return { code: "f8", size: 8 };
  if (data instanceof Int32Array) return { code: "i4", size: 4 };
  if (data instanceof Uint32Array) return { code: "u4", size: 4 };
  if (data instanceof Int16Array) return { code: "i2", size: 2 };
  if (data instanceof Uint16Array) return { code: "u2", size: 2 };
  if (data instanceof Int8Array) return { code: "i1", size: 1 };
  if (data instanceof Uint8Array) return { code: "u1", size: 1 };
  if (data instanceof BigInt64Array) return { code: "i8", size: 8 };
  if (data instanceof BigUint64Array) return { code: "u8", size: 8 };
  return undefined;
}
