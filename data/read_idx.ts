import { malformed } from "./_npy_format.ts";

/** An array read from an IDX file. */
export interface IdxArray {
  /** The element type: `"u8" | "i8" | "i16" | "i32" | "f32" | "f64"`. */
  readonly dtype: "u8" | "i8" | "i16" | "i32" | "f32" | "f64";
  /** The dimensions, e.g. `[60000, 28, 28]` for MNIST's training images. */
  readonly shape: readonly number[];
  /** The values in C order, converted from big-endian to the platform's order. */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"idx data"}
   */
  name?: string;
}

const TYPES = {
  0x08: ["u8", 1],
  0x09: ["i8", 1],
  0x0b: ["i16", 2],
  0x0c: ["i32", 4],
  0x0d: ["f32", 4],
  0x0e: ["f64", 8],
} as const;

/**
 * Reads an IDX file (the format of the MNIST distribution:
 * `train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, ...), plain or
 * gzip-compressed (`.gz`, inflated with the runtime's `DecompressionStream`).
 *
 * @param bytes The file's bytes.
 * @param options Name for messages.
 * @returns The array.
 * @throws {TypeError} If `bytes` is not a Uint8Array.
 * @throws {TypeError} `Cannot read <name>: ...` for a bad magic number, an unknown
 *   element type, truncated data, or gzip data that inflates past what deflate
 *   can expand the file to (1032 times its size).
 *
 * @example Two 2×2 images
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdx } from "@disentangle/vae/data";
 * const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
 * const images = await readIdx(bytes);
 * assert.deepEqual(images.shape, [2, 2, 2]);
 * assert.deepEqual(Array.from(images.data), [1, 2, 3, 4, 5, 6, 7, 8]);
 * ```
 */
export async function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const { name = "idx data" } = options;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot read ${name}: bytes must be a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = await gunzipCapped(bytes, name);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw malformed(name, "not an IDX file (its first two bytes must be zero)");
  }
  const type = TYPES[bytes[2] as keyof typeof TYPES];
  if (!type) throw malformed(name, `unknown IDX element type 0x${bytes[2].toString(16)}`);
  const [dtype, size] = type;
  const nd = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * nd) throw malformed(name, "truncated: the dimensions are cut off");
  const shape: number[] = [];
  for (let k = 0; k < nd; k++) shape.push(view.getUint32(4 + 4 * k, false));
  const count = shape.reduce((p, s) => p * s, 1);
  const start = 4 + 4 * nd;
  if (bytes.length - start < count * size) {
    throw malformed(
      name,
      `truncated: shape [${shape}] needs ${count * size} data bytes, the file has ${
        bytes.length - start
      }`,
    );
  }
  let data: IdxArray["data"];
  if (dtype === "u8") data = bytes.slice(start, start + count);
  else if (dtype === "i8") data = new Int8Array(bytes.slice(start, start + count).buffer);
  else {
    const out = dtype === "i16"
      ? new Int16Array(count)
      : dtype === "i32"
      ? new Int32Array(count)
      : dtype === "f32"
      ? new Float32Array(count)
      : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const at = start + i * size;
      out[i] = dtype === "i16"
        ? view.getInt16(at, false)
        : dtype === "i32"
        ? view.getInt32(at, false)
        : dtype === "f32"
        ? view.getFloat32(at, false)
        : view.getFloat64(at, false);
    }
    data = out;
  }
  return { dtype, shape, data };
}

/** The most deflate can expand its input by, plus room for a small header. */
const MAX_RATIO = 1032;

/**
 * Inflates gzip data, refusing output past what deflate can make from this
 * many bytes, so a corrupt or hostile file cannot claim unbounded memory.
 */
async function gunzipCapped(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const cap = bytes.length * MAX_RATIO + 1024;
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"))
    .getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (e) {
        throw malformed(name, `corrupt gzip data (${(e as Error).message})`);
      }
      if (result.done) break;
      total += result.value.length;
      if (total > cap) {
        throw malformed(name, `corrupt gzip data (inflates past ${cap} bytes)`);
      }
      chunks.push(result.value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
