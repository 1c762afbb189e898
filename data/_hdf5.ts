// Private: opening an HDF5 file with h5wasm (its Node build reads the file
// through the file system piece by piece, never whole), after checking the
// signature and the superblock's end-of-file address ourselves so that a
// foreign or truncated file fails with one clear line; h5wasm's own errors
// (HDF5's error stack) are cut down to their innermost message.
import h5wasm from "h5wasm/node";
import { malformed } from "./_npy_format.ts";
import { openFileReader } from "./_file_reader.ts";

/** h5wasm's file and dataset classes. */
export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

let ready: Promise<void> | undefined;

/** Loads the wasm module once, with HDF5's errors thrown instead of printed. */
function h5Ready(): Promise<void> {
  ready ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return ready;
}

/** Checks `path` is a whole HDF5 file and opens it read-only. */
export async function openHdf5(path: string, what: string): Promise<H5File> {
  checkSuperblock(path, what);
  await h5Ready();
  try {
    return new h5wasm.File(path, "r");
  } catch (e) {
    throw malformed(path, hdf5Message(e));
  }
}

/** The innermost message of an HDF5 error stack (or the error's own message). */
export function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim());
  const calls = lines.filter((l) => /^#\d+:/.test(l));
  const last = calls.at(-1);
  if (last) {
    const m = /\(\):\s*(.*)$/.exec(last);
    return `HDF5 error: ${m ? m[1] : last}`;
  }
  return lines.find((l) => l !== "") ?? "HDF5 error";
}

/** The signature (at 0, 512, 1024, …) and the superblock's end-of-file address against the size. */
function checkSuperblock(path: string, what: string): void {
  const file = openFileReader(path, what);
  try {
    if (file.size === 0) throw malformed(path, "the file is empty");
    let at = -1;
    for (let base = 0; base < file.size; base = base === 0 ? 512 : base * 2) {
      const sig = file.read(base, 8);
      if (sig.length === 8 && SIGNATURE.every((b, i) => sig[i] === b)) {
        at = base;
        break;
      }
    }
    if (at < 0) throw malformed(path, "not an HDF5 file (no HDF5 signature)");
    const sb = file.read(at, 96);
    const view = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
    const version = sb[8];
    let offsetSize: number;
    let eofAt: number;
    if (version === 0 || version === 1) {
      offsetSize = sb[13];
      eofAt = (version === 0 ? 24 : 28) + 2 * offsetSize;
    } else if (version === 2 || version === 3) {
      offsetSize = sb[9];
      eofAt = 12 + 2 * offsetSize;
    } else {
      throw malformed(path, `unsupported HDF5 superblock version ${version}`);
    }
    if (offsetSize !== 8 && offsetSize !== 4) {
      throw malformed(path, `unsupported HDF5 offset size ${offsetSize}`);
    }
    if (eofAt + offsetSize > sb.length) throw malformed(path, "truncated HDF5 superblock");
    const eof = offsetSize === 8
      ? Number(view.getBigUint64(eofAt, true))
      : view.getUint32(eofAt, true);
    if (at + eof > file.size) {
      throw malformed(
        path,
        `truncated HDF5 file: its superblock gives ${at + eof} bytes, the file has ${file.size}`,
      );
    }
  } finally {
    file.close();
  }
}
