/**
 * Analytic floating-point operation counts of one training step, so a
 * benchmark's steps/s can be read as a fraction of the machine's peak.
 * Forward ≈ 2·MACs per sample; backward ≈ 2× forward (input and weight
 * gradients), except that the first weighted layer needs no input gradient.
 * Element-wise work (activations, loss, optimizer) is not counted.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Vae } from "../models/build_vae.ts";

/** Multiply-accumulates of one layer for one sample (0 for layers without weights). */
function layerMacs(layer: tf.layers.Layer): number {
  const cls = layer.getClassName();
  if (cls !== "Dense" && cls !== "Conv2D" && cls !== "Conv2DTranspose") return 0;
  const kernel = layer.weights[0].shape.reduce(
    (a, b) => (a as number) * (b as number),
    1,
  ) as number;
  if (cls === "Dense") return kernel;
  const out = layer.outputShape as number[]; // [null, H, W, C]
  if (cls === "Conv2D") return out[1] * out[2] * kernel;
  // A transposed conv does kernel-many MACs per INPUT pixel ('same' padding: out = in·stride).
  const [sh, sw] = layer.getConfig().strides as number[];
  return (out[1] / sh) * (out[2] / sw) * kernel;
}

/** FLOPs of one training step (forward and backward) of `vae` on a batch of `batch`. */
export function trainStepFlops(vae: Vae, batch: number): number {
  let flops = 0, first = true;
  for (const layer of [...vae.encoder.layers, ...vae.decoder.layers]) {
    const macs = layerMacs(layer);
    if (macs === 0) continue;
    const forward = 2 * macs * batch;
    flops += first ? 2 * forward : 3 * forward;
    first = false;
  }
  return flops;
}
