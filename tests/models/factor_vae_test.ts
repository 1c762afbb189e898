// FactorVAE end to end in models/: the discriminator's density ratio estimates
// a known total correlation; the VAE's update and the discriminator's update
// each move only their own network; the discriminator and its optimiser live
// in checkpoints and model folders, so a resumed run equals an uninterrupted
// one; and training leaks no tensors.
import { tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import {
  densityRatioDiscriminatorLoss,
  densityRatioTc,
  permuteDimensions,
} from "../../estimators/mod.ts";
import { buildDiscriminator, type Discriminator } from "../../models/build_discriminator.ts";
import { buildVae } from "../../models/build_vae.ts";
import { evaluateBatch } from "../../models/evaluate_batch.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { loadCheckpoint } from "../../models/load_checkpoint.ts";
import { loadVae } from "../../models/load_vae.ts";
import { saveCheckpoint } from "../../models/save_checkpoint.ts";
import { saveVae } from "../../models/save_vae.ts";
import { trainStep, type TrainStepOptions } from "../../models/train_step.ts";
import { forward, resolveObjective } from "../../models/_objective.ts";
import {
  discriminatorObjective,
  discriminatorVariables,
  encodeCodes,
} from "../../models/_discriminator_step.ts";

Deno.test("the discriminator's density ratio estimates the TC of correlated Gaussians within 10%", () => {
  // z ~ N(0, R) with corr(z₀, z₁) = 0.8 and corr(z₁, z₂) = 0.4: TC = −½·log det R.
  const r = [[1, 0.8, 0], [0.8, 1, 0.4], [0, 0.4, 1]];
  const det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
    r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]);
  const truth = -0.5 * Math.log(det); // 0.8047 nats
  const cholesky = [[1, 0, 0], [0.8, 0.6, 0], [0, 0.4 / 0.6, Math.sqrt(1 - (0.4 / 0.6) ** 2)]];
  const lt = tf.transpose(tf.tensor2d(cholesky));
  const sample = (n: number, seed: number) =>
    tf.matMul(tf.randomNormal([n, 3], 0, 1, "float32", seed), lt) as tf.Tensor2D;
  // CI-sized: one hidden layer of 32 units (the study's is 6 × 1000), Adam β₁ 0.5, β₂ 0.9 at
  // lr 5e-3 for 300 steps and 5e-4 for 300 more, 256 fresh samples of each class a step
  // (the product's from a second sample, every dimension permuted): 0.801 against 0.805 here,
  // 2-3% low with other seeds; ~4 s.
  const discriminator = buildDiscriminator(3, {
    hiddenLayers: 1,
    units: 32,
    learningRate: 5e-3,
    seed: 1,
  });
  const variables = discriminatorVariables(discriminator);
  const adam = discriminator.optimizer as unknown as { learningRate: number };
  for (let step = 0; step < 600; step++) {
    if (step === 300) adam.learningRate = 5e-4;
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const joint = sample(256, 2 * step + 1);
        const product = permuteDimensions(sample(256, 2 * step + 2), { seed: step });
        const logits = (z: tf.Tensor2D) => discriminator.model.apply(z) as tf.Tensor2D;
        return densityRatioDiscriminatorLoss(logits(joint), logits(product));
      }), variables);
    (discriminator.optimizer as tf.Optimizer).applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const estimate = tf.tidy(() =>
    tf.mean(densityRatioTc(discriminator.model.apply(sample(20_000, 424_242)) as tf.Tensor2D))
      .dataSync()[0]
  );
  if (!(Math.abs(estimate - truth) < 0.1 * truth)) {
    throw new Error(`TC estimate ${estimate} is not within 10% of ${truth}`);
  }
});

/** 16 binary 8×8 images: a bar whose position is the only factor. */
function bars(offset = 0): tf.Tensor4D {
  const data = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const col = (i + offset) % 8;
    for (let r = 0; r < 8; r++) data[i * 64 + r * 8 + col] = 1;
  }
  return tf.tensor4d(data, [16, 8, 8, 1]);
}

function setUp(seed = 1) {
  const vae = buildVae("mnist-mlp", { inputShape: [8, 8, 1], latentDim: 3, seed });
  const discriminator = buildDiscriminator(3, { hiddenLayers: 2, units: 16, seed });
  return { vae, optimizer: fusedAdam({ learningRate: 2e-3 }), discriminator };
}

const options = (step: number, secondBatch: tf.Tensor): TrainStepOptions => ({
  objective: "factor-vae",
  gamma: 20,
  datasetSize: 1000,
  estimator: "mss",
  secondBatch,
  step,
});

const vaeVariables = (vae: ReturnType<typeof setUp>["vae"]) =>
  [...vae.encoder.trainableWeights, ...vae.decoder.trainableWeights].map((w) =>
    w.read() as tf.Variable
  );
const snapshot = (variables: tf.Variable[]) =>
  variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));

Deno.test("tf.variableGrads: the VAE's loss reaches the discriminator, the discriminator's loss never reaches the VAE", () => {
  const { vae, discriminator } = setUp(2);
  const [x, second] = [bars(), bars(3)];
  const vaeNames = vaeVariables(vae).map((v) => v.name);
  const dNames = discriminatorVariables(discriminator).map((v) => v.name);
  const all = [...vaeVariables(vae), ...discriminatorVariables(discriminator)];
  // The VAE's loss (γ·TC through D(z)) has a gradient for D's weights too, so trainStep
  // must apply it to the VAE's variables only (it does: next test).
  const resolved = resolveObjective(
    { objective: "factor-vae", gamma: 20, datasetSize: 1000 },
    3,
    "test",
  );
  const vaeLoss = tf.variableGrads(
    () => forward(vae, x, resolved, true, { discriminator }).loss,
    all,
  );
  const vaeLossNames = Object.keys(vaeLoss.grads);
  if (!dNames.every((n) => vaeLossNames.includes(n))) {
    throw new Error("D(z) is not in the VAE's loss");
  }
  if (!vaeNames.every((n) => vaeLossNames.includes(n))) throw new Error("the VAE has no gradient");
  // The discriminator's loss, built as trainStep builds it (codes of both minibatches from
  // the encoder), has gradients for D's weights and none for the VAE's (its inputs are detached).
  const dLoss = tf.variableGrads(() =>
    discriminatorObjective(
      discriminator,
      {
        joint: encodeCodes(vae, x, 1, true),
        second: encodeCodes(vae, second, 1.5, true),
      },
      1.25,
      true,
    ), all);
  for (const name of vaeNames) {
    const g = dLoss.grads[name];
    if (g !== undefined && tf.max(tf.abs(g)).dataSync()[0] !== 0) {
      throw new Error(`the discriminator's loss has a gradient for the VAE's ${name}`);
    }
  }
  for (const name of dNames) {
    if (!(tf.max(tf.abs(dLoss.grads[name])).dataSync()[0] > 0)) {
      throw new Error(`no gradient: ${name}`);
    }
  }
  tf.dispose([
    vaeLoss.value,
    dLoss.value,
    ...Object.values(vaeLoss.grads),
    ...Object.values(dLoss.grads),
  ]);
});

Deno.test("trainStep's VAE update leaves the discriminator unchanged, and its discriminator update the VAE", () => {
  const [x, second] = [bars(), bars(5)];
  for (const frozen of ["discriminator", "vae"] as const) {
    const state = setUp(3);
    const given: Record<string, string[]> = { vae: [], discriminator: [] };
    // Each optimiser records what it is given; the frozen one applies nothing.
    for (
      const [which, optimizer] of [["vae", state.optimizer], [
        "discriminator",
        state.discriminator.optimizer,
      ]] as const
    ) {
      const apply = optimizer.applyGradients.bind(optimizer);
      optimizer.applyGradients = (grads) => {
        given[which].push(...Object.keys(grads));
        if (which !== frozen) apply(grads);
      };
    }
    const vaeBefore = snapshot(vaeVariables(state.vae));
    const dBefore = snapshot(discriminatorVariables(state.discriminator));
    trainStep(state, x, options(0, second));
    const vaeAfter = snapshot(vaeVariables(state.vae));
    const dAfter = snapshot(discriminatorVariables(state.discriminator));
    // Each optimiser gets exactly its own network's variables.
    assertClose(given.vae.length, vaeBefore.length);
    if (given.vae.join() !== vaeVariables(state.vae).map((v) => v.name).join()) {
      throw new Error(`the VAE's optimiser got ${given.vae}`);
    }
    if (
      given.discriminator.join() !==
        discriminatorVariables(state.discriminator).map((v) => v.name).join()
    ) {
      throw new Error(`the discriminator's optimiser got ${given.discriminator}`);
    }
    const same = (a: Float32Array[], b: Float32Array[]) =>
      a.every((w, i) => w.every((v, j) => v === b[i][j]));
    if (frozen === "discriminator") {
      if (!same(dAfter, dBefore)) throw new Error("the VAE's update changed the discriminator");
      if (same(vaeAfter, vaeBefore)) throw new Error("the VAE did not train");
    } else {
      if (!same(vaeAfter, vaeBefore)) throw new Error("the discriminator's update changed the VAE");
      if (same(dAfter, dBefore)) throw new Error("the discriminator did not train");
    }
  }
});

async function dState(d: Discriminator): Promise<number[][]> {
  return [
    ...d.model.getWeights().map((w) => Array.from(w.dataSync())),
    ...(await d.optimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync())),
  ];
}

Deno.test("the discriminator and its optimiser are saved in checkpoints and model folders; a resume equals the uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [x, second] = [bars(), bars(2)];
    const state = setUp(4);
    for (let step = 0; step < 3; step++) trainStep(state, x, options(step, second));
    await saveCheckpoint(state, `${dir}/ckpt`, { state: { step: 3 } });
    await saveVae(state.vae, `${dir}/model`, { discriminator: state.discriminator });
    const saved = await dState(state.discriminator);
    const straight = [];
    for (let step = 3; step < 6; step++) straight.push(trainStep(state, x, options(step, second)));
    // The saved model folder holds the discriminator and its Adam state as they were.
    const folder = await loadVae(`${dir}/model`);
    assertClose((await dState(folder.discriminator!)).flat(), saved.flat(), { atol: 0 });
    // So does the checkpoint; training on from it repeats the uninterrupted steps.
    const optimizer = fusedAdam({ learningRate: 2e-3 });
    const restored = await loadCheckpoint(`${dir}/ckpt`, optimizer);
    const discriminator = restored.vae.discriminator!;
    assertClose((await dState(discriminator)).flat(), saved.flat(), { atol: 0 });
    const resumed = [];
    for (let step = 3; step < 6; step++) {
      resumed.push(
        trainStep({ vae: restored.vae, optimizer, discriminator }, x, options(step, second)),
      );
    }
    for (const key of ["loss", "densityRatioTc", "discriminatorLoss", "reconstruction"] as const) {
      assertClose(resumed.map((r) => r[key]!), straight.map((r) => r[key]!), {
        rtol: 1e-5,
        atol: 1e-6,
        message: key,
      });
    }
    assertClose((await dState(discriminator)).flat(), (await dState(state.discriminator)).flat(), {
      rtol: 1e-5,
      atol: 1e-7,
    });
    // Without one, the model folder has no discriminator.
    await saveVae(state.vae, `${dir}/plain`);
    if ((await loadVae(`${dir}/plain`)).discriminator !== undefined) {
      throw new Error("a discriminator appeared");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("100 FactorVAE steps leak no tensors", () => {
  const state = setUp(5);
  const [x, second] = [bars(), bars(1)];
  trainStep(state, x, options(0, second));
  const before = tf.memory().numTensors;
  let report = trainStep(state, x, options(1, second));
  for (let step = 2; step <= 100; step++) report = trainStep(state, x, options(step, second));
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensors grew over 100 steps: ${before} → ${after}`);
  if (!Number.isFinite(report.densityRatioTc!) || !(report.discriminatorLoss! > 0)) {
    throw new Error(`report: ${JSON.stringify(report)}`);
  }
  // Validation leaks nothing either, and leaves the discriminator as it is.
  const d = snapshot(discriminatorVariables(state.discriminator));
  const count = tf.memory().numTensors;
  evaluateBatch(state.vae, x, {
    objective: "factor-vae",
    datasetSize: 1000,
    discriminator: state.discriminator,
  });
  if (tf.memory().numTensors !== count) throw new Error("evaluateBatch leaked");
  assertClose(
    snapshot(discriminatorVariables(state.discriminator)).flatMap((w) => Array.from(w)),
    d.flatMap((w) => Array.from(w)),
    { atol: 0 },
  );
});

Deno.test("FactorVAE's state and second minibatch are required, and only FactorVAE reads them", () => {
  const { vae, optimizer, discriminator } = setUp(6);
  const [x, second] = [bars(), bars(4)];
  assertThrowsWith(
    () => trainStep({ vae, optimizer }, x, options(0, second)),
    TypeError,
    /Cannot run a training step: the factor-vae objective needs a discriminator/,
  );
  assertThrowsWith(
    () =>
      trainStep({ vae, optimizer, discriminator }, x, {
        ...options(0, second),
        secondBatch: undefined,
      }),
    TypeError,
    /the factor-vae objective needs options\.secondBatch, a second minibatch tensor/,
  );
  assertThrowsWith(
    () =>
      trainStep({ vae, optimizer }, x, {
        objective: "beta-vae",
        datasetSize: 100,
        secondBatch: second,
      }),
    RangeError,
    /options\.secondBatch is not read by the beta-vae objective/,
  );
  assertThrowsWith(
    () => evaluateBatch(vae, x, { objective: "factor-vae", datasetSize: 100 }),
    TypeError,
    /Cannot evaluate a batch: the factor-vae objective needs a discriminator/,
  );
  assertThrowsWith(
    () => trainStep({ vae, optimizer, discriminator }, x, { ...options(0, second), beta: 2 }),
    RangeError,
    /options\.beta is not read by the factor-vae objective \(it reads gamma\)/,
  );
});
