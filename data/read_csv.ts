import { decodeText } from "./_decode_text.ts";
/** A matrix of numbers read from a text file: rows of samples, columns of values. */
export interface NumericMatrix {
  /** `[rows, columns]`. */
  readonly shape: readonly [number, number];
  /** The values in row-major order (`data[r * columns + c]`); NaN where the file says so. */
  readonly data: Float64Array;
  /** The column names of a header row, when the file has one. */
  readonly header?: readonly string[];
}

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /**
   * Name used in error messages (`Cannot read <name>: ...`), e.g. the path.
   * @default {"csv data"}
   */
  name?: string;
  /**
   * The cell separator: `","`, `"\t"`, `" "` (any run of spaces and tabs, as
   * `numpy.savetxt` writes by default), or `"auto"`: a tab if the first row
   * has one, else a comma if it has one, else whitespace.
   * @default {"auto"}
   */
  delimiter?: "," | "\t" | " " | "auto";
  /**
   * Whether the first row names the columns: `"auto"` takes it as a header
   * when one of its cells is not a number.
   * @default {"auto"}
   */
  header?: boolean | "auto";
}

// A decimal number as numpy, pandas and spreadsheets write them, or nan/inf.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(?:nan|inf|infinity)$/i;

/** A cell's number, or undefined when it is not one. */
function parseCell(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  if (SPECIAL.test(cell)) {
    const lower = cell.toLowerCase();
    if (lower.includes("nan")) return NaN;
    return lower.startsWith("-") ? -Infinity : Infinity;
  }
  return undefined;
}

/** The cells of one line, trimmed and unquoted. */
function splitLine(line: string, delimiter: "," | "\t" | " "): string[] {
  const raw = delimiter === " " ? line.trim().split(/[ \t]+/) : line.split(delimiter);
  return raw.map((cell) => {
    const c = cell.trim();
    return c.length >= 2 && c.startsWith('"') && c.endsWith('"') ? c.slice(1, -1).trim() : c;
  });
}

/**
 * Reads a matrix of numbers from CSV or TSV text, as saved by
 * `numpy.savetxt`, `pandas.DataFrame.to_csv(index=False)`, R's `write.csv`
 * or a spreadsheet. Blank lines and lines starting with `#` (numpy's header
 * comments) are skipped; cells may be quoted; `nan`, `inf` and `-inf` (any
 * case) are read as such. The first row is a header when `options.header`
 * says so (by default: when one of its cells is not a number).
 *
 * @param text The file's text, or its bytes (UTF-8, a byte-order mark allowed).
 * @param options Name for messages, delimiter, header.
 * @returns The values, their shape and the header's names.
 * @throws {TypeError} `Cannot read <name>: ...` for a row with a different
 *   number of cells than the first (naming its line), a cell that is not a
 *   number (naming its line and column, both 1-based), or an input that is
 *   neither a string nor a Uint8Array.
 * @throws {RangeError} For an unknown delimiter or header option.
 *
 * @example A header and two rows
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "@disentangle/vae/data";
 * const m = readCsv("z0,z1\n0.5,1\n-2,3e-1\n");
 * assert.deepEqual(m.shape, [2, 2]);
 * assert.deepEqual(m.header, ["z0", "z1"]);
 * assert.deepEqual(Array.from(m.data), [0.5, 1, -2, 0.3]);
 * assert.throws(() => readCsv("1,2\n3\n", { name: "codes.csv" }), /line 2 has 1 cells/);
 * ```
 */
export function readCsv(text: string | Uint8Array, options: ReadCsvOptions = {}): NumericMatrix {
  const { name = "csv data", delimiter = "auto", header = "auto" } = options;
  if (![",", "\t", " ", "auto"].includes(delimiter)) {
    throw new RangeError(
      `Cannot read ${name}: options.delimiter must be ",", "\\t", " " or "auto", got ${
        JSON.stringify(delimiter)
      }`,
    );
  }
  if (header !== true && header !== false && header !== "auto") {
    throw new RangeError(
      `Cannot read ${name}: options.header must be true, false or "auto", got ${String(header)}`,
    );
  }
  let source = decodeText(text, name);
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  const lines = source.split(/\r\n|\n|\r/);
  let sep: "," | "\t" | " " | undefined = delimiter === "auto" ? undefined : delimiter;
  let columns = -1;
  let firstLine = 0;
  let names: string[] | undefined;
  const values: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    sep ??= line.includes("\t") ? "\t" : line.includes(",") ? "," : " ";
    const cells = splitLine(line, sep);
    const lineNumber = i + 1;
    if (columns < 0) {
      columns = cells.length;
      firstLine = lineNumber;
      const numeric = cells.every((c) => parseCell(c) !== undefined);
      if (header === true || (header === "auto" && !numeric)) {
        names = cells;
        continue;
      }
    } else if (cells.length !== columns) {
      throw new TypeError(
        `Cannot read ${name}: line ${lineNumber} has ${cells.length} cells, line ${firstLine} has ${columns}`,
      );
    }
    for (let c = 0; c < cells.length; c++) {
      const v = parseCell(cells[c]);
      if (v === undefined) {
        throw new TypeError(
          `Cannot read ${name}: line ${lineNumber}, column ${c + 1}: ${
            JSON.stringify(cells[c].slice(0, 40))
          } is not a number`,
        );
      }
      values.push(v);
    }
  }
  const cols = Math.max(columns, 0);
  const rows = cols === 0 ? 0 : values.length / cols;
  return {
    shape: [rows, cols],
    data: Float64Array.from(values),
    ...(names ? { header: names } : {}),
  };
}
