// Private: the rows of a labelled file data set grouped by factor cell (the
// row-major code of their factor vector), for data sets where a cell may hold
// several images (SmallNORB's instances) or none (a subset of the grid).
import type { Rng } from "./ground_truth_data.ts";
import {
  checkFactorList,
  checkSampleArgs,
  drawInt,
  gridSize,
  indexOfFactorVector,
} from "./_factor_grid.ts";

/** Rows by cell, and the cells present. */
export interface CellIndex {
  /** Rows of cell `code` are `rows[start[code]..start[code + 1]−1]`, in increasing order. */
  readonly start: Int32Array;
  readonly rows: Int32Array;
  /** The codes of the cells holding at least one row, increasing. */
  readonly present: Int32Array;
  /** The row of each factor vector (the first of its cell); throws for absent cells. */
  indexOf(list: ReadonlyArray<ArrayLike<number>>, action: string): number[];
  /** One row per factor vector, drawn uniformly among its cell's rows with `rng`. */
  drawRows(list: ReadonlyArray<ArrayLike<number>>, rng: Rng, action: string): number[];
  /** `n` factor vectors, each present cell equally likely. */
  sample(n: number, rng: Rng, action: string): number[][];
}

/** Groups the `n` rows whose factors are `factors[i·K..i·K+K−1]` by cell. */
export function cellIndex(
  factors: Int32Array,
  n: number,
  sizes: readonly number[],
  names: readonly string[],
  where: string,
): CellIndex {
  const K = sizes.length;
  const cells = gridSize(sizes);
  const codes = new Int32Array(n);
  const start = new Int32Array(cells + 1);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (let k = 0; k < K; k++) code = code * sizes[k] + factors[i * K + k];
    codes[i] = code;
    start[code + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cells);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[codes[i]]++] = i;
  const presentList: number[] = [];
  for (let c = 0; c < cells; c++) if (start[c + 1] > start[c]) presentList.push(c);
  const present = Int32Array.from(presentList);
  const decode = (code: number): number[] => {
    const out = new Array<number>(K);
    for (let k = K - 1; k >= 0; k--) {
      out[k] = code % sizes[k];
      code = (code - out[k]) / sizes[k];
    }
    return out;
  };
  const codeOf = (f: ArrayLike<number>, r: number, action: string): number => {
    const code = indexOfFactorVector(sizes, names, f, r, action);
    if (start[code + 1] === start[code]) {
      throw new RangeError(
        `Cannot ${action}: factors[${r}] = [${
          Array.from(f)
        }] is not in ${where} (it holds ${present.length} of the ${cells} factor combinations)`,
      );
    }
    return code;
  };
  return {
    start,
    rows,
    present,
    indexOf(list, action) {
      checkFactorList(list, action);
      return list.map((f, r) => rows[start[codeOf(f, r, action)]]);
    },
    drawRows(list, rng, action) {
      checkFactorList(list, action);
      if (typeof rng !== "function") {
        throw new TypeError(
          `Cannot ${action}: rng must be a function returning [0, 1) (it picks among the images of a cell), got ${
            String(rng)
          }`,
        );
      }
      return list.map((f, r) => {
        const code = codeOf(f, r, action);
        const count = start[code + 1] - start[code];
        return rows[start[code] + (count > 1 ? drawInt(rng, count, action) : 0)];
      });
    },
    sample(count, rng, action) {
      checkSampleArgs(count, rng, action);
      const out: number[][] = [];
      for (let j = 0; j < count; j++) {
        out.push(decode(present[drawInt(rng, present.length, action)]));
      }
      return out;
    },
  };
}
