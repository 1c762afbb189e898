/**
 * Training steps per second of the Burgess conv net and the Locatello MLP
 * (64×64×1, latent 10, batch 64, Adam, Bernoulli reconstruction + closed-form
 * KL) on every backend available here. Each benchmark's name carries the
 * step's analytic GFLOP, so GFLOP/s = GFLOP × iter/s, to compare with the
 * machine's ~100 GFLOP/s per core.
 *
 *   deno bench -A bench/train_step_bench.ts
 *
 * The pure-JS cpu backend takes seconds per MLP step and minutes per conv step
 * (its Conv2DBackpropFilter alone): its conv benchmark runs only with
 * BENCH_CPU=1. Other processes share the cores: check the load first, or use
 * bench/train_step_variants.ts, which also reports CPU time per step.
 */
import * as tf from "@tensorflow/tfjs";
import { buildVae } from "../models/build_vae.ts";
import { fusedAdam } from "../models/fused_adam.ts";
import { useBackend } from "../models/use_backend.ts";
import { referenceLoss } from "../models/_reference_step.ts";
import { trainStepFlops } from "./_flops.ts";

const BATCH = 64, LATENT = 10;
const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
const hasAdapter = gpu !== undefined && (await gpu.requestAdapter()) !== null;
const backends = ["wasm", ...(hasAdapter ? ["webgpu"] : []), "cpu"];
const cpuConv = Deno.env.get("BENCH_CPU") !== undefined;

interface Setup {
  step(): Promise<void>;
}

async function setup(backend: string, arch: string): Promise<Setup> {
  await useBackend(backend);
  const vae = buildVae(arch, { inputShape: [64, 64, 1], latentDim: LATENT });
  const x = tf.tidy(() =>
    tf.cast(tf.greater(tf.randomUniform([BATCH, 64, 64, 1], 0, 1, "float32", 1), 0.5), "float32")
  );
  const eps = tf.randomNormal([BATCH, LATENT], 0, 1, "float32", 2);
  const optimizer = fusedAdam({ learningRate: 1e-4 });
  return {
    async step() {
      const loss = optimizer.minimize(() => referenceLoss(vae, x, eps), true)!;
      await loss.data();
      loss.dispose();
    },
  };
}

// Select a backend before building the models that are only counted (the cpu
// backend would otherwise greet the user on first use).
await useBackend("wasm");
const archs: [string, string][] = [["burgess", "conv (Burgess)"], [
  "locatello-mlp",
  "MLP (Locatello)",
]];
const setups = new Map<string, Setup>();
for (const backend of backends) {
  for (const [arch, label] of archs) {
    if (backend === "cpu" && arch === "burgess" && !cpuConv) continue;
    // Built lazily, on the benchmark's own backend, the first time it runs.
    const key = `${backend}/${arch}`;
    const counted = buildVae(arch, { inputShape: [64, 64, 1], latentDim: LATENT });
    const gflop = trainStepFlops(counted, BATCH) / 1e9;
    counted.encoder.dispose();
    counted.decoder.dispose();
    Deno.bench({
      name: `${label} on ${backend}: ${gflop.toFixed(2)} GFLOP/step`,
      group: label,
      baseline: backend === "wasm",
      n: backend === "wasm" ? 10 : 2,
      warmup: 1,
      async fn() {
        let s = setups.get(key);
        if (s === undefined || tf.getBackend() !== backend) {
          s = await setup(backend, arch);
          setups.set(key, s);
        }
        await s.step();
      },
    });
  }
}
