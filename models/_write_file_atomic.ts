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
 * Writes `data` to `path` atomically (temporary file in the same folder,
 * fsync, rename). The folder must exist. On failure the temporary file is
 * removed and the old `path`, if any, is left as it was.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = temporaryName(path);
  const file = await open(tmp, "wx");
  try {
    try {
      let at = 0;
      while (at < data.byteLength) {
        const { bytesWritten } = await file.write(data, at, data.byteLength - at);
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

/** {@link writeFileAtomic} for text (UTF-8). */
export function writeTextFileAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, new TextEncoder().encode(text));
}
