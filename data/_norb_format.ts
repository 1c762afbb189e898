// Private: the header of a NORB binary matrix (the format of the NORB and
// SmallNORB distributions, https://cs.nyu.edu/~ylclab/data/norb-v1.0-small/):
// little-endian int32 magic (the element type), int32 ndim, max(3, ndim)
// int32 dimensions (only the first ndim count), then the data in C order.
import { malformed } from "./_npy_format.ts";

/** The element types of NORB matrices, by magic number. */
export const NORB_TYPES = {
  0x1e3d4c55: ["u8", 1],
  0x1e3d4c54: ["i32", 4],
  0x1e3d4c56: ["i16", 2],
  0x1e3d4c51: ["f32", 4],
  0x1e3d4c53: ["f64", 8],
} as const;

/** A NORB element type name. */
export type NorbDtype = (typeof NORB_TYPES)[keyof typeof NORB_TYPES][0];

/** A parsed header: the type, the shape and where the data starts. */
export interface NorbHeader {
  dtype: NorbDtype;
  itemsize: number;
  shape: number[];
  dataOffset: number;
  /** Number of elements, the product of `shape`. */
  count: number;
}

/** Bytes a header can take at most (ndim is checked to be ≤ 16). */
export const NORB_HEADER_MAX = 8 + 4 * 16;

/**
 * Parses the header at the start of `bytes` (which need hold only the header),
 * with `Cannot read <name>: ...` errors for a bad magic or dimension.
 */
export function parseNorbHeader(bytes: Uint8Array, name: string): NorbHeader {
  if (bytes.length < 8) {
    throw malformed(name, `truncated: ${bytes.length} bytes, too short for a NORB header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const type = NORB_TYPES[magic as keyof typeof NORB_TYPES];
  if (!type) {
    throw malformed(
      name,
      `not a NORB binary matrix (magic 0x${
        magic.toString(16).padStart(8, "0")
      }; expected 0x1e3d4c55 for uint8 or 0x1e3d4c54 for int32)`,
    );
  }
  const ndim = view.getInt32(4, true);
  if (ndim < 0 || ndim > 16) throw malformed(name, `bad NORB header: ndim is ${ndim}`);
  const stored = Math.max(3, ndim);
  const dataOffset = 8 + 4 * stored;
  if (bytes.length < dataOffset) {
    throw malformed(name, "truncated: the NORB header's dimensions are cut off");
  }
  const shape: number[] = [];
  for (let k = 0; k < ndim; k++) {
    const d = view.getInt32(8 + 4 * k, true);
    if (d < 0) throw malformed(name, `bad NORB header: dimension ${k} is ${d}`);
    shape.push(d);
  }
  const count = shape.reduce((p, s) => p * s, 1);
  return { dtype: type[0], itemsize: type[1], shape, dataOffset, count };
}
