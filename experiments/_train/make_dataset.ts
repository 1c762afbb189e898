// The data sets a run can train on: the one table that maps a --data name to
// its loader, so the option's choices and the check for --data-path follow it.
import type { Dataset } from "../../data/dataset.ts";
import { createDsprites } from "../../data/dsprites.ts";
import { createShapes } from "../../data/shapes.ts";
import { loadDspritesNpz } from "../../data/load_dsprites_npz.ts";
import { loadMnist } from "../../data/mnist.ts";
import { loadImageFolder } from "../../data/image_folder.ts";
import { loadSmallNorb } from "../../data/load_smallnorb.ts";
import { loadCars3d } from "../../data/load_cars3d.ts";
import { createColorDsprites } from "../../data/color_dsprites.ts";
import { createNoisyDsprites } from "../../data/noisy_dsprites.ts";
import { loadScreamDsprites } from "../../data/scream_dsprites.ts";
import { loadShapes3d } from "../../data/load_shapes3d.ts";
import { loadMpi3d } from "../../data/load_mpi3d.ts";
import { CliError } from "./cli_error.ts";

/** The options a loader reads (a `TrainConfig` has them all). */
export interface DatasetSettings {
  dataPath: string;
  imageSize: number;
  channels: number;
  crops: string;
  /** --factor-sizes: the factor grid of a file holding part of a data set (empty: the file's own). */
  factorSizes?: readonly number[];
}

interface DatasetEntry {
  /** Whether --data-path must name the file or folder to read. */
  readonly needsPath: boolean;
  readonly load: (settings: DatasetSettings) => Dataset | Promise<Dataset>;
}

const DATASET_TABLE = {
  dsprites: { needsPath: false, load: () => createDsprites() },
  "dsprites-npz": { needsPath: true, load: (s) => loadDspritesNpz(s.dataPath) },
  shapes: {
    needsPath: false,
    load: (s) => {
      if (s.imageSize !== 28 && s.imageSize !== 64) {
        throw new CliError(
          `Cannot build the shapes data set: --image-size must be 28 or 64, got ${s.imageSize}`,
        );
      }
      return createShapes({ imageSize: s.imageSize });
    },
  },
  mnist: {
    needsPath: false,
    load: (s) => loadMnist(s.dataPath ? { folder: s.dataPath } : {}),
  },
  "image-folder": {
    needsPath: true,
    load: (s) =>
      loadImageFolder(s.dataPath, {
        size: s.imageSize,
        channels: s.channels as 1 | 3,
        ...(s.crops ? { crops: s.crops } : {}),
      }),
  },
  smallnorb: { needsPath: true, load: (s) => loadSmallNorb(s.dataPath) },
  cars3d: {
    needsPath: true,
    load: (s) =>
      loadCars3d(s.dataPath, s.factorSizes?.length ? { factorSizes: s.factorSizes } : {}),
  },
  "color-dsprites": { needsPath: false, load: () => createColorDsprites() },
  "noisy-dsprites": { needsPath: false, load: () => createNoisyDsprites() },
  "scream-dsprites": { needsPath: true, load: (s) => loadScreamDsprites(s.dataPath) },
  shapes3d: {
    needsPath: true,
    load: (s) => loadShapes3d(s.dataPath, { factorSizes: s.factorSizes }),
  },
  mpi3d: { needsPath: true, load: (s) => loadMpi3d(s.dataPath, { factorSizes: s.factorSizes }) },
} as const satisfies Record<string, DatasetEntry>;

/** A name `--data` accepts. */
export type DatasetName = keyof typeof DATASET_TABLE;

/** Every name `--data` accepts, in the order --help lists them. */
export const DATASETS: readonly DatasetName[] = Object.keys(DATASET_TABLE) as DatasetName[];

/** Whether the data set `name` is read from --data-path (which then must be given). */
export function datasetNeedsPath(name: DatasetName): boolean {
  return DATASET_TABLE[name].needsPath;
}

/** Builds (or loads) the data set `config.data`; a bad path is a CliError naming it. */
export async function makeDataset(
  config: DatasetSettings & { data: DatasetName },
): Promise<Dataset> {
  if (!Object.hasOwn(DATASET_TABLE, config.data)) {
    throw new CliError(`Cannot build the data set: unknown data set ${String(config.data)}`);
  }
  try {
    return await DATASET_TABLE[config.data].load(config);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message.split("\n")[0]);
  }
}
