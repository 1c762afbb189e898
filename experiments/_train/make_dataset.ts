// The data sets a run can train on: the one table that maps a --data name to
// its loader, so the option's choices, their help, the check for --data-path
// and what --seed decides follow it.
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
  /**
   * --seed: the seed of the nuisance of the procedural dSprites variants
   * (colour, noise, Scream patch); other data sets ignore it.
   * @default {0}
   */
  seed?: number;
}

interface DatasetEntry {
  /** Whether --data-path must name the file or folder to read. */
  readonly needsPath: boolean;
  /** What the data set is, for --help of --data. */
  readonly about: string;
  /** What --data-path names, for its --help ("" if the data set reads no path). */
  readonly path: string;
  /** Whether --seed decides its images (their nuisance), not only the run's training. */
  readonly seeded: boolean;
  /** Whether it is a ground-truth factor data set (every image has its factors: MIG, DCI, ...). */
  readonly groundTruth: boolean;
  readonly load: (settings: DatasetSettings) => Dataset | Promise<Dataset>;
}

const DATASET_TABLE = {
  dsprites: {
    needsPath: false,
    about: "procedural dSprites",
    path: "",
    seeded: false,
    groundTruth: true,
    load: () => createDsprites(),
  },
  "dsprites-npz": {
    needsPath: true,
    about: "the original dSprites file",
    path: "the dsprites_ndarray_*.npz file",
    seeded: false,
    groundTruth: true,
    load: (s) => loadDspritesNpz(s.dataPath),
  },
  shapes: {
    needsPath: false,
    about: "seed-001 Shapes",
    path: "",
    seeded: false,
    groundTruth: true,
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
    about: "MNIST digits",
    path: "a folder of IDX files (default: the bundled 10 000 digits)",
    seeded: false,
    groundTruth: false,
    load: (s) => loadMnist(s.dataPath ? { folder: s.dataPath } : {}),
  },
  "image-folder": {
    needsPath: true,
    about: "a folder of images",
    path: "the folder of images",
    seeded: false,
    groundTruth: false,
    load: (s) =>
      loadImageFolder(s.dataPath, {
        size: s.imageSize,
        channels: s.channels as 1 | 3,
        ...(s.crops ? { crops: s.crops } : {}),
      }),
  },
  smallnorb: {
    needsPath: true,
    about: "SmallNORB",
    path: "the folder of the six smallnorb-*-{training,testing}-{dat,cat,info}.mat files",
    seeded: false,
    groundTruth: true,
    load: (s) => loadSmallNorb(s.dataPath),
  },
  cars3d: {
    needsPath: true,
    about: "Cars3D",
    path: "the folder holding cars/ (the car_*_mesh.mat files), or cars/ itself",
    seeded: false,
    groundTruth: true,
    load: (s) =>
      loadCars3d(s.dataPath, s.factorSizes?.length ? { factorSizes: s.factorSizes } : {}),
  },
  "color-dsprites": {
    needsPath: false,
    about: "dSprites in a random colour",
    path: "",
    seeded: true,
    groundTruth: true,
    load: (s) => createColorDsprites({ seed: s.seed ?? 0 }),
  },
  "noisy-dsprites": {
    needsPath: false,
    about: "dSprites on uniform noise",
    path: "",
    seeded: true,
    groundTruth: true,
    load: (s) => createNoisyDsprites({ seed: s.seed ?? 0 }),
  },
  "scream-dsprites": {
    needsPath: true,
    about: "dSprites on patches of a picture",
    path: "an image (PNG or JPEG; The Scream in the paper)",
    seeded: true,
    groundTruth: true,
    load: (s) => loadScreamDsprites(s.dataPath, { seed: s.seed ?? 0 }),
  },
  shapes3d: {
    needsPath: true,
    about: "3D Shapes",
    path: "the 3dshapes.h5 file",
    seeded: false,
    groundTruth: true,
    load: (s) => loadShapes3d(s.dataPath, { factorSizes: s.factorSizes }),
  },
  mpi3d: {
    needsPath: true,
    about: "MPI3D",
    path: "the .npz file (e.g. mpi3d_toy.npz)",
    seeded: false,
    groundTruth: true,
    load: (s) => loadMpi3d(s.dataPath, { factorSizes: s.factorSizes }),
  },
} as const satisfies Record<string, DatasetEntry>;

/** A name `--data` accepts. */
export type DatasetName = keyof typeof DATASET_TABLE;

/** Every name `--data` accepts, in the order --help lists them. */
export const DATASETS: readonly DatasetName[] = Object.keys(DATASET_TABLE) as DatasetName[];

/** Whether the data set `name` is read from --data-path (which then must be given). */
export function datasetNeedsPath(name: DatasetName): boolean {
  return DATASET_TABLE[name].needsPath;
}

/** Whether --seed decides the images of the data set `name` (the procedural variants' nuisance). */
export function datasetUsesSeed(name: DatasetName): boolean {
  return DATASET_TABLE[name].seeded;
}

/** The data sets whose images --seed decides, for the --seed help. */
export const SEEDED_DATASETS: readonly DatasetName[] = DATASETS.filter(datasetUsesSeed);

/**
 * The ground-truth factor data sets, dsprites first: the data sets of Locatello et
 * al. (2019) and MPI3D, for the experiments that score factors.
 */
export const GROUND_TRUTH_DATASETS: readonly DatasetName[] = DATASETS.filter((name) =>
  DATASET_TABLE[name].groundTruth
);

/** The help of --data: each name and what it is. */
export function datasetHelp(): string {
  return `data set: ${DATASETS.map((name) => `${name} (${DATASET_TABLE[name].about})`).join(", ")}`;
}

/** The help of --data-path: what each data set that reads one expects it to name. */
export function dataPathHelp(): string {
  const read = DATASETS.filter((name) => DATASET_TABLE[name].path !== "");
  return `file or folder of --data: ${
    read.map((name) =>
      `${name}: ${DATASET_TABLE[name].needsPath ? "" : "(optional) "}${DATASET_TABLE[name].path}`
    ).join("; ")
  }`;
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
