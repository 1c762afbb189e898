/**
 * The log of the minibatch stratified sampling weights W (Chen et al. 2018),
 * as plain numbers: with M = B − 1, W[i][i] = 1/N, W[i][(i+1) mod B] =
 * (N − M)/(N·M), and every other entry 1/M, so every row sums to 1. (The
 * widely copied reference code fills column 0 instead of the diagonal, so its
 * rows do not sum to 1; this does not reproduce that bug.) An entry of weight
 * 0 (when N = M) is −Infinity.
 *
 * @example
 * ```ts
 * import { logImportanceWeights } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const w = logImportanceWeights(4, 100);
 * for (const row of w) {
 *   const sum = row.reduce((s, v) => s + Math.exp(v), 0);
 *   assert.ok(Math.abs(sum - 1) < 1e-12);
 * }
 * assert.ok(Math.abs(w[2][2] - Math.log(1 / 100)) < 1e-12);
 * ```
 *
 * @param batchSize B ≥ 2.
 * @param datasetSize N ≥ B.
 * @returns log W, B rows of B numbers.
 */
export function logImportanceWeights(batchSize: number, datasetSize: number): number[][] {
  const action = "compute the stratified sampling weights";
  if (typeof batchSize !== "number" || !Number.isInteger(batchSize)) {
    throw new TypeError(`Cannot ${action}: batchSize must be an integer, got ${String(batchSize)}`);
  }
  if (batchSize < 2) {
    throw new RangeError(
      `Cannot ${action}: batchSize must be ≥ 2 (stratified sampling leaves one sample out), got ${batchSize}`,
    );
  }
  if (typeof datasetSize !== "number" || !Number.isInteger(datasetSize)) {
    throw new TypeError(
      `Cannot ${action}: datasetSize must be an integer, got ${String(datasetSize)}`,
    );
  }
  if (datasetSize < batchSize) {
    throw new RangeError(
      `Cannot ${action}: datasetSize (${datasetSize}) is smaller than batchSize (${batchSize})`,
    );
  }
  const n = datasetSize;
  const m = batchSize - 1;
  const logOther = -Math.log(m);
  const logSelf = -Math.log(n);
  const logNext = Math.log(n - m) - Math.log(n) - Math.log(m);
  return Array.from({ length: batchSize }, (_, i) => {
    const row = new Array<number>(batchSize).fill(logOther);
    row[i] = logSelf;
    row[(i + 1) % batchSize] = logNext;
    return row;
  });
}
