// The reconstruction figure of a report: held-out images beside their
// reconstructions by each run, one row (or column) per run.
import type { Observations } from "../../data/ground_truth_data.ts";
import { imageFigure } from "./figures.ts";
import { comparisonRaster, encodePng, type ImageBatch, reconstruct } from "./images.ts";
import type { ExperimentContext, FigureBlock, FinishedRun } from "./types.ts";
import { withModel } from "./with_model.ts";

/** The observations as an image batch `[N, H, W, C]`. */
function asImages(observations: Observations): ImageBatch {
  return {
    data: observations.data,
    shape: observations.shape as unknown as ImageBatch["shape"],
  };
}

/** Each run's reconstructions of the same observations, in the order of `runs`. */
export async function reconstructRuns(
  runs: readonly FinishedRun[],
  observations: Observations,
): Promise<ImageBatch[]> {
  const out: ImageBatch[] = [];
  for (const run of runs) {
    out.push(
      await withModel(run.dir, (model) => reconstruct(model, observations, run.config.likelihood)),
    );
  }
  return out;
}

/**
 * Writes figures/<file>: the observations (first row, or first column with
 * `by: "column"`) and each batch of reconstructions after them, and returns
 * its block. Images under 48 pixels high are drawn twice their size unless
 * `scale` says otherwise.
 */
export async function reconstructionFigure(
  context: ExperimentContext,
  { file, observations, reconstructions, caption, by = "row", scale }: {
    file: string;
    observations: Observations;
    reconstructions: readonly ImageBatch[];
    caption: string;
    by?: "row" | "column";
    scale?: number;
  },
): Promise<FigureBlock> {
  const originals = asImages(observations);
  const raster = comparisonRaster([originals, ...reconstructions], {
    by,
    scale: scale ?? (originals.shape[1] < 48 ? 2 : 1),
  });
  return await imageFigure(context, file, encodePng(raster), caption);
}
