// Checks of the `{ codes, factors }` train/test splits the classifier-based
// metrics take.
import { checkLabels, checkMatrix, checkSameRows, type Columns } from "./_validate.ts";

/** A checked split, by columns. */
export interface CheckedSplit {
  readonly codes: Columns;
  readonly factors: Columns;
}

function checkSplit(
  split: unknown,
  name: string,
  action: string,
): CheckedSplit {
  if (split === null || typeof split !== "object") {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an object { codes, factors }, got ${
        split === null ? "null" : typeof split
      }`,
    );
  }
  const { codes, factors } = split as Record<string, unknown>;
  const c = checkMatrix(codes, `${name}.codes`, action, { minRows: 2 });
  const f = checkLabels(factors, `${name}.factors`, action, { minRows: 2 });
  checkSameRows(c, `${name}.codes`, f, `${name}.factors`, action);
  return { codes: c, factors: f };
}

/**
 * Checks both splits (rectangular, finite, ≥ 2 rows, codes and factors with the
 * same number of rows; factors any finite numbers, categories by value) and
 * that they have the same numbers of code dimensions and of factors.
 */
export function checkSplits(
  train: unknown,
  test: unknown,
  action: string,
  { minCodes = 1 }: { minCodes?: number } = {},
): { train: CheckedSplit; test: CheckedSplit } {
  const tr = checkSplit(train, "train", action);
  const te = checkSplit(test, "test", action);
  if (tr.codes.d !== te.codes.d) {
    throw new TypeError(
      `Cannot ${action}: train.codes has ${tr.codes.d} columns but test.codes has ${te.codes.d}; they must match`,
    );
  }
  if (tr.factors.d !== te.factors.d) {
    throw new TypeError(
      `Cannot ${action}: train.factors has ${tr.factors.d} columns but test.factors has ${te.factors.d}; they must match`,
    );
  }
  if (tr.codes.d < minCodes) {
    throw new RangeError(
      `Cannot ${action}: train.codes needs at least ${minCodes} columns, got ${tr.codes.d}`,
    );
  }
  return { train: tr, test: te };
}
