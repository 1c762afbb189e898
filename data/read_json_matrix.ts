import { decodeText } from "./_decode_text.ts";
import type { NumericMatrix } from "./read_csv.ts";

export type { NumericMatrix };

/** Options of {@link readJsonMatrix}. */
export interface ReadJsonMatrixOptions {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"json data"}
   */
  name?: string;
}

/**
 * Reads a matrix of numbers from JSON text: an array of rows, each an array
 * of numbers of the same length (`json.dump(codes.tolist(), f)` in Python),
 * or a flat array of numbers, read as one column.
 *
 * @param text The file's text, or its bytes (UTF-8).
 * @param options Name for messages.
 * @returns The values in row-major order and their shape.
 * @throws {TypeError} `Cannot read <name>: ...` for text that is not JSON
 *   (Python's `NaN` and `Infinity` are not), a top level that is not an
 *   array, a row of another length than the first, or a value that is not a
 *   number (naming its row and column, from 0).
 *
 * @example Rows of numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonMatrix } from "@disentangle/vae/data";
 * const m = readJsonMatrix("[[0.5, 1], [2, 3]]");
 * assert.deepEqual(m.shape, [2, 2]);
 * assert.deepEqual(Array.from(m.data), [0.5, 1, 2, 3]);
 * assert.deepEqual(readJsonMatrix("[1, 2, 3]").shape, [3, 1]);
 * assert.throws(() => readJsonMatrix("[[1, 2], [3]]"), /row 1 has 1 values, row 0 has 2/);
 * ```
 */
export function readJsonMatrix(
  text: string | Uint8Array,
  options: ReadJsonMatrixOptions = {},
): NumericMatrix {
  const { name = "json data" } = options;
  const source = decodeText(text, name);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (e) {
    const hint = /\bNaN\b|\bInfinity\b/.test(source)
      ? " (NaN and Infinity, as Python writes them, are not JSON)"
      : "";
    throw new TypeError(
      `Cannot read ${name}: not valid JSON (${(e as Error).message.split("\n")[0]})${hint}`,
    );
  }
  if (!Array.isArray(json)) {
    throw new TypeError(
      `Cannot read ${name}: the JSON must be an array of rows, got ${
        json === null ? "null" : typeof json
      }`,
    );
  }
  const notNumber = (v: unknown, where: string): TypeError =>
    new TypeError(
      `Cannot read ${name}: ${where} is ${
        v === null ? "null" : Array.isArray(v) ? "an array" : JSON.stringify(v)?.slice(0, 40)
      }, not a number`,
    );
  if (json.length > 0 && !Array.isArray(json[0])) {
    const data = new Float64Array(json.length);
    for (let r = 0; r < json.length; r++) {
      const v = json[r];
      if (typeof v !== "number") throw notNumber(v, `row ${r}`);
      data[r] = v;
    }
    return { shape: [json.length, 1], data };
  }
  const columns = json.length === 0 ? 0 : (json[0] as unknown[]).length;
  const data = new Float64Array(json.length * columns);
  for (let r = 0; r < json.length; r++) {
    const row = json[r];
    if (!Array.isArray(row)) throw new TypeError(`Cannot read ${name}: row ${r} is not an array`);
    if (row.length !== columns) {
      throw new TypeError(
        `Cannot read ${name}: row ${r} has ${row.length} values, row 0 has ${columns}`,
      );
    }
    for (let c = 0; c < columns; c++) {
      const v = row[c];
      if (typeof v !== "number") throw notNumber(v, `row ${r}, column ${c}`);
      data[r * columns + c] = v;
    }
  }
  return { shape: [json.length, columns], data };
}
