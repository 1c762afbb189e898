/**
 * In-process A/B of the plain-wasm convolution kernels of two checkouts: this
 * tree's (_wasm_conv_kernels.ts) against another's, on the β-TCVAE step of a
 * model (default burgess), the two kernel sets registered in turn, step by
 * step, in alternating order. One process sees the same machine for both, so
 * the comparison survives the minute-to-minute swings of a shared machine
 * that separate runs do not (see docs/speed_2026-12-08.md). Run with the
 * native libraries off, as the plain-wasm path is what it compares:
 *
 *   DISENTANGLE_BLAS=off DISENTANGLE_DNNL=off \
 *     deno run -A bench/_conv_ab.ts /path/to/other/checkout [model] [rounds]
 *
 * (`git worktree add /tmp/old <commit>` gives another checkout.) Prints the
 * median and mean step time of each and how many rounds this tree won.
 */
import * as tf from "@tensorflow/tfjs";
import { buildVae } from "../models/build_vae.ts";
import { fusedAdam } from "../models/fused_adam.ts";
import { useBackend } from "../models/use_backend.ts";
import { trainStep } from "../models/train_step.ts";
import { wasmConvKernels } from "../models/_wasm_conv_kernels.ts";
import { heapMemory } from "../models/_simd_wasm.ts";
import { conv2dBackpropInputWasm } from "../models/_conv2d_backprop_input_wasm.ts";

const [other, arch = "burgess", roundsArg = "12"] = Deno.args;
if (other === undefined) {
  console.error("usage: deno run -A bench/_conv_ab.ts OTHER_CHECKOUT [model] [rounds]");
  Deno.exit(2);
}
const root = other.replace(/\/$/, "");
const theirs = await import(`${root}/models/_wasm_conv_kernels.ts`);
const theirHelper = await import(`${root}/models/_simd_helper.ts`);
console.log((await useBackend("wasm")).summary);
const memory = heapMemory((tf.backend() as unknown as { wasm: never }).wasm);
// The other tree's kernels split with a helper thread of their own: start it.
await theirHelper.simdHelper(memory)?.whenReady(10_000);
const kernel = (name: string) => tf.getKernel(name, "wasm")!;
const originals = {
  Conv2D: kernel("Conv2D"),
  FusedConv2D: kernel("FusedConv2D"),
  Conv2DBackpropFilter: kernel("Conv2DBackpropFilter"),
  Conv2DBackpropInput: conv2dBackpropInputWasm,
};
const theirSet: tf.KernelConfig[] = theirs.wasmConvKernels(originals);
const sets: Record<"ours" | "theirs", tf.KernelConfig[]> = {
  ours: wasmConvKernels(originals),
  // A tree without its own Conv2DBackpropInput used the stacked-phase kernel.
  theirs: theirSet.some((k) => k.kernelName === "Conv2DBackpropInput")
    ? theirSet
    : [...theirSet, conv2dBackpropInputWasm],
};
const use = (configs: tf.KernelConfig[]) =>
  configs.forEach((c) => {
    tf.unregisterKernel(c.kernelName, "wasm");
    tf.registerKernel(c);
  });
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
    datasetSize: 737_280,
    step: step++,
  });
for (const name of ["theirs", "ours", "theirs", "ours"] as const) {
  use(sets[name]);
  run();
}
const rounds = Number(roundsArg);
const times = { ours: [] as number[], theirs: [] as number[] };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? ["theirs", "ours"] as const : ["ours", "theirs"] as const) {
    use(sets[name]);
    const t0 = performance.now();
    run();
    times[name].push(performance.now() - t0);
  }
}
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
const won = times.ours.filter((t, i) => t < times.theirs[i]).length;
const line = (name: "ours" | "theirs") =>
  `median ${median(times[name]).toFixed(1)} ms, mean ${mean(times[name]).toFixed(1)} ms`;
console.log(
  `this tree: ${line("ours")}; ${root}: ${line("theirs")}; this tree faster in ${won}/${rounds}`,
);
