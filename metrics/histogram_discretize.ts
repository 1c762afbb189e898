import { checkInteger, checkMatrix } from "./_validate.ts";
import { discretizeColumn } from "./_histogram.ts";

/** Options of {@link histogramDiscretize}. */
export interface HistogramDiscretizeOptions {
  /**
   * Number of equal-width bins per code dimension (an integer ≥ 1).
   * @default {20}
   */
  bins?: number;
}

/**
 * Discretises each code dimension into equal-width bins over that dimension's
 * own min..max, exactly as disentanglement_lib's `_histogram_discretize`
 * (`np.digitize(x, np.histogram(x, bins)[1][:-1])`), the discretisation of the
 * Locatello et al. (2019) protocol.
 *
 * Edges are numpy's: edge_i = i·(max − min)/bins + min for i < bins, computed
 * in float64 with the same rounding as numpy, so a value exactly on an edge
 * goes to the bin that edge opens (edge_i ≤ x < edge_{i+1}), and the maximum
 * falls in the last bin. Labels are numpy `digitize`'s, **1..bins** (not
 * 0-based). A constant column is widened to [c − 0.5, c + 0.5] as numpy does,
 * so all its values share one label (bins/2 + 1 for an even number of bins):
 * a constant code carries no information, and its mutual information with
 * anything is 0.
 *
 * @param codes `[N][D]` finite numbers, rows are samples.
 * @param options See {@link HistogramDiscretizeOptions}.
 * @returns `[N][D]` integer bin labels in 1..bins.
 * @throws {TypeError} If `codes` is not a rectangular array of numbers, or `bins` is not an integer.
 * @throws {RangeError} If `codes` is empty or holds NaN/±Infinity, or `bins` < 1.
 *
 * @example Four bins over 0..4; the maximum joins the last bin
 * ```ts
 * import { histogramDiscretize } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const labels = histogramDiscretize([[0, 7], [1, 7], [2, 7], [3, 7], [4, 7]], { bins: 4 });
 * assert.deepEqual(labels.map((r) => r[0]), [1, 2, 3, 4, 4]);
 * assert.deepEqual(labels.map((r) => r[1]), [3, 3, 3, 3, 3]); // constant column
 * ```
 */
export function histogramDiscretize(
  codes: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: HistogramDiscretizeOptions = {},
): number[][] {
  const action = "discretise codes";
  checkInteger(bins, "bins", action, 1);
  const { n, d, cols } = checkMatrix(codes, "codes", action);
  const labels = cols.map((c, j) =>
    discretizeColumn(c, bins, undefined, `codes column ${j}`, action)
  );
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) row[j] = labels[j][i];
    out[i] = row;
  }
  return out;
}
