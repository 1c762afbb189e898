// An optimiser's weights (tfjs `getWeights()`: its step count, then its
// moments) as one float32 blob and a manifest of where each one lies, for the
// checkpoint and the saved discriminator.
import * as tf from "@tensorflow/tfjs";

/** Where one weight lies in the blob. */
export interface OptimizerWeightEntry {
  name: string;
  shape: number[];
  dtype: "float32";
  offset: number;
  byteLength: number;
}

/**
 * Reads `optimizer.getWeights()` into one blob, in order. The step count comes
 * back as a new scalar tensor each call (the moments are the optimiser's own
 * variables): it is disposed here, or every checkpoint would leave one behind.
 */
export async function optimizerWeights(
  optimizer: tf.Optimizer,
): Promise<{ manifest: OptimizerWeightEntry[]; blob: Uint8Array }> {
  const weights = await optimizer.getWeights();
  try {
    const manifest: OptimizerWeightEntry[] = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const { name, tensor } of weights) {
      const bytes = new Uint8Array(Float32Array.from(await tensor.data() as Float32Array).buffer);
      manifest.push({
        name,
        shape: tensor.shape,
        dtype: "float32",
        offset,
        byteLength: bytes.length,
      });
      parts.push(bytes);
      offset += bytes.length;
    }
    const blob = new Uint8Array(offset);
    parts.reduce((at, p) => (blob.set(p, at), at + p.length), 0);
    return { manifest, blob };
  } finally {
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
}
