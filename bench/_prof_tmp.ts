import * as tf from "@tensorflow/tfjs";
import { buildVae } from "../models/build_vae.ts";
import { fusedAdam } from "../models/fused_adam.ts";
import { useBackend } from "../models/use_backend.ts";
import { trainStep } from "../models/train_step.ts";
import { trainStepFlops } from "./_flops.ts";
const sel = await useBackend("wasm");
console.log(sel.summary ?? JSON.stringify(sel));
const arch = Deno.args[0] ?? "burgess";
const vae = buildVae(arch, { inputShape: [64, 64, 1], latentDim: 10, seed: 0 });
const x = tf.tidy(() =>
  tf.cast(tf.less(tf.randomUniform([64, 64, 64, 1], 0, 1, "float32", 1), 0.5), "float32")
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
for (let i = 0; i < 3; i++) run();
const t0 = performance.now();
for (let i = 0; i < 5; i++) run();
const wall = (performance.now() - t0) / 5;
console.log(
  `wall ${wall.toFixed(1)} ms/step, ${(trainStepFlops(vae, 64) / wall / 1e6).toFixed(2)} GFLOP/s`,
);
const agg = new Map<string, number>();
const cnt = new Map<string, number>();
const reps = 3;
let wallP = 0;
for (let r = 0; r < reps; r++) {
  const t = performance.now();
  const p = await tf.profile(() => {
    run();
  });
  wallP += performance.now() - t;
  for (const k of p.kernels) {
    agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number) / reps);
    cnt.set(k.name, (cnt.get(k.name) ?? 0) + 1 / reps);
  }
}
const rows = [...agg].sort((a, b) => b[1] - a[1]);
let total = 0;
for (const [, v] of rows) total += v;
console.log(`profiled wall ${(wallP / reps).toFixed(1)}, kernel sum ${total.toFixed(1)}`);
for (const [k, v] of rows.slice(0, 30)) {
  console.log(k.padEnd(32), v.toFixed(2).padStart(8), String(Math.round(cnt.get(k)!)).padStart(5));
}
