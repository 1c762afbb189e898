// Private: reading zip archives (as numpy's .npz): the central directory
// (with zip64), stored and deflated entries streamed in chunks through the
// runtime's DecompressionStream("deflate-raw"), CRC-32 checks, and the place
// of a stored member in a file for random access (large archives on disk).
import { malformed } from "./_npy_format.ts";

/** One member of the archive. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads up to `length` bytes at `offset` (fewer at the end of the data): the
 * archive in memory or a file read piece by piece.
 */
export type ByteReader = (offset: number, length: number) => Uint8Array;

/** Lists the entries of a zip archive held in `bytes`. */
export function zipEntries(bytes: Uint8Array, name: string): ZipEntry[] {
  return zipEntriesOf((at, length) => bytes.subarray(at, at + length), bytes.length, name);
}

/**
 * Lists the entries of a zip archive of `n` bytes read through `read`: only
 * its end (the end-of-central-directory records) and its central directory
 * are read, so a multi-GB archive on disk costs a few kB.
 */
export function zipEntriesOf(read: ByteReader, n: number, name: string): ZipEntry[] {
  if (n === 0) throw malformed(name, "the file is empty");
  const head = read(0, 6);
  if (n >= 6 && head[0] === 0x93 && head[1] === 0x4e && head[2] === 0x55) {
    throw malformed(name, "this is a .npy file, not a zip archive (.npz); read it with readNpy");
  }
  // The end-of-central-directory record is in the last 22 + 65535 bytes (and
  // the zip64 locator in the 20 before it).
  const tailStart = Math.max(0, n - 22 - 65535 - 20);
  const tail = read(tailStart, n - tailStart);
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 65535); i--) {
    if (tailView.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw malformed(
      name,
      head[0] === 0x50 && head[1] === 0x4b
        ? "truncated zip archive (no end-of-central-directory record)"
        : "not a zip archive (.npz)",
    );
  }
  let count = tailView.getUint16(eocd + 10, true);
  let cdSize = tailView.getUint32(eocd + 12, true);
  let cdOffset = tailView.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && tailView.getUint32(locator, true) === ZIP64_LOCATOR) {
    const z = readU64(tailView, locator + 8, name);
    const record = z + 56 <= n ? read(z, 56) : new Uint8Array(0);
    const zView = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (record.length < 56 || zView.getUint32(0, true) !== ZIP64_EOCD) {
      throw malformed(name, "bad zip64 end-of-central-directory record");
    }
    count = readU64(zView, 32, name);
    cdSize = readU64(zView, 40, name);
    cdOffset = readU64(zView, 48, name);
  }
  if (cdOffset + cdSize > n) {
    throw malformed(name, `truncated zip archive (central directory at ${cdOffset} past the end)`);
  }
  const cd = read(cdOffset, cdSize);
  const view = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let e = 0; e < count; e++) {
    if (p + 46 > cd.length || view.getUint32(p, true) !== CENTRAL) {
      throw malformed(name, `bad zip central directory entry ${e}`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc32 = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length) {
      throw malformed(name, `bad zip central directory entry ${e} (it runs past the directory)`);
    }
    const entryName = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLength));
    // Zip64 extended information: the 64-bit values of the fields set to 0xFFFFFFFF, in order.
    let x = p + 46 + nameLength;
    const xEnd = x + extraLength;
    while (x + 4 <= xEnd) {
      const id = view.getUint16(x, true);
      const size = view.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        const needed = 8 * [uncompressedSize, compressedSize, localHeaderOffset]
          .filter((v) => v === 0xffffffff).length;
        if (x + 4 + Math.min(size, needed) > xEnd || size < needed) {
          throw malformed(name, `bad zip64 extra field in central directory entry ${e}`);
        }
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = readU64(view, q, name);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = readU64(view, q, name);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = readU64(view, q, name);
      }
      x += 4 + size;
    }
    entries.push({
      name: entryName,
      method,
      flags,
      crc32,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    p = xEnd + commentLength;
  }
  return entries;
}

/**
 * Where the bytes of a stored (uncompressed) member lie in an archive of `n`
 * bytes read through `read`, for random access into it without reading it:
 * `[start, start + entry.uncompressedSize)`. A deflated member has no such
 * place (its bytes must be inflated from the start), and is an error.
 */
export function storedMemberStart(
  read: ByteReader,
  n: number,
  entry: ZipEntry,
  name: string,
): number {
  const what = `${name} (member ${entry.name})`;
  if (entry.flags & 1) throw malformed(what, "encrypted zip members are not supported");
  if (entry.method !== 0) {
    throw malformed(
      what,
      `the member is compressed (zip method ${entry.method}${
        entry.method === 8 ? ", deflate: numpy.savez_compressed" : ""
      }) and cannot be read piece by piece; decompress it first (unzip the archive and ` +
        "read the .npy it holds, or save it again with numpy.savez)",
    );
  }
  const at = entry.localHeaderOffset;
  const local = at + 30 <= n ? read(at, 30) : new Uint8Array(0);
  if (local.length < 30) throw malformed(what, "truncated zip archive (local header missing)");
  const view = new DataView(local.buffer, local.byteOffset, local.byteLength);
  if (view.getUint32(0, true) !== LOCAL) throw malformed(what, "bad zip local header");
  const start = at + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  if (start + entry.uncompressedSize > n) {
    throw malformed(
      what,
      `truncated zip archive: ${entry.uncompressedSize} bytes expected, ${
        Math.max(0, n - start)
      } present`,
    );
  }
  return start;
}

function readU64(view: DataView, at: number, name: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(name, `zip64 field ${v} is too large`);
  return Number(v);
}

/** The compressed bytes of an entry (after its local header). */
export function entryPayload(bytes: Uint8Array, entry: ZipEntry, name: string): Uint8Array {
  const at = entry.localHeaderOffset;
  const what = `${name} (member ${entry.name})`;
  if (at + 30 > bytes.length) throw malformed(what, "truncated zip archive (local header missing)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(at, true) !== LOCAL) throw malformed(what, "bad zip local header");
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) {
    throw malformed(
      what,
      `truncated zip archive: ${entry.compressedSize} bytes expected, ${
        Math.max(0, bytes.length - start)
      } present`,
    );
  }
  return bytes.subarray(start, end);
}

/** The most deflate can expand its input by (a run of 258-byte matches). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Refuses an entry whose claimed uncompressed size its payload cannot hold:
 * a stored member must be as long as its data, a deflated one at most 1032
 * times it. Callers check this before allocating `uncompressedSize` bytes.
 */
export function checkClaimedSize(bytes: Uint8Array, entry: ZipEntry, name: string): void {
  const what = `${name} (member ${entry.name})`;
  const payload = entryPayload(bytes, entry, name);
  const claimed = entry.uncompressedSize;
  if (entry.method === 0 && claimed !== payload.length) {
    throw malformed(
      what,
      `corrupt zip member: stored with ${payload.length} bytes but claims ${claimed}`,
    );
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw malformed(
      what,
      `unsupported zip compression method ${entry.method} (stored and deflate are)`,
    );
  }
  if (entry.method === 8 && claimed > payload.length * MAX_DEFLATE_RATIO + 1024) {
    throw malformed(
      what,
      `corrupt zip member: claims ${claimed} bytes from ${payload.length} deflated ones`,
    );
  }
}

/**
 * Streams the uncompressed bytes of an entry in chunks, checking the size and
 * (unless `verify` is false) the CRC-32 at the end.
 */
export async function* entryChunks(
  bytes: Uint8Array,
  entry: ZipEntry,
  name: string,
  verify = true,
): AsyncGenerator<Uint8Array> {
  const what = `${name} (member ${entry.name})`;
  if (entry.flags & 1) throw malformed(what, "encrypted zip members are not supported");
  const payload = entryPayload(bytes, entry, name);
  let crc = 0xffffffff;
  let total = 0;
  const check = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > entry.uncompressedSize) {
      throw malformed(what, `corrupt zip member: more than ${entry.uncompressedSize} bytes`);
    }
    if (verify) crc = crc32Update(crc, chunk);
  };
  if (entry.method === 0) {
    // Stored: hand out the bytes in place, in chunks so callers can overlap work.
    const step = 1 << 24;
    for (let i = 0; i < payload.length; i += step) {
      const chunk = payload.subarray(i, Math.min(payload.length, i + step));
      check(chunk);
      yield chunk;
    }
  } else if (entry.method === 8) {
    const input = new ReadableStream<BufferSource>({
      start(controller) {
        const step = 1 << 20;
        for (let i = 0; i < payload.length; i += step) {
          controller.enqueue(payload.slice(i, Math.min(payload.length, i + step)));
        }
        controller.close();
      },
    });
    const reader = input.pipeThrough(new DecompressionStream("deflate-raw"))
      .getReader() as ReadableStreamDefaultReader<Uint8Array>;
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (e) {
          throw malformed(what, `corrupt deflate data (${(e as Error).message})`);
        }
        if (result.done) break;
        check(result.value);
        yield result.value;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  } else {
    throw malformed(
      what,
      `unsupported zip compression method ${entry.method} (stored and deflate are)`,
    );
  }
  if (total !== entry.uncompressedSize) {
    throw malformed(
      what,
      `truncated zip member: ${total} of ${entry.uncompressedSize} bytes`,
    );
  }
  if (verify && ((crc ^ 0xffffffff) >>> 0) !== entry.crc32) {
    throw malformed(what, "corrupt zip member: CRC-32 mismatch");
  }
}

let table: Int32Array | undefined;

/** Updates a running CRC-32 (start from 0xFFFFFFFF, finish by xor 0xFFFFFFFF). */
export function crc32Update(crc: number, chunk: Uint8Array): number {
  if (!table) {
    // Slicing-by-4 tables: 4 × 256 entries.
    table = new Int32Array(1024);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[i] = c;
    }
    for (let i = 0; i < 256; i++) {
      for (let t = 1; t < 4; t++) {
        const prev = table[(t - 1) * 256 + i];
        table[t * 256 + i] = table[prev & 0xff] ^ (prev >>> 8);
      }
    }
  }
  const t = table;
  let c = crc | 0;
  let i = 0;
  const n = chunk.length;
  const end4 = n - (n % 4);
  for (; i < end4; i += 4) {
    c ^= chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) | (chunk[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^
      t[c >>> 24];
  }
  for (; i < n; i++) c = t[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}
