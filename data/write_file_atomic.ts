// Writes a file so that a process killed at any instant (kill -9, pre-emption,
// node loss) leaves either the old file or the new one, never half of one: the
// bytes go to a temporary name in the same folder, are flushed to disk, and
// the temporary file is renamed over the target (rename is atomic within a
// file system, NFS included). Shared by the library's savers and the command
// lines' run folders.
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** A temporary name beside `path`, unique to this process and call. */
function temporaryName(path: string): string {
  const pid = (globalThis as { Deno?: typeof Deno }).Deno?.pid ?? 0;
  const tag = `${pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  return join(dirname(path), `.${basename(path)}.${tag}.tmp`);
}

/**
 * Writes `data` (bytes, or text as UTF-8) to `path` atomically: to a
 * temporary file in the same folder, flushed to disk, then renamed over
 * `path`. A process killed at any instant leaves the old file or the new one,
 * never half of one. The folder must exist. On failure the temporary file is
 * removed and the old `path`, if any, is left as it was.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./write_file_atomic.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/status.json`, '{"state":"running"}');
 * await writeFileAtomic(`${dir}/status.json`, '{"state":"complete"}');
 * assert.equal(await Deno.readTextFile(`${dir}/status.json`), '{"state":"complete"}');
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["status.json"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file to write (its folder must exist).
 * @param data The new contents: bytes, or a string written as UTF-8.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`Cannot write the file atomically: path must be a file path, got ${path}`);
  }
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError(
      `Cannot write ${path} atomically: data must be a Uint8Array or a string, got ${typeof data}`,
    );
  }
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const tmp = temporaryName(path);
  const file = await open(tmp, "wx");
  try {
    try {
      let at = 0;
      while (at < bytes.byteLength) {
        const { bytesWritten } = await file.write(bytes, at, bytes.byteLength - at);
        at += bytesWritten;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
