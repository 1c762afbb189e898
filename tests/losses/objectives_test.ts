import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import {
  betaTcvaeLoss,
  betaVaeLoss,
  capacityLoss,
  elboTerms,
  gaussianKl,
  type GaussianPosterior,
  linearSchedule,
  vaeLoss,
  weightElboTerms,
} from "../../losses/mod.ts";

function batch(seed: number, b = 10, d = 3) {
  const posterior: GaussianPosterior = {
    mean: tf.randomNormal([b, d], 0, 1, "float32", seed) as tf.Tensor2D,
    logVar: tf.randomUniform([b, d], -2, 0, "float32", seed + 1) as tf.Tensor2D,
  };
  const z = tf.add(
    posterior.mean,
    tf.mul(
      tf.exp(tf.mul(0.5, posterior.logVar)),
      tf.randomNormal([b, d], 0, 1, "float32", seed + 2),
    ),
  ) as tf.Tensor2D;
  const logPxGivenZ = tf.randomUniform([b], -50, -10, "float32", seed + 3) as tf.Tensor1D;
  return { z, posterior, logPxGivenZ };
}

const mean = (t: tf.Tensor) => tf.mean(t).dataSync()[0];

Deno.test("weightElboTerms computes −log p(x|z) + α·MI + β·TC + γ·DWKL by hand", () => {
  const terms = {
    logPxGivenZ: tf.tensor1d([-10, -20]),
    logQzGivenX: tf.tensor1d([0, 0]),
    logPz: tf.tensor1d([0, 0]),
    logQz: tf.tensor1d([0, 0]),
    logProdQz: tf.tensor1d([0, 0]),
    mi: tf.tensor1d([1, 2]),
    tc: tf.tensor1d([3, 4]),
    dwkl: tf.tensor1d([5, -6]),
  };
  const out = weightElboTerms(terms, { alpha: 2, beta: 10, gamma: 0.5 });
  assertClose(out.dataSync(), [10 + 2 + 30 + 2.5, 20 + 4 + 40 - 3], { rtol: 1e-6 });
  const scheduled = weightElboTerms(terms, {
    beta: linearSchedule({ to: 10, steps: 10 }),
    step: 5,
  });
  assertClose(scheduled.dataSync(), [10 + 1 + 15 + 5, 20 + 2 + 20 - 6], { rtol: 1e-6 });
});

Deno.test("α = β = γ = 1 is the negative ELBO: −log p(x|z) + log q(z|x) − log p(z), any estimator", () => {
  const s = batch(1);
  for (const estimator of ["mws", "mss"] as const) {
    const t = elboTerms(s, { estimator, datasetSize: 1000 });
    const objective = weightElboTerms(t);
    const expected = tf.sub(tf.sub(t.logQzGivenX, t.logPz), s.logPxGivenZ);
    assertClose(objective.dataSync(), expected.dataSync(), { atol: 1e-3, rtol: 1e-5 });
  }
});

Deno.test("betaVaeLoss: closed form is mean(−log p(x|z) + β·KL); sampled form equals weighting all terms by β", () => {
  const s = batch(2);
  const beta = 4;
  const closed = betaVaeLoss(s, { beta, datasetSize: 1000 });
  const expected = mean(tf.add(tf.neg(s.logPxGivenZ), tf.mul(beta, gaussianKl(s.posterior))));
  assertClose(closed.loss.dataSync()[0], expected, { rtol: 1e-5 });
  const sampled = betaVaeLoss(s, { beta, kl: "sampled", datasetSize: 1000 });
  const t = sampled.terms;
  const expectedSampled = mean(
    tf.sub(tf.mul(beta, tf.sub(t.logQzGivenX, t.logPz)), s.logPxGivenZ),
  );
  assertClose(sampled.loss.dataSync()[0], expectedSampled, { rtol: 1e-4 });
  // vaeLoss is β = 1.
  assertClose(
    vaeLoss(s, { datasetSize: 1000 }).loss.dataSync()[0],
    betaVaeLoss(s, { beta: 1, datasetSize: 1000 }).loss.dataSync()[0],
    { rtol: 1e-6 },
  );
  assertClose(closed.kl.dataSync(), gaussianKl(s.posterior).dataSync(), { rtol: 1e-6 });
});

Deno.test("betaTcvaeLoss weights only TC by β (α = γ = 1), so its excess over the VAE is (β − 1)·TC", () => {
  const s = batch(3);
  const options = { estimator: "mss" as const, datasetSize: 500 };
  const tcvae = betaTcvaeLoss(s, { ...options, beta: 6 });
  const vae = betaTcvaeLoss(s, { ...options, beta: 1 });
  const tc = mean(tcvae.terms.tc);
  assertClose(tcvae.loss.dataSync()[0] - vae.loss.dataSync()[0], 5 * tc, {
    atol: 1e-3,
    rtol: 1e-4,
  });
  // With β = 1 it is the sampled negative ELBO.
  assertClose(
    vae.loss.dataSync()[0],
    vaeLoss(s, { ...options, kl: "sampled" }).loss.dataSync()[0],
    { rtol: 1e-5 },
  );
});

Deno.test("capacityLoss is mean(−log p(x|z)) + γ·|mean KL − C(step)| with the paper's default schedule", () => {
  const s = batch(4);
  const kl = mean(gaussianKl(s.posterior));
  const rec = -mean(s.logPxGivenZ);
  const fixed = capacityLoss(s, { gamma: 100, capacity: 2, datasetSize: 100 });
  assertClose(fixed.loss.dataSync()[0], rec + 100 * Math.abs(kl - 2), { rtol: 1e-5 });
  // Default: γ = 1000, C from 0 to 25 nats over 100 000 steps.
  const early = capacityLoss(s, { datasetSize: 100, step: 0 });
  assertClose(early.loss.dataSync()[0], rec + 1000 * kl, { rtol: 1e-5 });
  const mid = capacityLoss(s, { datasetSize: 100, step: 50_000 });
  assertClose(mid.loss.dataSync()[0], rec + 1000 * Math.abs(kl - 12.5), { rtol: 1e-5 });
});

Deno.test("presets reject non-finite hyper-parameters and schedules naming the option and step", () => {
  const s = batch(5);
  assertThrowsWith(
    () => betaTcvaeLoss(s, { beta: NaN, datasetSize: 100 }),
    RangeError,
    /Cannot compute the β-TCVAE loss: options\.beta must be finite, got NaN/,
  );
  assertThrowsWith(
    () => betaVaeLoss(s, { beta: () => Infinity, datasetSize: 100, step: 7 }),
    RangeError,
    /the schedule for options\.beta gave Infinity at step 7/,
  );
  assertThrowsWith(
    () => betaVaeLoss(s, { beta: -1, datasetSize: 100 }),
    RangeError,
    /options\.beta must be finite and ≥ 0, got -1/,
  );
  assertThrowsWith(
    () => capacityLoss(s, { gamma: "10" as unknown as number, datasetSize: 100 }),
    TypeError,
    /options\.gamma must be a number, got string 10/,
  );
  assertThrowsWith(
    () => weightElboTerms(elboTerms(s, { datasetSize: 100 }), { step: -1 }),
    RangeError,
    /options\.step must be finite and ≥ 0, got -1/,
  );
  assertThrowsWith(
    () => betaVaeLoss(s, { kl: "exact" as "sampled", datasetSize: 100 }),
    RangeError,
    /options\.kl must be "closed-form" or "sampled", got exact/,
  );
  assertThrowsWith(
    () => betaTcvaeLoss(s, { datasetSize: 5 }),
    RangeError,
    /options\.datasetSize \(5\) is smaller than the batch size \(10\)/,
  );
});

Deno.test("objectives leak no tensors", () => {
  const s = batch(6);
  const terms = elboTerms(s, { datasetSize: 100 });
  assertNoLeak(() => weightElboTerms(terms, { beta: 3 }), "weightElboTerms");
  assertNoLeak(() => vaeLoss(s, { datasetSize: 100 }), "vaeLoss");
  assertNoLeak(() => betaVaeLoss(s, { datasetSize: 100, kl: "sampled" }), "betaVaeLoss");
  assertNoLeak(() => betaTcvaeLoss(s, { datasetSize: 100, estimator: "mss" }), "betaTcvaeLoss");
  assertNoLeak(() => capacityLoss(s, { datasetSize: 100 }), "capacityLoss");
});
