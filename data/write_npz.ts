import { crc32Update } from "./_zip.ts";
import { type NpyInput, writeNpy } from "./write_npy.ts";

/** Options of {@link writeNpz}. */
export interface WriteNpzOptions {
  /**
   * Deflate the members (as `numpy.savez_compressed`) with the runtime's
   * `CompressionStream("deflate-raw")`; otherwise store them (as `numpy.savez`).
   * @default {false}
   */
  compress?: boolean;
}

/**
 * Writes a numpy `.npz` archive: one `<name>.npy` member per array (see
 * {@link writeNpy}), which `numpy.load` and {@link readNpz} read. Archives
 * are limited to 4 GiB (no zip64 records are written).
 *
 * @param arrays The arrays by name (names must be non-empty, without `/`).
 * @param options Whether to compress.
 * @returns The archive's bytes.
 * @throws {TypeError} For a bad name or array (see {@link writeNpy}).
 * @throws {RangeError} If the archive would exceed 4 GiB or 65 535 members.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNpz, writeNpz } from "@disentangle/vae/data";
 * const bytes = await writeNpz({ codes: { shape: [1, 2], data: new Float32Array([1, 2]) } });
 * const { arrays } = await readNpz(bytes);
 * assert.deepEqual(arrays.codes.shape, [1, 2]);
 * ```
 */
export async function writeNpz(
  arrays: Readonly<Record<string, NpyInput>>,
  options: WriteNpzOptions = {},
): Promise<Uint8Array> {
  const { compress = false } = options;
  if (arrays === null || typeof arrays !== "object" || Array.isArray(arrays)) {
    throw new TypeError(
      `Cannot write npz: arrays must be an object of name → array, got ${String(arrays)}`,
    );
  }
  const names = Object.keys(arrays);
  if (names.length > 0xffff) {
    throw new RangeError(`Cannot write npz: ${names.length} arrays exceed the 65535 zip members`);
  }
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const key of names) {
    if (key === "" || key.includes("/")) {
      throw new TypeError(
        `Cannot write npz: array name ${JSON.stringify(key)} is empty or has '/'`,
      );
    }
    const npy = writeNpy(arrays[key]);
    const crc = (crc32Update(0xffffffff, npy) ^ 0xffffffff) >>> 0;
    const body = compress ? await deflateRaw(npy) : npy;
    const name = encoder.encode(key + ".npy");
    const method = compress ? 8 : 0;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, method, true);
    lv.setUint16(10, 0, true); // time
    lv.setUint16(12, 0x21, true); // date 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, npy.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, npy.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, 0o100644 * 65536, true); // external attributes: a regular file
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    parts.push(local, body);
    central.push(entry);
    offset += local.length + body.length;
    if (offset > 0xffffffff || npy.length > 0xffffffff) {
      throw new RangeError(
        "Cannot write npz: the archive would exceed 4 GiB (zip64 is not written)",
      );
    }
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, names.length, true);
  ev.setUint16(10, names.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
