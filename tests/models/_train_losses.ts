// The β-TCVAE losses of a few training steps from fixed weights, which the
// native-kernel tests compare between the wasm kernels and the native ones.
import * as tf from "@tensorflow/tfjs";
import { buildVae } from "../../models/build_vae.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { trainStep } from "../../models/train_step.ts";

/** A seeded binary batch of 64 images of 64×64×1, half the pixels on. */
export function binaryBatch(): tf.Tensor4D {
  return tf.tidy(() =>
    tf.cast(tf.less(tf.randomUniform([64, 64, 64, 1], 0, 1, "float32", 1), 0.5), "float32")
  ) as tf.Tensor4D;
}

/** The losses of `steps` β-TCVAE (MSS) steps of a seeded `arch` on `x`; frees what it builds. */
export function betaTcvaeLosses(arch: string, x: tf.Tensor, steps: number): number[] {
  const vae = buildVae(arch, { inputShape: [64, 64, 1], latentDim: 10, seed: 0 });
  const optimizer = fusedAdam({ learningRate: 1e-4 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    losses.push(
      trainStep({ vae, optimizer }, x, {
        objective: "beta-tcvae",
        estimator: "mss",
        datasetSize: 737280,
        step,
        seed: 3,
      }).loss,
    );
  }
  vae.encoder.dispose();
  vae.decoder.dispose();
  optimizer.dispose();
  return losses;
}
