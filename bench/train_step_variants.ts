/**
 * Steps/s of one training step under each stage of the wasm work, for the
 * report's "as shipped → each improvement" table. One variant per process
 * (kernel registration is global), so run it interleaved from a shell:
 *
 *   for r in 1 2 3; do for v in shipped conv matmul adam final; do
 *     deno run -A bench/train_step_variants.ts $v; done; done
 *
 * Stages, each adding to the one before: `shipped` (only the missing
 * Conv2DBackpropFilter, tf.train.adam), `conv` (sub-pixel Conv2DBackpropInput,
 * explicit 'same' padding), `matmul` (transposed BatchMatMul operands, x·W as
 * (Wᵀ·xᵀ)ᵀ, SIMD Transpose), `adam` (fusedAdam), `final` (buffer-sharing
 * Identity: everything `useBackend("wasm")` sets up).
 *
 * Prints one JSON line per model: variant, model, the median wall time of
 * `steps` steps and the median CPU time of this process per step. Training
 * runs on one thread, so on a quiet machine the two agree; when other
 * processes share the cores the CPU time is the robust figure.
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";
import "@tensorflow/tfjs-backend-wasm";
import { buildVae } from "../models/build_vae.ts";
import { fusedAdam } from "../models/fused_adam.ts";
import { registerWasmTrainingKernels } from "../models/register_wasm_training_kernels.ts";
import { conv2dBackpropFilterWasm } from "../models/_conv2d_backprop_filter_wasm.ts";
import { conv2dBackpropInputWasm } from "../models/_conv2d_backprop_input_wasm.ts";
import { explicitSamePadding } from "../models/_explicit_same_padding_wasm.ts";
import { batchMatMulWasm, fusedMatMulWasm } from "../models/_batch_mat_mul_wasm.ts";
import { transposeWasm } from "../models/_transpose_wasm.ts";
import { referenceLoss } from "../models/_reference_step.ts";
import { trainStepFlops } from "./_flops.ts";

const variant = Deno.args[0] ?? "adam";
const steps = Number(Deno.args[1] ?? 7);
await tf.setBackend("wasm");
const replace = (config: tf.KernelConfig) => {
  tf.unregisterKernel(config.kernelName, "wasm");
  tf.registerKernel(config);
};
const stages = ["shipped", "conv", "matmul", "adam", "final"];
const stage = stages.indexOf(variant);
if (stage < 0) throw new RangeError(`unknown variant ${variant}; use one of ${stages}`);
if (stage === stages.length - 1) {
  registerWasmTrainingKernels();
} else {
  // Only the kernel that is missing altogether.
  tf.registerKernel(conv2dBackpropFilterWasm);
  if (stage >= 1) {
    replace(conv2dBackpropInputWasm);
    replace(explicitSamePadding(tf.getKernel("Conv2D", "wasm")!));
    replace(explicitSamePadding(tf.getKernel("FusedConv2D", "wasm")!));
  }
  if (stage >= 2) {
    replace(batchMatMulWasm(tf.getKernel("BatchMatMul", "wasm")!));
    replace(fusedMatMulWasm(tf.getKernel("_FusedMatMul", "wasm")!));
    replace(transposeWasm(tf.getKernel("Transpose", "wasm")!));
  }
}
const optimizerFor = () => stage >= 3 ? fusedAdam({ learningRate: 1e-4 }) : tf.train.adam(1e-4);

for (const arch of (Deno.args[2] ?? "locatello-mlp,burgess").split(",")) {
  const vae = buildVae(arch, { inputShape: [64, 64, 1], latentDim: 10 });
  const x = tf.tidy(() =>
    tf.cast(tf.greater(tf.randomUniform([64, 64, 64, 1], 0, 1, "float32", 1), 0.5), "float32")
  );
  const eps = tf.randomNormal([64, 10], 0, 1, "float32", 2);
  const optimizer = optimizerFor();
  const step = () => {
    const loss = optimizer.minimize(() => referenceLoss(vae, x, eps), true)!;
    loss.dataSync();
    loss.dispose();
  };
  step();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(wall), cpuMs = median(cpu);
  const gflop = trainStepFlops(vae, 64) / 1e9;
  console.log(JSON.stringify({
    variant,
    arch,
    wallMs: Math.round(ms),
    cpuMs: Math.round(cpuMs),
    stepsPerSec: +(1000 / ms).toFixed(2),
    cpuStepsPerSec: +(1000 / cpuMs).toFixed(2),
    gflopPerSecCpu: +(gflop * 1000 / cpuMs).toFixed(1),
  }));
  tf.dispose([x, eps]);
  optimizer.dispose();
}
