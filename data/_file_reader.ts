// Private: a file read piece by piece at given offsets (synchronously, so a
// minibatch of a multi-GB file costs its own bytes), with errors naming it.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { checkPath, fileError } from "./_read_path.ts";

/** An open file read at offsets. */
export interface FileReader {
  /** Its size in bytes. */
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Uint8Array;
  /** Fills `into` from `offset`; returns the number of bytes read. */
  readInto(offset: number, into: Uint8Array): number;
  /** Closes the file (further reads fail). */
  close(): void;
}

/** Opens `path` for reading, with `Cannot read <path>: ...` errors. */
export function openFileReader(path: string, what: string): FileReader {
  checkPath(path, what);
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, "r");
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error("directory"), { code: "EISDIR" });
    }
    size = stat.size;
  } catch (e) {
    throw fileError(path, e);
  }
  let open = true;
  const readInto = (offset: number, into: Uint8Array): number => {
    if (!open) throw new Error(`Cannot read ${path}: the file was closed`);
    let done = 0;
    while (done < into.length) {
      const got = readSync(fd, into, done, into.length - done, offset + done);
      if (got === 0) break;
      done += got;
    }
    return done;
  };
  return {
    size,
    read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      return out.subarray(0, readInto(offset, out));
    },
    readInto,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
