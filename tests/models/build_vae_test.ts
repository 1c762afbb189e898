import { tf } from "../_helpers/tf.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";
import { buildVae } from "../../models/build_vae.ts";
import { listArchitectures } from "../../models/list_architectures.ts";
import assert from "node:assert/strict";

function shapesOf(arch: string, inputShape: [number, number, number], latentDim: number) {
  const vae = buildVae(arch, { inputShape, latentDim });
  const out = tf.tidy(() => {
    const stats = vae.encoder.predict(tf.zeros([2, ...inputShape])) as tf.Tensor;
    const logits = vae.decoder.predict(tf.zeros([2, latentDim])) as tf.Tensor;
    return [stats.shape, logits.shape];
  });
  vae.encoder.dispose();
  vae.decoder.dispose();
  return out;
}

Deno.test("every architecture maps [B,H,W,C] to [B,2D] and [B,D] back to [B,H,W,C]", () => {
  const shapes: Record<string, [number, number, number][]> = {
    "burgess": [[64, 64, 1], [32, 48, 3]],
    "locatello-mlp": [[64, 64, 1], [10, 6, 2]],
    "seed000-conv": [[64, 64, 1], [24, 40, 3]],
    "mnist-mlp": [[28, 28, 1], [5, 7, 3]],
  };
  for (const { name } of listArchitectures()) {
    for (const inputShape of shapes[name]) {
      const [stats, logits] = shapesOf(name, inputShape, 3);
      assert.deepEqual(stats, [2, 6], `${name} ${inputShape}`);
      assert.deepEqual(logits, [2, ...inputShape], `${name} ${inputShape}`);
    }
  }
});

Deno.test("parameter counts equal the hand-counted layer sizes", () => {
  const count = (arch: string, inputShape: [number, number, number]) => {
    const vae = buildVae(arch, { inputShape, latentDim: 10 });
    const n = [vae.encoder.countParams(), vae.decoder.countParams()];
    vae.encoder.dispose();
    vae.decoder.dispose();
    return n;
  };
  // Burgess, 64×64×1: conv 4·4·1·32+32, 4·4·32·32+32, 4·4·32·64+64, 4·4·64·64+64,
  // dense 1024·256+256, 256·20+20 | dense 10·256+256, 256·1024+1024, deconv
  // 4·4·64·64+64, 4·4·64·32+32, 4·4·32·32+32, 4·4·32·1+1.
  assert.deepEqual(count("burgess", [64, 64, 1]), [
    544 + 16416 + 32832 + 65600 + 262400 + 5140,
    2816 + 263168 + 65600 + 32800 + 16416 + 513,
  ]);
  // Locatello MLP: 4096·1200+1200, 1200·1200+1200, 1200·20+20 | 10·1200+1200,
  // 2 × (1200·1200+1200), 1200·4096+4096.
  assert.deepEqual(count("locatello-mlp", [64, 64, 1]), [
    4916400 + 1441200 + 24020,
    13200 + 2 * 1441200 + 4919296,
  ]);
  // Seed 000, 64×64×1: conv 3·3·1·32+32, 3·3·32·64+64, 3·3·64·128+128, dense 8192·20+20 |
  // dense 10·8192+8192, deconv 4·4·128·64+64, 4·4·64·32+32, 4·4·32·1+1.
  assert.deepEqual(count("seed000-conv", [64, 64, 1]), [
    320 + 18496 + 73856 + 163860,
    90112 + 131136 + 32800 + 513,
  ]);
  // MNIST MLP, 28×28×1: 784·500+500, 500·20+20 | 10·500+500, 500·784+784.
  assert.deepEqual(count("mnist-mlp", [28, 28, 1]), [392500 + 10020, 5500 + 392784]);
});

Deno.test("the Burgess encoder has four 4×4 stride-2 convolutions of 32-32-64-64 filters", () => {
  const { encoder, decoder } = buildVae("burgess");
  const convs = encoder.layers.filter((l) => l.getClassName() === "Conv2D").map((l) => {
    const c = l.getConfig();
    return [c.filters, c.kernelSize, c.strides, c.padding, c.activation];
  });
  assert.deepEqual(convs, [
    [32, [4, 4], [2, 2], "same", "relu"],
    [32, [4, 4], [2, 2], "same", "relu"],
    [64, [4, 4], [2, 2], "same", "relu"],
    [64, [4, 4], [2, 2], "same", "relu"],
  ]);
  const acts = decoder.layers.map((l) => l.getConfig().activation).filter((a) => a !== undefined);
  assert.deepEqual(acts, ["relu", "relu", "relu", "relu", "relu", "linear"]);
  encoder.dispose();
  decoder.dispose();
});

Deno.test("the Locatello MLP follows disentanglement_lib: ReLU encoder, tanh decoder", () => {
  const { encoder, decoder } = buildVae("locatello-mlp");
  const dense = (m: tf.LayersModel) =>
    m.layers.filter((l) => l.getClassName() === "Dense").map((l) => [
      l.getConfig().units,
      l.getConfig().activation,
    ]);
  assert.deepEqual(dense(encoder), [[1200, "relu"], [1200, "relu"], [20, "linear"]]);
  assert.deepEqual(dense(decoder), [[1200, "tanh"], [1200, "tanh"], [1200, "tanh"], [
    4096,
    "linear",
  ]]);
  encoder.dispose();
  decoder.dispose();
});

Deno.test("the same seed gives the same weights, another seed different ones", () => {
  const weights = (seed: number) => {
    const vae = buildVae("mnist-mlp", { inputShape: [6, 6, 1], latentDim: 2, seed });
    const w = vae.encoder.getWeights()[0].dataSync().slice();
    vae.encoder.dispose();
    vae.decoder.dispose();
    return w;
  };
  assert.deepEqual(weights(3), weights(3));
  assert.notDeepEqual(weights(3), weights(4));
});

Deno.test("buildVae rejects bad names and shapes with clear errors", () => {
  assertThrowsWith(
    () => buildVae("resnet"),
    RangeError,
    /^Cannot build a VAE: unknown architecture "resnet"; valid ones are "burgess", "locatello-mlp", "seed000-conv", "mnist-mlp"$/,
  );
  assertThrowsWith(
    () => buildVae("burgess", { inputShape: [60, 64, 1] }),
    RangeError,
    /divisible by 16, got inputShape \[60, 64, 1\]/,
  );
  assertThrowsWith(
    () => buildVae("seed000-conv", { inputShape: [28, 28, 1] }),
    RangeError,
    /divisible by 8/,
  );
  assertThrowsWith(() => buildVae("burgess", { latentDim: 0 }), RangeError, /latentDim.*got 0/);
  assertThrowsWith(() => buildVae("burgess", { latentDim: 2.5 }), RangeError, /latentDim/);
  assertThrowsWith(
    () => buildVae("mnist-mlp", { inputShape: [28, 28] }),
    TypeError,
    /inputShape must be \[height, width, channels\], got \[28,28\]/,
  );
  assertThrowsWith(
    () => buildVae("mnist-mlp", { inputShape: [28, "28", 1] as unknown as number[] }),
    TypeError,
    /inputShape\[1\] must be a number/,
  );
  assertThrowsWith(() => buildVae("mnist-mlp", { seed: -1 }), RangeError, /seed/);
  assertThrowsWith(() => buildVae("toString"), RangeError, /unknown architecture/);
});

Deno.test("listArchitectures describes each architecture and its stride", () => {
  const list = listArchitectures();
  assert.deepEqual(list.map((a) => [a.name, a.totalStride]), [
    ["burgess", 16],
    ["locatello-mlp", 1],
    ["seed000-conv", 8],
    ["mnist-mlp", 1],
  ]);
  for (const a of list) assert.ok(a.description.length > 10);
  list[0].defaultInputShape[0] = 1; // a copy: the registry is not changed
  assert.deepEqual(listArchitectures()[0].defaultInputShape, [64, 64, 1]);
});

Deno.test("initialLogVar sets the starting log σ² of every architecture and nothing else", () => {
  for (const arch of ["burgess", "locatello-mlp", "seed000-conv", "mnist-mlp"]) {
    const inputShape = arch === "mnist-mlp" ? [28, 28, 1] : [32, 32, 1];
    const base = buildVae(arch, { inputShape, latentDim: 3, seed: 4 });
    const shifted = buildVae(arch, { inputShape, latentDim: 3, seed: 4, initialLogVar: -4 });
    const x = tf.randomUniform([2, ...inputShape], 0, 1, "float32", 5);
    const a = (base.encoder.predict(x) as tf.Tensor2D).arraySync();
    const b = (shifted.encoder.predict(x) as tf.Tensor2D).arraySync();
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 6; j++) {
        const expected = a[i][j] + (j >= 3 ? -4 : 0);
        assert.ok(
          Math.abs(b[i][j] - expected) < 1e-5,
          `${arch} [${i}][${j}]: ${b[i][j]} vs ${expected}`,
        );
      }
    }
  }
  assert.throws(
    () => buildVae("burgess", { initialLogVar: NaN }),
    /Cannot build a VAE: initialLogVar must be a finite number, got NaN/,
  );
});
