import { tf } from "../_helpers/tf.ts";
import { buildVae } from "../../models/build_vae.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { useBackend } from "../../models/use_backend.ts";
import { referenceLoss } from "../../models/_reference_step.ts";
import assert from "node:assert/strict";

const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
const hasAdapter = gpu !== undefined && (await gpu.requestAdapter()) !== null;
const backends = ["cpu", "wasm", ...(hasAdapter ? ["webgpu"] : [])];

/** 16 binary 8×8 images of a vertical bar at one of 8 positions. */
function bars(): tf.Tensor4D {
  const data = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) for (let r = 0; r < 8; r++) data[i * 64 + r * 8 + (i % 8)] = 1;
  return tf.tensor4d(data, [16, 8, 8, 1]);
}

/** Trains `arch` for `steps` Adam steps on the bars; returns the loss before and after. */
async function lossBeforeAfter(arch: string, steps: number): Promise<[number, number]> {
  const vae = buildVae(arch, { inputShape: [8, 8, 1], latentDim: 2, seed: 5 });
  const x = bars();
  const eps = tf.randomNormal([16, 2], 0, 1, "float32", 6);
  const optimizer = fusedAdam({ learningRate: 0.01 });
  const loss = async () => {
    const l = referenceLoss(vae, x, eps);
    const v = (await l.data())[0];
    l.dispose();
    return v;
  };
  const before = await loss();
  for (let i = 0; i < steps; i++) {
    // Reading each step's loss keeps asynchronous backends (webgpu) from queueing every step.
    const l = optimizer.minimize(() => referenceLoss(vae, x, eps), true)!;
    await l.data();
    l.dispose();
  }
  const after = await loss();
  tf.dispose([x, eps]);
  optimizer.dispose();
  vae.encoder.dispose();
  vae.decoder.dispose();
  return [before, after];
}

for (const backend of backends) {
  Deno.test(`a conv VAE and an MLP VAE learn on the ${backend} backend`, async () => {
    await useBackend(backend);
    try {
      const tensors = tf.memory().numTensors;
      for (const arch of ["seed000-conv", "mnist-mlp"]) {
        const [before, after] = await lossBeforeAfter(arch, 6);
        assert.ok(Number.isFinite(after), `${arch} on ${backend}: loss ${after}`);
        assert.ok(after < 0.9 * before, `${arch} on ${backend}: loss ${before} → ${after}`);
      }
      assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
    } finally {
      await useBackend("cpu");
    }
  });
}
