// The library's kernels that index the wasm heap from JavaScript (native
// sgemm, fused Adam, the sub-pixel rearrangements of the conv gradients) took
// byte offsets with a signed shift (`offset >> 2`). Past 2 GiB of heap, as a
// process reaches after a dozen runs of a study, the shift gave negative
// indices: sgemm then read and wrote before the heap (native heap corruption,
// runs diverging at step 2 or 78), and typed-array writes were dropped. These
// tests put every operand above 2 GiB and compare with the cpu backend.
import { tf } from "../_helpers/tf.ts";
import assert from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import { useBackend } from "../../models/use_backend.ts";
import { buildVae } from "../../models/build_vae.ts";
import { fusedAdam } from "../../models/fused_adam.ts";
import { referenceLoss } from "../../models/_reference_step.ts";

const info = await useBackend("wasm");
console.log(`backend: ${info.summary}`);

type Backend = { getMemoryOffset(dataId: object): number };
const offset = (t: tf.Tensor) => (tf.backend() as unknown as Backend).getMemoryOffset(t.dataId);

// Fill the heap past 2 GiB once for the whole file: wasm memory never shrinks,
// and the filler, kept alive, pushes every later allocation above it.
const FILLER_FLOATS = 2 ** 29 + 2 ** 24; // 2 GiB + 64 MiB
const filler = tf.zeros([FILLER_FLOATS]);

function assertAbove2GiB(tensors: tf.Tensor[], label: string): void {
  for (const t of tensors) {
    assert.ok(offset(t) >= 2 ** 31, `${label}: a tensor at ${offset(t)}, below 2 GiB`);
  }
}

/** Runs `fn` on cpu with the same inputs (as plain arrays), returning its values. */
function onCpu(fn: () => tf.Tensor): Float32Array {
  tf.setBackend("cpu");
  try {
    return tf.tidy(() => fn().dataSync() as Float32Array);
  } finally {
    tf.setBackend("wasm");
  }
}

function seeded(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, "float32", seed).dataSync() as Float32Array);
}

Deno.test("matMul, batched and fused (bias, relu) products are right on a heap past 2 GiB", () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 96], [96, 40], false, false],
    [[3, 20, 30], [3, 30, 10], false, true],
    [[5, 16, 24], [24, 12], true, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const shapeA = ta ? [...sa.slice(0, -2), sa.at(-1)!, sa.at(-2)!] : sa;
    const shapeB = tb ? [...sb.slice(0, -2), sb.at(-1)!, sb.at(-2)!] : sb;
    const va = seeded(shapeA, 1), vb = seeded(shapeB, 2);
    const n = sb.at(-1)!;
    const vbias = seeded([n], 3);
    const a = tf.tensor(va, shapeA), b = tf.tensor(vb, shapeB), bias = tf.tensor(vbias, [n]);
    assertAbove2GiB([a, b, bias], `[${sa}]·[${sb}]`);
    const plain = tf.matMul(a, b, ta, tb);
    const fused = tf.fused.matMul({
      a,
      b,
      transposeA: ta,
      transposeB: tb,
      bias,
      activation: "relu",
    });
    assertAbove2GiB([plain, fused], `[${sa}]·[${sb}] outputs`);
    const wantPlain = onCpu(() => tf.matMul(tf.tensor(va, shapeA), tf.tensor(vb, shapeB), ta, tb));
    const wantFused = onCpu(() =>
      tf.fused.matMul({
        a: tf.tensor(va, shapeA),
        b: tf.tensor(vb, shapeB),
        transposeA: ta,
        transposeB: tb,
        bias: tf.tensor(vbias, [n]),
        activation: "relu",
      })
    );
    assertClose(plain.dataSync(), wantPlain, {
      atol: 1e-4,
      rtol: 1e-4,
      message: `[${sa}]·[${sb}]`,
    });
    assertClose(fused.dataSync(), wantFused, {
      atol: 1e-4,
      rtol: 1e-4,
      message: `fused [${sa}]·[${sb}]`,
    });
    tf.dispose([a, b, bias, plain, fused]);
  }
});

Deno.test("a conv VAE's Adam steps on a heap past 2 GiB equal the cpu backend's", () => {
  const x = new Float32Array(8 * 64);
  for (let i = 0; i < 8; i++) for (let r = 0; r < 8; r++) x[i * 64 + r * 8 + i] = 1;
  const eps = seeded([8, 2], 7);
  const losses = (backend: "wasm" | "cpu") => {
    tf.setBackend(backend);
    const vae = buildVae("seed000-conv", { inputShape: [8, 8, 1], latentDim: 2, seed: 5 });
    const xs = tf.tensor4d(x, [8, 8, 8, 1]), e = tf.tensor2d(eps, [8, 2]);
    if (backend === "wasm") assertAbove2GiB([xs, e, ...vae.encoder.getWeights()], "the VAE");
    const optimizer = fusedAdam({ learningRate: 0.01 });
    const out: number[] = [];
    for (let i = 0; i < 5; i++) {
      const l = optimizer.minimize(() => referenceLoss(vae, xs, e), true)!;
      out.push(l.dataSync()[0]);
      l.dispose();
    }
    tf.dispose([xs, e]);
    optimizer.dispose();
    vae.encoder.dispose();
    vae.decoder.dispose();
    tf.setBackend("wasm");
    return out;
  };
  const wasm = losses("wasm"), cpu = losses("cpu");
  assert.ok(wasm.every(Number.isFinite), `wasm losses ${wasm}`);
  assertClose(wasm, cpu, { atol: 1e-2, rtol: 1e-3, message: "losses over 5 steps" });
  assert.ok(wasm[4] < wasm[0], `the loss falls: ${wasm}`);
});

Deno.test("the filler is freed (the last test of the file)", () => {
  filler.dispose();
  assert.ok(filler.isDisposed);
});
