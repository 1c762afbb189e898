// Private: reading a whole file with errors that name the path.
import { readFile } from "node:fs/promises";

/** Reads a whole file, with `Cannot read <path>: ...` errors (shared by the loaders). */
export async function readPath(path: string, what: string): Promise<Uint8Array> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot read ${what}: path must be a non-empty string, got ${String(path)}`,
    );
  }
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const reason = code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
      ? "it is a directory"
      : code === "EACCES"
      ? "permission denied"
      : (e as Error).message;
    throw new Error(`Cannot read ${path}: ${reason}`, { cause: e });
  }
}
