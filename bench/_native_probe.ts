/**
 * Temporary probe: steps/s of trainStep (β-TCVAE, MSS, N = 737 280, batch 64,
 * 64×64×1, 10 latents) for both models on the wasm backend, with the
 * library's kernels as `useBackend("wasm")` registers them and with the
 * native-BLAS `BatchMatMul`/`_FusedMatMul` of models/_native_kernels.ts
 * registered over them. Alternates the two settings per round so drift in
 * machine load hits both alike.
 *
 *   deno run -A bench/_native_probe.ts [seconds per case] [models] [rounds] [BLAS threads]
 */
import * as tf from "@tensorflow/tfjs";
import { buildVae } from "../models/build_vae.ts";
import { fusedAdam } from "../models/fused_adam.ts";
import { useBackend } from "../models/use_backend.ts";
import { trainStep } from "../models/train_step.ts";
import { loadNativeBlas } from "../models/_native_blas.ts";
import { nativeKernels } from "../models/_native_kernels.ts";

const seconds = Number(Deno.args[0] ?? 5);
const models = (Deno.args[1] ?? "locatello-mlp,burgess").split(",");
const rounds = Number(Deno.args[2] ?? 2);
const selection = await useBackend("wasm");
const blas = loadNativeBlas({
  threads: Deno.args[3] === undefined ? undefined : Number(Deno.args[3]),
  onUnavailable: (line) => console.log(line),
});
if (blas === null) Deno.exit(1);
console.log(
  `wasm threads ${selection.threads}; ${blas.library}, ${blas.threads} threads, ${blas.config}`,
);
const names = ["BatchMatMul", "_FusedMatMul"] as const;
const originals = {
  BatchMatMul: tf.getKernel("BatchMatMul", "wasm")!,
  _FusedMatMul: tf.getKernel("_FusedMatMul", "wasm")!,
};
const natives = nativeKernels(blas, originals);
function use(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
  }
}

function stepsPerSecond(arch: string): number {
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
  run();
  run();
  const times: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || times.length < 3) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  vae.encoder.dispose();
  vae.decoder.dispose();
  optimizer.dispose();
  x.dispose();
  return 1000 / times[times.length >> 1];
}

const results: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const arch of models) {
    for (const native of [false, true]) {
      use(native ? natives : names.map((n) => originals[n]));
      const rate = stepsPerSecond(arch);
      (results[`${arch} ${native ? "native" : "wasm"}`] ??= []).push(rate);
      console.log(`round ${r} ${arch} ${native ? "native" : "wasm  "}: ${rate.toFixed(2)} steps/s`);
    }
  }
}
use(names.map((n) => originals[n]));
for (const [key, rates] of Object.entries(results)) {
  console.log(
    `${key}: median ${rates.sort((a, b) => a - b)[rates.length >> 1].toFixed(2)} steps/s`,
  );
}
