// Private: reading a file with errors that name the path (shared by the loaders).
import { readFile } from "node:fs/promises";

/** Refuses a path that is not a non-empty string, naming what was to be read. */
export function checkPath(path: string, what: string): void {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot read ${what}: path must be a non-empty string, got ${String(path)}`,
    );
  }
}

/** A file-system error as `Cannot read <path>: <reason>`. */
export function fileError(path: string, e: unknown): Error {
  const code = (e as { code?: string }).code;
  const reason = code === "ENOENT"
    ? "no such file"
    : code === "EISDIR"
    ? "it is a directory"
    : code === "EACCES"
    ? "permission denied"
    : (e as Error).message;
  return new Error(`Cannot read ${path}: ${reason}`, { cause: e });
}

/** Reads a whole file, with `Cannot read <path>: ...` errors. */
export async function readPath(path: string, what: string): Promise<Uint8Array> {
  checkPath(path, what);
  try {
    return await readFile(path);
  } catch (e) {
    throw fileError(path, e);
  }
}
