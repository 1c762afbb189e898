// Input checks shared by the metrics. Every message reads
// "Cannot <action>: <what was wrong, with the value>" and names the argument.

/** A checked [n][d] matrix stored column by column (metrics work per dimension). */
export interface Columns {
  /** Number of rows (samples). */
  readonly n: number;
  /** Number of columns (code dimensions or factors). */
  readonly d: number;
  /** `cols[j][i]` is row i, column j. */
  readonly cols: Float64Array[];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Checks that `rows` is a non-empty rectangular `ReadonlyArray<ArrayLike<number>>`
 * of finite numbers with at least `minRows` rows, and returns it by columns.
 */
export function checkMatrix(
  rows: unknown,
  name: string,
  action: string,
  { minRows = 1, minCols = 1 }: { minRows?: number; minCols?: number } = {},
): Columns {
  if (
    rows === null || typeof rows !== "object" ||
    typeof (rows as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an array of rows, got ${describe(rows)}`,
    );
  }
  const list = rows as ArrayLike<unknown>;
  const n = list.length;
  if (n < minRows) {
    throw new RangeError(`Cannot ${action}: ${name} needs at least ${minRows} rows, got ${n}`);
  }
  const first = list[0] as ArrayLike<number> | undefined;
  if (first === null || typeof first !== "object" || typeof first.length !== "number") {
    throw new TypeError(
      `Cannot ${action}: ${name}[0] must be an array of numbers, got ${describe(first)}`,
    );
  }
  const d = first.length;
  if (d < minCols) {
    throw new RangeError(`Cannot ${action}: ${name} needs at least ${minCols} columns, got ${d}`);
  }
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = list[i] as ArrayLike<number>;
    if (row === null || typeof row !== "object" || typeof row.length !== "number") {
      throw new TypeError(
        `Cannot ${action}: ${name}[${i}] must be an array of numbers, got ${describe(row)}`,
      );
    }
    if (row.length !== d) {
      throw new TypeError(
        `Cannot ${action}: ${name} is ragged: row 0 has ${d} values but row ${i} has ${row.length}`,
      );
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== "number") {
        throw new TypeError(
          `Cannot ${action}: ${name}[${i}][${j}] must be a number, got ${describe(v)}`,
        );
      }
      if (!Number.isFinite(v)) {
        throw new RangeError(`Cannot ${action}: ${name}[${i}][${j}] must be finite, got ${v}`);
      }
      cols[j][i] = v;
    }
  }
  return { n, d, cols };
}

/**
 * Checks factor labels: a rectangular matrix of finite numbers (as
 * {@link checkMatrix}). Any finite number is a label; labels are categories
 * compared by value, as scikit-learn's `mutual_info_score` treats them (so
 * dSprites' `latents_values`, scale 0.5, 0.6, …, need no re-indexing).
 */
export function checkLabels(
  rows: unknown,
  name: string,
  action: string,
  options: { minRows?: number; minCols?: number } = {},
): Columns {
  return checkMatrix(rows, name, action, options);
}

/** Throws unless `a` and `b` have the same number of rows. */
export function checkSameRows(
  a: Columns,
  aName: string,
  b: Columns,
  bName: string,
  action: string,
): void {
  if (a.n !== b.n) {
    throw new RangeError(
      `Cannot ${action}: ${aName} has ${a.n} rows but ${bName} has ${b.n}; they must match`,
    );
  }
}

/** Throws unless `value` is an integer within [min, max]. */
export function checkInteger(
  value: unknown,
  name: string,
  action: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Cannot ${action}: ${name} must be an integer, got ${String(value)}`);
  }
  if (value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`Cannot ${action}: ${name} must be ${range}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a finite number within [min, max]. */
export function checkNumber(
  value: unknown,
  name: string,
  action: string,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Cannot ${action}: ${name} must be a number, got ${String(value)}`);
  }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot ${action}: ${name} must be a finite number in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

/**
 * Checks a `[D][K]` matrix of non-negative finite numbers (an importance or a
 * mutual information matrix): TypeError when not a rectangular array of
 * numbers or smaller than `minRows` × `minCols`, RangeError for a negative,
 * NaN or infinite entry. Returns the rows copied as plain arrays.
 */
export function checkNonNegativeMatrix(
  rows: unknown,
  name: string,
  action: string,
  { minRows = 1, minCols = 1 }: { minRows?: number; minCols?: number } = {},
): number[][] {
  if (
    rows === null || typeof rows !== "object" ||
    typeof (rows as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an array of rows, got ${describe(rows)}`,
    );
  }
  const list = rows as ArrayLike<unknown>;
  if (list.length < minRows) {
    throw new TypeError(
      `Cannot ${action}: ${name} needs at least ${minRows} rows, got ${list.length}`,
    );
  }
  const out: number[][] = [];
  let width = -1;
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as ArrayLike<unknown>;
    if (row === null || typeof row !== "object" || typeof row.length !== "number") {
      throw new TypeError(
        `Cannot ${action}: ${name}[${i}] must be an array of numbers, got ${describe(row)}`,
      );
    }
    if (i === 0) {
      width = row.length;
      if (width < minCols) {
        throw new TypeError(
          `Cannot ${action}: ${name} needs at least ${minCols} columns, got ${width}`,
        );
      }
    } else if (row.length !== width) {
      throw new TypeError(
        `Cannot ${action}: ${name} is ragged: row 0 has ${width} values but row ${i} has ${row.length}`,
      );
    }
    const copy = new Array<number>(width);
    for (let j = 0; j < width; j++) {
      const v = row[j];
      if (typeof v !== "number") {
        throw new TypeError(
          `Cannot ${action}: ${name}[${i}][${j}] must be a number, got ${describe(v)}`,
        );
      }
      if (!Number.isFinite(v) || v < 0) {
        throw new RangeError(
          `Cannot ${action}: ${name}[${i}][${j}] must be a finite number ≥ 0, got ${v}`,
        );
      }
      copy[j] = v;
    }
    out.push(copy);
  }
  return out;
}
