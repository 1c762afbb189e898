// DIP-VAE (Kumar et al. 2018): the regulariser λ_od·Σ_{i≠j} C_ij² + λ_d·Σ_i (C_ii − 1)²
// against hand-worked covariances, exactly 0 when C = I, and the two losses
// as the negative ELBO plus that regulariser.
import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import {
  dipVaeIiLoss,
  dipVaeILoss,
  dipVaeRegularizer,
  gaussianKl,
  type GaussianPosterior,
  linearSchedule,
} from "../../losses/mod.ts";

const value = (t: tf.Tensor) => t.dataSync()[0];

// μ = (1, 0), (0, 2), (2, 1): mean (1, 1), centred rows (0, −1), (−1, 1), (1, 0), so
// Cov[μ] = (1/3)·[[2, −1], [−1, 2]] (divisor B = 3).
const MEANS = [[1, 0], [0, 2], [2, 1]];

Deno.test("DIP-VAE-I's regulariser on a hand-worked covariance", () => {
  const posterior = { mean: tf.tensor2d(MEANS), logVar: tf.zeros([3, 2]) as tf.Tensor2D };
  // Off-diagonal: 2·(1/3)² = 2/9; diagonal: 2·(2/3 − 1)² = 2/9.
  assertClose(value(dipVaeRegularizer(posterior, { lambdaOd: 1, lambdaD: 10 })), 2 / 9 + 20 / 9, {
    rtol: 1e-6,
  });
  // Only the off-diagonal part, and only the diagonal part.
  assertClose(value(dipVaeRegularizer(posterior, { lambdaOd: 1, lambdaD: 0 })), 2 / 9, {
    rtol: 1e-6,
  });
  assertClose(value(dipVaeRegularizer(posterior, { lambdaOd: 0, lambdaD: 1 })), 2 / 9, {
    rtol: 1e-6,
  });
  // The default λ_d of DIP-VAE-I is 10·λ_od: 3·2/9 + 30·2/9.
  assertClose(value(dipVaeRegularizer(posterior, { lambdaOd: 3 })), 66 / 9, { rtol: 1e-6 });
  // σ² plays no part in DIP-VAE-I.
  const wide = { mean: posterior.mean, logVar: tf.fill([3, 2], 2) as tf.Tensor2D };
  assertClose(value(dipVaeRegularizer(wide, { lambdaOd: 3 })), 66 / 9, { rtol: 1e-6 });
});

Deno.test("DIP-VAE-II's regulariser adds E[diag σ²] to the covariance of the means", () => {
  // σ² of dimension 0: 1, 2, 3 (mean 2); of dimension 1: 0.5 throughout.
  const variances = [[1, 0.5], [2, 0.5], [3, 0.5]];
  const posterior = {
    mean: tf.tensor2d(MEANS),
    logVar: tf.tensor2d(variances.map((r) => r.map(Math.log))),
  };
  // C = [[2/3 + 2, −1/3], [−1/3, 2/3 + 0.5]]: off-diagonal 2/9 = 8/36, diagonal
  // (5/3)² + (1/6)² = 101/36.
  assertClose(
    value(dipVaeRegularizer(posterior, { variant: "ii", lambdaOd: 2, lambdaD: 3 })),
    (2 * 8 + 3 * 101) / 36,
    { rtol: 1e-5 },
  );
  // The default λ_d of DIP-VAE-II is λ_od.
  assertClose(
    value(dipVaeRegularizer(posterior, { variant: "ii", lambdaOd: 2 })),
    (2 * 8 + 2 * 101) / 36,
    { rtol: 1e-5 },
  );
});

Deno.test("the regulariser matches a direct sum over a random batch", () => {
  const b = 7, d = 4;
  const mean = tf.randomNormal([b, d], 0, 1.5, "float32", 11) as tf.Tensor2D;
  const logVar = tf.randomUniform([b, d], -2, 1, "float32", 12) as tf.Tensor2D;
  const m = mean.arraySync(), lv = logVar.arraySync();
  const mu = Array.from({ length: d }, (_, j) => m.reduce((s, r) => s + r[j], 0) / b);
  for (const variant of ["i", "ii"] as const) {
    let expected = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let c = m.reduce((s, r) => s + (r[i] - mu[i]) * (r[j] - mu[j]), 0) / b;
        if (variant === "ii" && i === j) c += lv.reduce((s, r) => s + Math.exp(r[i]), 0) / b;
        expected += i === j ? 5 * (c - 1) ** 2 : 0.7 * c ** 2;
      }
    }
    const got = value(dipVaeRegularizer({ mean, logVar }, { variant, lambdaOd: 0.7, lambdaD: 5 }));
    assertClose(got, expected, { rtol: 1e-5 });
  }
});

Deno.test("the regulariser is exactly 0 when C = I, and positive otherwise", () => {
  // DIP-VAE-I: means ±1 in every combination, so Cov[μ] = I.
  const signs = tf.tensor2d([[1, 1], [1, -1], [-1, 1], [-1, -1]]);
  const unit = { mean: signs, logVar: tf.zeros([4, 2]) as tf.Tensor2D };
  if (value(dipVaeRegularizer(unit, { variant: "i", lambdaOd: 50 })) !== 0) {
    throw new Error("DIP-VAE-I is not 0 at Cov[μ] = I");
  }
  // DIP-VAE-II: equal means (Cov[μ] = 0) and σ² = 1, so C = I.
  const still = {
    mean: tf.fill([5, 3], 0.3) as tf.Tensor2D,
    logVar: tf.zeros([5, 3]) as tf.Tensor2D,
  };
  if (value(dipVaeRegularizer(still, { variant: "ii", lambdaOd: 50 })) !== 0) {
    throw new Error("DIP-VAE-II is not 0 at C = I");
  }
  // A little correlation, or a variance off 1, is penalised.
  const skewed = { mean: tf.tensor2d([[1, 1], [1, -1], [-1, 1], [-1, -0.9]]), logVar: unit.logVar };
  if (!(value(dipVaeRegularizer(skewed, { lambdaOd: 1, lambdaD: 0 })) > 0)) {
    throw new Error("an off-diagonal entry is not penalised");
  }
  const narrow = { mean: still.mean, logVar: tf.fill([5, 3], -0.1) as tf.Tensor2D };
  if (!(value(dipVaeRegularizer(narrow, { variant: "ii", lambdaOd: 0, lambdaD: 1 })) > 0)) {
    throw new Error("a variance below 1 is not penalised");
  }
});

function sample(
  seed: number,
): { z: tf.Tensor2D; posterior: GaussianPosterior; logPxGivenZ: tf.Tensor1D } {
  const posterior = {
    mean: tf.randomNormal([6, 3], 0, 1, "float32", seed) as tf.Tensor2D,
    logVar: tf.randomUniform([6, 3], -1, 0.5, "float32", seed + 1) as tf.Tensor2D,
  };
  return {
    z: posterior.mean,
    posterior,
    logPxGivenZ: tf.randomUniform([6], -40, -10, "float32", seed + 2) as tf.Tensor1D,
  };
}

Deno.test("DIP-VAE-I and -II losses are the negative ELBO plus their regulariser", () => {
  const s = sample(3);
  const negElbo = value(tf.mean(tf.sub(gaussianKl(s.posterior), s.logPxGivenZ)));
  const cases = [
    [dipVaeILoss, "i", 10 * 2] as const,
    [dipVaeIiLoss, "ii", 2] as const,
  ];
  for (const [loss, variant, lambdaD] of cases) {
    const reg = value(dipVaeRegularizer(s.posterior, { variant, lambdaOd: 2, lambdaD }));
    const got = loss(s, { lambdaOd: 2, datasetSize: 100 });
    assertClose(value(got.loss), negElbo + reg, { rtol: 1e-5 });
    assertClose(got.kl.dataSync(), gaussianKl(s.posterior).dataSync(), { rtol: 1e-6 });
    // λ_od as a schedule: half of 2 at step 5; λ_d follows it.
    const half = value(
      dipVaeRegularizer(s.posterior, { variant, lambdaOd: 1, lambdaD: lambdaD / 2 }),
    );
    const scheduled = loss(s, {
      lambdaOd: linearSchedule({ to: 2, steps: 10 }),
      step: 5,
      datasetSize: 100,
    });
    assertClose(value(scheduled.loss), negElbo + half, { rtol: 1e-5 });
  }
  // Defaults: λ_od = 10.
  const reg = value(dipVaeRegularizer(s.posterior, { variant: "i", lambdaOd: 10 }));
  assertClose(value(dipVaeILoss(s, { datasetSize: 100 }).loss), negElbo + reg, { rtol: 1e-5 });
});

Deno.test("DIP-VAE functions leak no tensors and name bad arguments", () => {
  const s = sample(5);
  assertNoLeak(() => dipVaeRegularizer(s.posterior, { variant: "ii" }), "dipVaeRegularizer");
  assertNoLeak(() => dipVaeILoss(s, { datasetSize: 100 }), "dipVaeILoss");
  assertNoLeak(() => dipVaeIiLoss(s, { datasetSize: 100, estimator: "mss" }), "dipVaeIiLoss");
  // Its gradient reaches the means and log-variances.
  const grads = tf.grads((m: tf.Tensor, v: tf.Tensor) =>
    dipVaeRegularizer({ mean: m as tf.Tensor2D, logVar: v as tf.Tensor2D }, { variant: "ii" })
  )([s.posterior.mean, s.posterior.logVar]);
  if (grads.some((g) => !(tf.max(tf.abs(g)).dataSync()[0] > 0))) throw new Error("no gradient");
  assertThrowsWith(
    () => dipVaeRegularizer(s.posterior, { variant: "iii" as "i" }),
    RangeError,
    /Cannot compute the DIP-VAE regulariser: options\.variant must be "i" or "ii", got iii/,
  );
  assertThrowsWith(
    () => dipVaeRegularizer(s.posterior, { lambdaOd: -1 }),
    RangeError,
    /options\.lambdaOd must be finite and ≥ 0, got -1/,
  );
  assertThrowsWith(
    () => dipVaeIiLoss(s, { lambdaD: -2, datasetSize: 100 }),
    RangeError,
    /Cannot compute the DIP-VAE-II loss: options\.lambdaD must be finite and ≥ 0, got -2/,
  );
  assertThrowsWith(
    () => dipVaeRegularizer({ mean: tf.zeros([2, 2]), logVar: tf.zeros([2, 3]) } as never),
    TypeError,
    /posterior\.mean has shape \[2,2\] but posterior\.logVar has shape \[2,3\]/,
  );
});
