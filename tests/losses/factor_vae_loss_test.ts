// The FactorVAE objective: −log p(x|z) + KL + γ·TC with TC the mean log-odds
// of the discriminator's logits at z.
import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { factorVaeLoss, gaussianKl, linearSchedule } from "../../losses/mod.ts";

function sample() {
  const posterior = {
    mean: tf.tensor2d([[0.5, -1], [2, 0], [0, 0.5]]),
    logVar: tf.tensor2d([[0, -1], [0.5, 0], [-0.5, 0]]),
  };
  const z = tf.tensor2d([[0.4, -1], [2.1, 0.2], [0, 0.3]]);
  return { z, posterior, logPxGivenZ: tf.tensor1d([-10, -20, -30]) };
}

Deno.test("factorVaeLoss = mean(−log p(x|z) + KL) + γ·mean(ℓ₀ − ℓ₁)", () => {
  const s = sample();
  const discriminatorLogits = tf.tensor2d([[1, 0], [0.5, 1], [2, -1]]);
  const kl = gaussianKl(s.posterior).arraySync();
  const negElbo = (10 + 20 + 30 + kl[0] + kl[1] + kl[2]) / 3;
  const tc = (1 - 0.5 + 3) / 3;
  const out = factorVaeLoss(s, { gamma: 40, discriminatorLogits, datasetSize: 100 });
  assertClose(out.loss.arraySync(), negElbo + 40 * tc, { rtol: 1e-6 });
  assertClose(out.densityRatioTc.arraySync(), [1, -0.5, 3], { atol: 1e-7 });
  assertClose(out.kl.arraySync(), kl, { atol: 0 });
  // γ defaults to 10 and may be a schedule.
  const byDefault = factorVaeLoss(s, { discriminatorLogits, datasetSize: 100 });
  assertClose(byDefault.loss.arraySync(), negElbo + 10 * tc, { rtol: 1e-6 });
  const warm = factorVaeLoss(s, {
    gamma: linearSchedule({ to: 40, steps: 4 }),
    step: 1,
    discriminatorLogits,
    datasetSize: 100,
  });
  assertClose(warm.loss.arraySync(), negElbo + 10 * tc, { rtol: 1e-6 });
});

Deno.test("factorVaeLoss sends its gradient into z through the logits, and leaks nothing", () => {
  const s = sample();
  const w = tf.tensor2d([[1, -1], [0.5, 0]]);
  // A linear stand-in discriminator ℓ = z·W: TC per sample = z·(W₀ − W₁) = 2·z₀ + 0.5·z₁,
  // so ∂(γ·mean TC)/∂z_i = γ·(2, 0.5)/B (the KL reads the posterior, not z).
  const [gz] = tf.grads((z: tf.Tensor) =>
    factorVaeLoss({ ...s, z: z as tf.Tensor2D }, {
      gamma: 3,
      discriminatorLogits: tf.matMul(z, w) as tf.Tensor2D,
      datasetSize: 100,
    }).loss
  )([s.z]);
  assertClose(
    (gz.arraySync() as number[][]).flat(),
    [2, 0.5, 2, 0.5, 2, 0.5].map((g) => (3 * g) / 3),
    {
      rtol: 1e-6,
    },
  );
  const discriminatorLogits = tf.zeros([3, 2]) as tf.Tensor2D;
  assertNoLeak(
    () => factorVaeLoss(s, { discriminatorLogits, datasetSize: 100, estimator: "mss" }),
    "factorVaeLoss",
  );
  assertThrowsWith(
    () =>
      factorVaeLoss(s, { discriminatorLogits: tf.zeros([2, 2]) as tf.Tensor2D, datasetSize: 100 }),
    TypeError,
    /Cannot compute the FactorVAE loss: options\.discriminatorLogits has shape \[2,2\] but z has 3 rows/,
  );
  assertThrowsWith(
    () => factorVaeLoss(s, { gamma: -1, discriminatorLogits, datasetSize: 100 }),
    RangeError,
    /options\.gamma must be finite and ≥ 0, got -1/,
  );
});
