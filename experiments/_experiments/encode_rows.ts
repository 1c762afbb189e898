// Posterior means of many examples, encoded in chunks so memory stays bounded.
import type { Dataset } from "../../data/dataset.ts";
import { encodeMeans, type PictureModel } from "./images.ts";

/** μ rows `[N][D]` of the examples at `indices`. */
export async function encodeRows(
  model: PictureModel,
  dataset: Dataset,
  indices: Int32Array,
  chunk = 512,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += chunk) {
    const part = indices.subarray(start, Math.min(indices.length, start + chunk));
    const observations = await dataset.observations(part);
    rows.push(...encodeMeans(model, observations));
  }
  return rows;
}
