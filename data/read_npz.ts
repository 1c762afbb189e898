import { dtypeOf, malformed, parseNpyHeader } from "./_npy_format.ts";
import { checkClaimedSize, entryChunks, zipEntries } from "./_zip.ts";
import { type DataFor, type Int64Mode, type NpyArray, readNpy } from "./read_npy.ts";

/** The arrays of a .npz archive; `M` is the int64 mode they were read with. */
export interface NpzContents<M extends Int64Mode = "number"> {
  /** The numeric arrays, by name (the member name without `.npy`, as `numpy.load` gives). */
  readonly arrays: Readonly<Record<string, NpyArray<DataFor<M>>>>;
  /**
   * Members that were not read, with the reason: object arrays (pickled
   * Python objects, never unpickled), string or record dtypes, members that
   * are not `.npy` files, and members left out by `options.keys`.
   */
  readonly skipped: Readonly<Record<string, string>>;
}

/** Options of {@link readNpz}; `M` is the int64 mode. */
export interface ReadNpzOptions<M extends Int64Mode = Int64Mode> {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"npz data"}
   */
  name?: string;
  /**
   * Read only these arrays (names without `.npy`); the others are not
   * decompressed and are listed in `skipped`. A missing name is an error.
   * @default {undefined} (all)
   */
  keys?: readonly string[];
  /**
   * How to return int64/uint64 arrays: checked conversion to `Float64Array`
   * (`RangeError` past 2⁵³−1), or `"bigint"` for `BigInt64Array`/`BigUint64Array`.
   * @default {"number"}
   */
  int64?: M;
  /**
   * Check each member's CRC-32 (costs about a second per GB).
   * @default {true}
   */
  verifyCrc?: boolean;
}

/**
 * Reads a numpy `.npz` archive (`numpy.savez` or `numpy.savez_compressed`)
 * from its bytes: a zip of `.npy` files, stored or deflated, with zip64
 * records when the archive needs them. Deflated members are inflated with
 * the runtime's `DecompressionStream("deflate-raw")` straight into one
 * preallocated buffer per array (no intermediate copies), so a multi-GB
 * array such as dSprites' `imgs` costs its own size in memory once. Each
 * array is read as by {@link readNpy}; arrays that are not numeric (the
 * pickled `metadata` dict of dSprites, strings, records) are skipped with a
 * note in `skipped` rather than failing.
 *
 * @param bytes The whole archive.
 * @param options Name for messages, which keys, int64 handling, CRC check.
 * @returns The arrays and the skipped members.
 * @throws {TypeError} If `bytes` is not a Uint8Array or an option has the wrong type.
 * @throws {TypeError} `Cannot read <name>: ...` if it is not a zip archive, is
 *   truncated or corrupt (a member claiming more bytes than its compressed
 *   data can hold is refused before anything is allocated), or a requested
 *   key is absent.
 *
 * @example Round trip with {@link writeNpz}
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNpz, writeNpz } from "@disentangle/vae/data";
 * const bytes = await writeNpz({
 *   x: { shape: [2], data: new Float64Array([0.5, -1]) },
 *   y: { shape: [], data: new Int32Array([7]) },
 * }, { compress: true });
 * const { arrays, skipped } = await readNpz(bytes);
 * assert.deepEqual(Array.from(arrays.x.data), [0.5, -1]);
 * assert.deepEqual(arrays.y.shape, []);
 * assert.deepEqual(skipped, {});
 * ```
 */
export async function readNpz<M extends Int64Mode = "number">(
  bytes: Uint8Array,
  options: ReadNpzOptions<M> = {},
): Promise<NpzContents<M>> {
  const { name = "npz data", keys, int64 = "number", verifyCrc = true } = options as ReadNpzOptions;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `Cannot read ${name}: bytes must be a Uint8Array, got ${
        bytes === null || typeof bytes !== "object" ? String(bytes) : "a " + typeof bytes
      }`,
    );
  }
  if (keys !== undefined && !Array.isArray(keys)) {
    throw new TypeError(`Cannot read ${name}: options.keys must be an array of names`);
  }
  const entries = zipEntries(bytes, name);
  const arrays: Record<string, NpyArray<DataFor<M>>> = {};
  const skipped: Record<string, string> = {};
  const wanted = keys ? new Set(keys) : undefined;
  for (const entry of entries) {
    if (entry.name.endsWith("/")) continue;
    const key = entry.name.endsWith(".npy") ? entry.name.slice(0, -4) : entry.name;
    if (!entry.name.endsWith(".npy")) {
      skipped[key] = "not a .npy member";
      continue;
    }
    if (wanted && !wanted.has(key)) {
      skipped[key] = "not requested (options.keys)";
      continue;
    }
    const what = `${name} (member ${entry.name})`;
    checkClaimedSize(bytes, entry, name);
    const out = new Uint8Array(entry.uncompressedSize);
    let filled = 0;
    let checkedHeader = false;
    let skipReason: string | undefined;
    for await (const chunk of entryChunks(bytes, entry, name, verifyCrc)) {
      out.set(chunk, filled);
      filled += chunk.length;
      if (!checkedHeader) {
        // Peek at the dtype as soon as the header is in, to skip object arrays unread.
        const header = parseNpyHeader(out.subarray(0, filled), what);
        if (typeof header !== "number") {
          checkedHeader = true;
          const dtype = dtypeOf(header.descr);
          if (typeof dtype === "string") {
            skipReason = dtype;
            break;
          }
        }
      }
    }
    if (skipReason !== undefined) {
      skipped[key] = skipReason;
      continue;
    }
    arrays[key] = readNpy(out, { name: what, int64 }) as NpyArray<DataFor<M>>;
  }
  if (wanted) {
    for (const k of wanted) {
      if (!(k in arrays) && !(k in skipped)) {
        throw malformed(
          name,
          `no array ${JSON.stringify(k)} in the archive (it has ${
            entries.map((e) => JSON.stringify(e.name.replace(/\.npy$/, ""))).join(", ")
          })`,
        );
      }
    }
  }
  return { arrays, skipped };
}
