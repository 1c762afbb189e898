// Writes and reads one tf.LayersModel in the tfjs layers format (model.json +
// weights.bin), the files `tf.loadLayersModel(url)` loads in a browser.
import * as tf from "@tensorflow/tfjs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../data/write_file_atomic.ts";

function joinWeights(data: ArrayBuffer | ArrayBuffer[] | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const total = data.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** Saves `model` as `dir/model.json` + `dir/weights.bin`. */
export async function writeLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = joinWeights(artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? "layers-model",
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
    };
    await writeFileAtomic(join(dir, "weights.bin"), new Uint8Array(weights));
    await writeFileAtomic(join(dir, "model.json"), JSON.stringify(modelJson));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: "JSON",
        weightDataBytes: weights.byteLength,
      },
    };
  }));
}

/** Loads a model saved by {@link writeLayersModel}; `what` names it in errors. */
export async function readLayersModel(dir: string, what: string): Promise<tf.LayersModel> {
  const path = join(dir, "model.json");
  let json: {
    modelTopology?: object;
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    const reason = (e as { code?: string }).code === "ENOENT"
      ? "the file does not exist"
      : (e as Error).message;
    throw new Error(`Cannot load the ${what}: ${path}: ${reason}`);
  }
  if (!json || typeof json !== "object" || !json.modelTopology || !json.weightsManifest) {
    throw new TypeError(
      `Cannot load the ${what}: ${path} is not a tfjs layers model (no modelTopology/weightsManifest)`,
    );
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      try {
        const bytes = await readFile(join(dir, p));
        buffers.push(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        );
      } catch (e) {
        throw new Error(
          `Cannot load the ${what}: weights file ${join(dir, p)}: ${(e as Error).message}`,
        );
      }
    }
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs,
      weightData: joinWeights(buffers),
    }));
  } catch (e) {
    throw new Error(`Cannot load the ${what} from ${dir}: ${(e as Error).message}`);
  }
}
