import { readPath } from "./_read_path.ts";
import type { Int64Mode } from "./read_npy.ts";
import { type NpzContents, readNpz, type ReadNpzOptions } from "./read_npz.ts";

/** Options of {@link loadNpz}: those of {@link readNpz} except the name, which is the path. */
export type LoadNpzOptions<M extends Int64Mode = Int64Mode> = Omit<ReadNpzOptions<M>, "name">;

/**
 * Reads a numpy `.npz` file from disk (see {@link readNpz}). Errors name the
 * path: `Cannot read <path>: no such file`, `... not a zip archive (.npz)`,
 * `... truncated ...`.
 *
 * @param path The file's path.
 * @param options Which keys, int64 handling, CRC check.
 * @returns The arrays and the skipped members.
 * @throws {TypeError} If `path` is not a non-empty string.
 * @throws {Error} `Cannot read <path>: ...` if the file is absent, unreadable or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadNpz, writeNpz } from "@disentangle/vae/data";
 * const path = await Deno.makeTempFile({ suffix: ".npz" });
 * await Deno.writeFile(path, await writeNpz({ a: { shape: [2], data: new Uint8Array([1, 2]) } }));
 * const { arrays } = await loadNpz(path);
 * assert.deepEqual(Array.from(arrays.a.data), [1, 2]);
 * await Deno.remove(path);
 * ```
 */
export async function loadNpz<M extends Int64Mode = "number">(
  path: string,
  options: LoadNpzOptions<M> = {},
): Promise<NpzContents<M>> {
  const bytes = await readPath(path, "npz");
  return await readNpz<M>(bytes, { ...options, name: path });
}
