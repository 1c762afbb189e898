// The data set a run trains on, by name.
import type { Dataset } from "../../data/dataset.ts";
import { createDsprites } from "../../data/dsprites.ts";
import { createShapes } from "../../data/shapes.ts";
import { loadDspritesNpz } from "../../data/load_dsprites_npz.ts";
import { CliError } from "./cli_error.ts";
import type { TrainConfig } from "./options.ts";

/** Builds (or loads) the data set `config.data`; a bad path is a CliError naming it. */
export async function makeDataset(
  config: Pick<TrainConfig, "data" | "dataPath" | "imageSize">,
): Promise<Dataset> {
  try {
    switch (config.data) {
      case "dsprites":
        return createDsprites();
      case "dsprites-npz":
        return await loadDspritesNpz(config.dataPath);
      case "shapes":
        if (config.imageSize !== 28 && config.imageSize !== 64) {
          throw new CliError(
            `Cannot build the shapes data set: --image-size must be 28 or 64, got ${config.imageSize}`,
          );
        }
        return createShapes({ imageSize: config.imageSize });
      default:
        throw new CliError(`Cannot build the data set: ${config.data} is not available yet`);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message.split("\n")[0]);
  }
}
