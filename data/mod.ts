/**
 * Data for training and scoring disentangled representations: the
 * {@link Dataset} interface minibatches are drawn from, ground-truth factor
 * data sets ({@link GroundTruthData}, {@link GroundTruthDataset}: procedural
 * dSprites and Shapes, dSprites from its original .npz), MNIST, folders of
 * images, numpy .npy/.npz readers and writers, CSV/TSV and JSON matrix
 * readers (for codes saved from any language), seeded minibatches,
 * permutations and splits, and the seeded generator ({@link createRng})
 * everything samples with.
 *
 * @example Seeded minibatches of procedural dSprites
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDsprites, minibatches } from "@disentangle/vae/data";
 * const dsprites = createDsprites();
 * for await (const batch of minibatches(dsprites, { batchSize: 64, seed: 1 })) {
 *   assert.deepEqual(batch.observations.shape, [64, 64, 64, 1]);
 *   assert.equal(batch.indices.length, 64);
 *   break;
 * }
 * ```
 *
 * @module
 */
export type { GroundTruthData, Observations, Rng } from "./ground_truth_data.ts";
export type { Dataset, GroundTruthDataset } from "./dataset.ts";
export { createRng, type RngState, type SeededRng } from "./create_rng.ts";
export { createDsprites, type DspritesDataset } from "./dsprites.ts";
export { createShapes, type ShapesDataset, type ShapesOptions } from "./shapes.ts";
export {
  type DataFor,
  type Int64Mode,
  type NpyArray,
  type NpyData,
  type NumberData,
  readNpy,
  type ReadNpyOptions,
} from "./read_npy.ts";
export { type NpzContents, readNpz, type ReadNpzOptions } from "./read_npz.ts";
export { loadNpz, type LoadNpzOptions } from "./load_npz.ts";
export { type NpyInput, writeNpy } from "./write_npy.ts";
export { writeNpz, type WriteNpzOptions } from "./write_npz.ts";
export { writeFileAtomic } from "./write_file_atomic.ts";
export { type Minibatch, minibatches, type MinibatchOptions } from "./minibatches.ts";
export { type IndexSplit, splitIndices, type SplitIndicesOptions } from "./split_indices.ts";
export { permutation, type PermutationOptions } from "./permutation.ts";
export {
  type DspritesNpzDataset,
  loadDspritesNpz,
  type LoadDspritesNpzOptions,
} from "./load_dsprites_npz.ts";
export { type NumericMatrix, readCsv, type ReadCsvOptions } from "./read_csv.ts";
export { readJsonMatrix, type ReadJsonMatrixOptions } from "./read_json_matrix.ts";
export { type IdxArray, readIdx, type ReadIdxOptions } from "./read_idx.ts";
export { loadMnist, type LoadMnistOptions, type MnistDataset } from "./mnist.ts";
export {
  type ImageFolderDataset,
  type ImageFolderOptions,
  loadImageFolder,
} from "./image_folder.ts";
export { type NorbMatrix, readNorbMatrix, type ReadNorbMatrixOptions } from "./read_norb_matrix.ts";
export { loadSmallNorb, type SmallNorbDataset } from "./load_smallnorb.ts";
export {
  type MatArray,
  type MatClass,
  type MatContents,
  readMat,
  type ReadMatOptions,
} from "./read_mat.ts";
export { type Cars3dDataset, loadCars3d, type LoadCars3dOptions } from "./load_cars3d.ts";
export {
  createColorDsprites,
  type DspritesVariantDataset,
  type DspritesVariantOptions,
} from "./color_dsprites.ts";
export { createNoisyDsprites } from "./noisy_dsprites.ts";
export { loadScreamDsprites, type ScreamDspritesOptions } from "./scream_dsprites.ts";
export { loadShapes3d, type LoadShapes3dOptions, type Shapes3dDataset } from "./load_shapes3d.ts";
export { loadMpi3d, type LoadMpi3dOptions, type Mpi3dDataset } from "./load_mpi3d.ts";
