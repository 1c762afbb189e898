import { checkInteger } from "./checks.ts";

/** Checks N against the batch size B: an integer with N ≥ B. */
export function checkDatasetSize(datasetSize: unknown, batchSize: number, action: string): number {
  checkInteger(datasetSize, "options.datasetSize", action, 1);
  if ((datasetSize as number) < batchSize) {
    throw new RangeError(
      `Cannot ${action}: options.datasetSize (${datasetSize}) is smaller than the batch size (${batchSize})`,
    );
  }
  return datasetSize as number;
}
