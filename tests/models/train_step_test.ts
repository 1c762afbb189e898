import { tf } from "../_helpers/tf.ts";
import assert from "node:assert/strict";
import { assertClose, assertRejectsWith, assertThrowsWith } from "../_helpers/assert.ts";
import { buildVae } from "../../models/build_vae.ts";
import { evaluateBatch } from "../../models/evaluate_batch.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { trainStep } from "../../models/train_step.ts";
import { listObjectives } from "../../models/list_objectives.ts";
import { buildObjectiveState } from "../../models/build_objective_state.ts";
import { saveVae } from "../../models/save_vae.ts";
import { loadVae } from "../../models/load_vae.ts";
import { saveCheckpoint } from "../../models/save_checkpoint.ts";
import { loadCheckpoint } from "../../models/load_checkpoint.ts";
import { encodeObservations } from "../../models/encode_observations.ts";

/** 32 binary 8×8 images: a bar whose position is the only factor. */
function bars(): tf.Tensor4D {
  const data = new Float32Array(32 * 64);
  for (let i = 0; i < 32; i++) {
    const col = i % 8;
    for (let r = 0; r < 8; r++) data[i * 64 + r * 8 + col] = 1;
  }
  return tf.tensor4d(data, [32, 8, 8, 1]);
}

function model(seed = 1) {
  return buildVae("mnist-mlp", { inputShape: [8, 8, 1], latentDim: 4, seed });
}

Deno.test("trainStep lowers the loss of every objective", () => {
  const x = bars();
  // The capacity objective at C = 2 nats (from step 1 on); FactorVAE with a small discriminator.
  const extra: Record<string, Record<string, number>> = {
    capacity: { capacityMax: 2, capacitySteps: 0 },
  };
  for (const { name: objective } of listObjectives()) {
    const vae = model();
    const optimizer = fusedAdam({ learningRate: 3e-3 });
    const state = buildObjectiveState(objective, 4, {
      seed: 1,
      ...(objective === "factor-vae" ? { discriminatorLayers: 2, discriminatorUnits: 16 } : {}),
    });
    const options = {
      objective,
      datasetSize: 1000,
      estimator: "mss" as const,
      ...extra[objective],
    };
    const second = objective === "factor-vae" ? { secondBatch: tf.reverse(x, 0) } : {};
    const evaluate = () => evaluateBatch(vae, x, { ...options, ...state, seed: 99, step: 25 }).loss;
    const before = evaluate();
    for (let step = 0; step < 25; step++) {
      trainStep({ vae, optimizer, ...state }, x, { ...options, ...second, step });
    }
    const after = evaluate();
    if (!(after < before * 0.8)) {
      throw new Error(`${objective}: the loss did not fall enough: ${before} → ${after}`);
    }
    vae.encoder.dispose();
    vae.decoder.dispose();
    optimizer.dispose();
  }
});

Deno.test("trainStep reports consistent terms and does not grow the tensor count", () => {
  const x = bars();
  const vae = model(2);
  const optimizer = fusedAdam({ learningRate: 1e-3 });
  const options = { datasetSize: 1000, estimator: "mws" as const };
  trainStep({ vae, optimizer }, x, { ...options, step: 0 });
  const count = tf.memory().numTensors;
  let report = trainStep({ vae, optimizer }, x, { ...options, step: 1 });
  for (let step = 2; step < 6; step++) {
    report = trainStep({ vae, optimizer }, x, { ...options, step });
  }
  if (tf.memory().numTensors !== count) {
    throw new Error(`tensors grew: ${count} → ${tf.memory().numTensors}`);
  }
  // ELBO = −reconstruction − KL; the KL is the sum of its per-dimension parts.
  assertClose(report.elbo, -report.reconstruction - report.kl, { rtol: 1e-4 });
  assertClose(report.kl, report.klPerDimension.reduce((a, b) => a + b), { rtol: 1e-4 });
  assertClose(report.tc, report.logQz - report.logProdQz, { rtol: 1e-4, atol: 1e-3 });
});

Deno.test("a non-finite loss stops the step with the step and the terms named, weights untouched", () => {
  const vae = model(3);
  const optimizer = fusedAdam();
  const x = tf.fill([4, 8, 8, 1], NaN) as tf.Tensor4D;
  const before = vae.encoder.getWeights()[0].dataSync().slice();
  assertThrowsWith(
    () => trainStep({ vae, optimizer }, x, { datasetSize: 100, step: 17 }),
    RangeError,
    /Cannot run a training step: the loss is not finite at step 17 \(loss = NaN, reconstruction = NaN/,
  );
  assertClose(vae.encoder.getWeights()[0].dataSync(), before, { atol: 0 });
  assertThrowsWith(
    () => trainStep({ vae, optimizer }, bars(), { datasetSize: 100, objective: "gan" as "vae" }),
    RangeError,
    /options\.objective must be one of beta-tcvae, beta-vae, vae, capacity, factor-vae, dip-vae-i, dip-vae-ii, grouped, got gan/,
  );
  assertThrowsWith(
    () => trainStep({ vae, optimizer }, bars(), { datasetSize: 10 }),
    RangeError,
    /options\.datasetSize \(10\) is smaller than the batch size \(32\)/,
  );
});

Deno.test("saveVae and loadVae round-trip the model in the tfjs layers format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const vae = model(4);
    await saveVae(vae, dir, { config: { architecture: "mnist-mlp", note: "test" } });
    const json = JSON.parse(await Deno.readTextFile(`${dir}/encoder/model.json`));
    assertClose(json.weightsManifest.length, 1);
    if (json.weightsManifest[0].paths[0] !== "weights.bin" || json.format !== "layers-model") {
      throw new Error(`unexpected model.json: ${JSON.stringify(json).slice(0, 200)}`);
    }
    const loaded = await loadVae(dir);
    const x = bars();
    const a = vae.encoder.predict(x) as tf.Tensor;
    const b = loaded.encoder.predict(x) as tf.Tensor;
    assertClose(b.dataSync(), a.dataSync(), { atol: 0 });
    const z = tf.randomNormal([3, 4], 0, 1, "float32", 5);
    assertClose(
      (loaded.decoder.predict(z) as tf.Tensor).dataSync(),
      (vae.decoder.predict(z) as tf.Tensor).dataSync(),
      { atol: 0 },
    );
    if (loaded.config.note !== "test" || loaded.latentDim !== 4) throw new Error("config lost");
    await Deno.writeTextFile(`${dir}/decoder/model.json`, "{ not json");
    await assertRejectsWith(
      () => loadVae(dir),
      Error,
      /Cannot load the VAE's decoder: .*model\.json/,
    );
    await assertRejectsWith(
      () => loadVae(`${dir}/nothing`),
      Error,
      /vae\.json: the file does not exist/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint resumes training exactly where it stopped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const x = bars();
    const options = { datasetSize: 1000, estimator: "mss" as const };
    const vae = model(5);
    const optimizer = fusedAdam({ learningRate: 2e-3 });
    for (let step = 0; step < 3; step++) trainStep({ vae, optimizer }, x, { ...options, step });
    const tensors = tf.memory().numTensors;
    await saveCheckpoint({ vae, optimizer }, `${dir}/ckpt`, { state: { step: 3, rng: [1, 2] } });
    // getWeights() hands back a new step-count scalar: saving must free it.
    assert.equal(tf.memory().numTensors, tensors, "saveCheckpoint left tensors behind");
    const straight: number[] = [];
    for (let step = 3; step < 6; step++) {
      straight.push(trainStep({ vae, optimizer }, x, { ...options, step }).loss);
    }
    const resumedOptimizer = fusedAdam({ learningRate: 2e-3 });
    const { vae: restored, state } = await loadCheckpoint(`${dir}/ckpt`, resumedOptimizer);
    if (state.step !== 3) throw new Error(`state lost: ${JSON.stringify(state)}`);
    const resumed: number[] = [];
    for (let step = 3; step < 6; step++) {
      resumed.push(
        trainStep({ vae: restored, optimizer: resumedOptimizer }, x, { ...options, step }).loss,
      );
    }
    assertClose(resumed, straight, { rtol: 1e-6 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encodeObservations gives the encoder's μ and log σ² as rows", () => {
  const vae = model(6);
  const x = bars();
  const encoded = encodeObservations(vae.encoder, {
    data: x.dataSync() as Float32Array,
    shape: x.shape,
  }, {
    batchSize: 5,
  });
  const stats = (vae.encoder.predict(x) as tf.Tensor2D).arraySync();
  assertClose(encoded.mean.flatMap((r) => Array.from(r)), stats.flatMap((r) => r.slice(0, 4)), {
    atol: 1e-6,
  });
  assertClose(encoded.logVar[31], stats[31].slice(4), { atol: 1e-6 });
  assertThrowsWith(
    () => encodeObservations(vae.encoder, { data: new Float32Array(10), shape: [1, 5, 2, 1] }),
    TypeError,
    /observations have shape \[1,5,2,1\] but the encoder takes \[N,8,8,1\]/,
  );
});
