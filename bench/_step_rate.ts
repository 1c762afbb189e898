/**
 * One process of bench/train_speed.ts: times the library's β-TCVAE step
 * (trainStep, MSS, batch 64, 64×64×1, 10 latents, N = 737 280) of each model,
 * with fresh weights and with a saturated decoder (its last bias at −100, so
 * every logit is about −100: a confident decoder). Prints one JSON line per
 * model and state. With BENCH_TRAINED_MODEL set to a saved model folder
 * (`runs/NAME/model` of a `deno task train` run on dSprites), that model is
 * timed too ("trained", on dSprites batches) against the same architecture
 * fresh on the same batches ("fresh-dsprites"). The thread count comes from
 * DISENTANGLE_THREADS (it is fixed per process).
 *
 *   deno run -A bench/_step_rate.ts [seconds per case] [models]
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";
import { buildVae } from "../models/build_vae.ts";
import { fusedAdam } from "../models/fused_adam.ts";
import { useBackend } from "../models/use_backend.ts";
import { trainStep } from "../models/train_step.ts";
import { loadVae } from "../models/load_vae.ts";
import { createDsprites } from "../data/dsprites.ts";

const seconds = Number(Deno.args[0] ?? 6);
const models = (Deno.args[1] ?? "locatello-mlp,burgess").split(",");
const selection = await useBackend("wasm");

const trainedDir = Deno.env.get("BENCH_TRAINED_MODEL");
const trained = trainedDir ? await loadVae(trainedDir) : undefined;
const trainedArch = trained?.config.architecture ?? trained?.config.model;
const cases: [string, string][] = models.flatMap((arch) =>
  ["fresh", "saturated"].map((state) => [arch, state] as [string, string])
);
if (trained) cases.push([String(trainedArch), "fresh-dsprites"], [String(trainedArch), "trained"]);

/** 64 dSprites images (seeded), [64, 64, 64, 1]. */
function dspritesBatch(): tf.Tensor {
  const data = createDsprites();
  const indices = Array.from({ length: 64 }, (_, i) => (i * 11527 + 31) % data.size);
  const { data: pixels, shape } = data.observations(indices);
  return tf.tensor(pixels as Float32Array, shape as number[]);
}

for (const [arch, state] of cases) {
  const vae = state === "trained"
    ? trained!
    : buildVae(arch, { inputShape: [64, 64, 1], latentDim: 10, seed: 0 });
  if (state === "saturated") {
    const weights = vae.decoder.trainableWeights;
    const bias = weights[weights.length - 1];
    bias.write(tf.fill(bias.shape as number[], -100));
  }
  // Sparse foreground, as in dSprites, for the saturated decoder.
  const density = state === "saturated" ? 0.03 : 0.5;
  const x = state === "trained" || state === "fresh-dsprites"
    ? dspritesBatch()
    : tf.tidy(() =>
      tf.cast(tf.less(tf.randomUniform([64, 64, 64, 1], 0, 1, "float32", 1), density), "float32")
    );
  const optimizer = fusedAdam({ learningRate: 1e-4 });
  let step = 0;
  const run = () =>
    trainStep({ vae, optimizer }, x, {
      objective: "beta-tcvae",
      estimator: "mss",
      datasetSize: 737280,
      step: step++,
    });
  run();
  run();
  const times: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || times.length < 3) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(JSON.stringify({
    model: arch,
    state,
    // The cores the step computes on: the native libraries' threads when they
    // run (XNNPACK then keeps one thread for the element-wise passes).
    threads: Math.max(
      selection.threads,
      selection.native?.threads ?? 0,
      selection.convolutions?.threads ?? 0,
    ),
    xnnpackThreads: selection.threads,
    native: selection.native !== null,
    convolutions: selection.convolutions !== null,
    stepsPerSecond: 1000 / median,
    medianMs: median,
    cpuMsPerStep: (cpu.user + cpu.system) / 1000 / times.length,
    steps: times.length,
  }));
  vae.encoder.dispose();
  vae.decoder.dispose();
  optimizer.dispose();
  x.dispose();
}
