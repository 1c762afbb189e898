// The data set a run trains on, by name.
import type { Dataset } from "../../data/dataset.ts";
import { createDsprites } from "../../data/dsprites.ts";
import { createShapes } from "../../data/shapes.ts";
import { loadDspritesNpz } from "../../data/load_dsprites_npz.ts";
import { loadMnist } from "../../data/mnist.ts";
import { loadImageFolder } from "../../data/image_folder.ts";
import { CliError } from "./cli_error.ts";
import type { TrainConfig } from "./options.ts";

/** Builds (or loads) the data set `config.data`; a bad path is a CliError naming it. */
export async function makeDataset(
  config: Pick<TrainConfig, "data" | "dataPath" | "imageSize" | "channels" | "crops">,
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
      case "mnist":
        return await loadMnist(config.dataPath ? { folder: config.dataPath } : {});
      case "image-folder":
        return await loadImageFolder(config.dataPath, {
          size: config.imageSize,
          channels: config.channels as 1 | 3,
          ...(config.crops ? { crops: config.crops } : {}),
        });
      default:
        throw new CliError(`Cannot build the data set: unknown data set ${String(config.data)}`);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message.split("\n")[0]);
  }
}
