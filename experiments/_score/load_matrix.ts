// One input of `deno task score`: a 2-D array of numbers read from .npy,
// .npz, .csv/.tsv, .json or IDX by the readers of data/, checked for NaN, as
// rows. Every problem is a CliError naming the file.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { readCsv } from "../../data/read_csv.ts";
import { readIdx } from "../../data/read_idx.ts";
import { readJsonMatrix } from "../../data/read_json_matrix.ts";
import { readNpy } from "../../data/read_npy.ts";
import { readNpz } from "../../data/read_npz.ts";
import { CliError } from "../_train/cli_error.ts";

/** A matrix read from a file, as rows. */
export interface LoadedMatrix {
  /** The file and, for an .npz, the array: `codes.npz (codes)`. */
  readonly label: string;
  /** `[rows, columns]`. */
  readonly shape: readonly [number, number];
  /** The rows, views of one buffer. */
  readonly rows: Float64Array[];
}

/** How to pick the array of an .npz. */
export interface LoadMatrixOptions {
  /** The array asked for by flag ("" for none). */
  key: string;
  /** The flag that names it, for messages (`--codes-key`). */
  keyFlag: string;
  /** Keys tried when the archive holds several arrays and none was asked for. */
  defaults: readonly string[];
}

/** Reads `path` as a 2-D array of finite numbers (a 1-D array is one column). */
export async function loadMatrix(path: string, options: LoadMatrixOptions): Promise<LoadedMatrix> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new CliError(
      `Cannot read ${path}: ${
        code === "ENOENT"
          ? "no such file"
          : code === "EISDIR"
          ? "it is a directory"
          : (e as Error).message
      }`,
    );
  }
  try {
    const { label, shape, data } = await decode(path, bytes, options);
    return asRows(label, shape, data);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (
      e instanceof TypeError || e instanceof RangeError ||
      /^Cannot /.test(String((e as Error).message))
    ) {
      throw new CliError((e as Error).message.split("\n")[0]);
    }
    throw e;
  }
}

type Decoded = { label: string; shape: readonly number[]; data: ArrayLike<number> };

async function decode(
  path: string,
  bytes: Uint8Array,
  options: LoadMatrixOptions,
): Promise<Decoded> {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv" || ext === ".tsv" || ext === ".txt") {
    const m = readCsv(bytes, { name: path, delimiter: ext === ".tsv" ? "\t" : "auto" });
    return { label: path, ...m };
  }
  if (ext === ".json") return { label: path, ...readJsonMatrix(bytes, { name: path }) };
  if (ext === ".npy") return { label: path, ...readNpy(bytes, { name: path }) };
  if (ext === ".npz") return await fromNpz(path, bytes, options);
  if (ext === ".idx" || /-ubyte(\.gz)?$/.test(path)) {
    return { label: path, ...await readIdx(bytes, { name: path }) };
  }
  throw new CliError(
    `Cannot read ${path}: unknown file type ${
      JSON.stringify(ext)
    } (.npy, .npz, .csv, .tsv, .json and .idx are read)`,
  );
}

async function fromNpz(
  path: string,
  bytes: Uint8Array,
  options: LoadMatrixOptions,
): Promise<Decoded> {
  const { key, keyFlag, defaults } = options;
  const { arrays, skipped } = await readNpz(bytes, { name: path });
  const names = Object.keys(arrays);
  const listed = () =>
    names.length === 0
      ? "no numeric arrays"
      : `the arrays ${names.map((n) => JSON.stringify(n)).join(", ")}`;
  let chosen: string | undefined;
  if (key !== "") {
    if (!(key in arrays)) {
      const why = skipped[key] ? ` (${JSON.stringify(key)} is not numeric: ${skipped[key]})` : "";
      throw new CliError(
        `Cannot read ${path}: no array ${
          JSON.stringify(key)
        } (${keyFlag}); it holds ${listed()}${why}`,
      );
    }
    chosen = key;
  } else if (names.length === 1) chosen = names[0];
  else chosen = defaults.find((d) => d in arrays);
  if (chosen === undefined) {
    throw new CliError(
      `Cannot read ${path}: it holds ${listed()}; choose one with ${keyFlag}`,
    );
  }
  const array = arrays[chosen];
  return { label: `${path} (${chosen})`, shape: array.shape, data: array.data };
}

function asRows(label: string, shape: readonly number[], data: ArrayLike<number>): LoadedMatrix {
  if (shape.length === 0 || shape.length > 2) {
    throw new CliError(
      `Cannot read ${label}: it has shape [${
        shape.join(", ")
      }]; a 2-D array (rows × columns) is needed`,
    );
  }
  const n = shape[0];
  const d = shape.length === 2 ? shape[1] : 1;
  if (n === 0 || d === 0) {
    throw new CliError(`Cannot read ${label}: it has no values (shape [${shape.join(", ")}])`);
  }
  const values = Float64Array.from(data);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new CliError(
        `Cannot read ${label}: ${values[i]} at row ${Math.floor(i / d)}, column ${
          i % d
        } (values must be finite)`,
      );
    }
  }
  const rows = Array.from({ length: n }, (_, r) => values.subarray(r * d, (r + 1) * d));
  return { label, shape: [n, d], rows };
}
