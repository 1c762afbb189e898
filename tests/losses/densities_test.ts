import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import assert from "node:assert/strict";
import {
  bernoulliLogDensity,
  diagonalGaussianLogDensity,
  fixedVarianceGaussianLogDensity,
  gaussianKl,
  gaussianKlPerDimension,
  laplaceLogDensity,
  logPxGivenZ,
  standardNormalLogDensity,
} from "../../losses/mod.ts";

const LOG_2PI = Math.log(2 * Math.PI);
const t = (v: number[]) => tf.tensor1d(v);

Deno.test("diagonalGaussianLogDensity matches hand-worked values", () => {
  // x = 2, μ = 1, σ² = 4: −½(log 2π + log 4 + 1/4); x = −1, μ = 0, σ² = e^−2: −½(log 2π − 2 + e²).
  const out = diagonalGaussianLogDensity(t([2, -1]), {
    mean: t([1, 0]),
    logVar: t([Math.log(4), -2]),
  });
  assertClose(out.dataSync(), [
    -0.5 * (LOG_2PI + Math.log(4) + 0.25),
    -0.5 * (LOG_2PI - 2 + Math.exp(2)),
  ], { rtol: 1e-5 });
  assertClose(out.shape, [2]);
});

Deno.test("standardNormalLogDensity is the diagonal Gaussian with μ = 0, log σ² = 0", () => {
  const x = tf.tensor2d([[0, 2], [-1.5, 0.25]]);
  assertClose(standardNormalLogDensity(x).dataSync(), [
    -0.5 * LOG_2PI,
    -0.5 * (LOG_2PI + 4),
    -0.5 * (LOG_2PI + 2.25),
    -0.5 * (LOG_2PI + 0.0625),
  ], { rtol: 1e-6 });
  const general = diagonalGaussianLogDensity(x, { mean: tf.zerosLike(x), logVar: tf.zerosLike(x) });
  assertClose(standardNormalLogDensity(x).dataSync(), general.dataSync(), { atol: 1e-6 });
});

Deno.test("bernoulliLogDensity: hand values, fractional targets, and stability at large logits", () => {
  const sig = (l: number) => 1 / (1 + Math.exp(-l));
  const out = bernoulliLogDensity(t([1, 0, 0.3, 1, 0, 1]), t([2, 2, -1, 100, 100, -100]));
  assertClose(out.dataSync(), [
    Math.log(sig(2)),
    Math.log(1 - sig(2)),
    0.3 * Math.log(sig(-1)) + 0.7 * Math.log(1 - sig(-1)),
    0, // log σ(100) ≈ −e^−100
    -100, // log(1 − σ(100)) ≈ −100
    -100,
  ], { atol: 1e-5, rtol: 1e-6 });
  for (const v of out.dataSync()) if (!Number.isFinite(v)) throw new Error(`not finite: ${v}`);
});

Deno.test("fixedVarianceGaussianLogDensity with σ² = ½ is −(x − μ)² − ½·log π", () => {
  const out = fixedVarianceGaussianLogDensity(t([0.5, 2]), t([0, 0]), { variance: 0.5 });
  assertClose(out.dataSync(), [-0.25 - 0.5 * Math.log(Math.PI), -4 - 0.5 * Math.log(Math.PI)], {
    rtol: 1e-6,
  });
});

Deno.test("laplaceLogDensity matches −|x − μ|/b − log 2b", () => {
  const out = laplaceLogDensity(t([0, -3]), t([1, 1]), { scale: 0.5 });
  assertClose(out.dataSync(), [-2 - Math.log(1), -8 - Math.log(1)], { atol: 1e-6 });
  assertClose(laplaceLogDensity(t([1]), t([1])).dataSync(), [-Math.log(2)], { atol: 1e-7 });
});

Deno.test("logPxGivenZ sums each sample over every non-batch axis", () => {
  const x = tf.tensor4d([1, 0, 1, 1, 0, 0, 1, 0], [2, 2, 2, 1]);
  const logits = tf.tensor4d([1, -1, 2, 0, 0, 3, -2, 1], [2, 2, 2, 1]);
  const elementwise = bernoulliLogDensity(x, logits).dataSync();
  const out = logPxGivenZ(x, logits);
  assertClose(out.shape, [2]);
  const e = Array.from(elementwise);
  assertClose(out.dataSync(), [
    e.slice(0, 4).reduce((a, b) => a + b),
    e.slice(4).reduce((a, b) => a + b),
  ], { rtol: 1e-6 });
  const gauss = logPxGivenZ(x, logits, { likelihood: "gaussian", variance: 2 });
  const ref = fixedVarianceGaussianLogDensity(x, logits, { variance: 2 }).dataSync();
  assertClose(gauss.dataSync(), [
    Array.from(ref.slice(0, 4)).reduce((a, b) => a + b),
    Array.from(ref.slice(4)).reduce((a, b) => a + b),
  ], { rtol: 1e-6 });
  const lap = logPxGivenZ(x, logits, { likelihood: "laplace", scale: 3 });
  const refL = laplaceLogDensity(x, logits, { scale: 3 }).dataSync();
  assertClose(lap.dataSync()[1], Array.from(refL.slice(4)).reduce((a, b) => a + b), { rtol: 1e-6 });
});

Deno.test("gaussianKl: hand values, zero at the prior, and analytic gradients", () => {
  const posterior = {
    mean: tf.tensor2d([[1, 0], [0, 0]]),
    logVar: tf.tensor2d([[Math.log(2), 0], [0, -1]]),
  };
  assertClose(gaussianKlPerDimension(posterior).dataSync(), [
    0.5 * (1 + 2 - 1 - Math.log(2)),
    0,
    0,
    0.5 * (Math.exp(-1) - 1 + 1),
  ], { atol: 1e-6 });
  assertClose(gaussianKl(posterior).dataSync(), [0.5 * (2 - Math.log(2)), 0.5 * Math.exp(-1)], {
    atol: 1e-6,
  });
  // d/dμ = μ, d/dlog σ² = ½(σ² − 1).
  const [dMean, dLogVar] = tf.grads((m: tf.Tensor, lv: tf.Tensor) =>
    tf.sum(gaussianKl({ mean: m as tf.Tensor2D, logVar: lv as tf.Tensor2D }))
  )([posterior.mean, posterior.logVar]);
  assertClose(dMean.dataSync(), [1, 0, 0, 0], { atol: 1e-6 });
  assertClose(dLogVar.dataSync(), [0.5, 0, 0, 0.5 * (Math.exp(-1) - 1)], { atol: 1e-6 });
});

Deno.test("gaussianKl equals the Monte Carlo mean of log q(z|x) − log p(z)", () => {
  const n = 200_000;
  const mean = 0.7, logVar = Math.log(0.3);
  const z = tf.add(mean, tf.mul(Math.sqrt(0.3), tf.randomNormal([n], 0, 1, "float32", 11)));
  const logQ = diagonalGaussianLogDensity(z, {
    mean: tf.fill([n], mean),
    logVar: tf.fill([n], logVar),
  });
  const mc = tf.mean(tf.sub(logQ, standardNormalLogDensity(z))).dataSync()[0];
  const exact = gaussianKl({ mean: tf.tensor2d([[mean]]), logVar: tf.tensor2d([[logVar]]) })
    .dataSync()[0];
  // Standard error of the estimate is about 0.002 here.
  assertClose(mc, exact, { atol: 0.01 });
});

Deno.test("densities reject mismatched shapes, non-tensors and bad parameters", () => {
  assertThrowsWith(
    () => diagonalGaussianLogDensity(t([1, 2]), { mean: t([1]), logVar: t([0, 0]) }),
    TypeError,
    /Cannot compute a diagonal Gaussian log-density: parameters\.mean has shape \[1\] but x has shape \[2\]/,
  );
  assertThrowsWith(
    () => bernoulliLogDensity([1, 0] as unknown as tf.Tensor, t([0, 0])),
    TypeError,
    /x must be a tensor, got an array of length 2/,
  );
  assertThrowsWith(
    () => fixedVarianceGaussianLogDensity(t([1]), t([1]), { variance: 0 }),
    RangeError,
    /options\.variance must be > 0, got 0/,
  );
  assertThrowsWith(
    () => laplaceLogDensity(t([1]), t([1]), { scale: NaN }),
    RangeError,
    /options\.scale must be finite, got NaN/,
  );
  assertThrowsWith(
    () => logPxGivenZ(t([1]), t([1]), { likelihood: "poisson" as "bernoulli" }),
    RangeError,
    /options\.likelihood must be one of bernoulli, gaussian, laplace, got poisson/,
  );
  assertThrowsWith(
    () => gaussianKl({ mean: tf.zeros([2, 3]), logVar: tf.zeros([2, 2]) } as never),
    TypeError,
    /posterior\.mean has shape \[2,3\] but posterior\.logVar has shape \[2,2\]/,
  );
  assertThrowsWith(
    () => standardNormalLogDensity(tf.tensor1d([1], "int32")),
    TypeError,
    /x must be float32, got int32/,
  );
});

Deno.test("density and KL functions leak no tensors", () => {
  const x = tf.randomUniform([4, 3]);
  const m = tf.randomNormal([4, 3]);
  const posterior = { mean: m as tf.Tensor2D, logVar: tf.zeros([4, 3]) as tf.Tensor2D };
  assertNoLeak(() => diagonalGaussianLogDensity(x, posterior), "diagonalGaussianLogDensity");
  assertNoLeak(() => standardNormalLogDensity(x), "standardNormalLogDensity");
  assertNoLeak(() => bernoulliLogDensity(x, m), "bernoulliLogDensity");
  assertNoLeak(() => fixedVarianceGaussianLogDensity(x, m), "fixedVarianceGaussianLogDensity");
  assertNoLeak(() => laplaceLogDensity(x, m), "laplaceLogDensity");
  assertNoLeak(() => logPxGivenZ(x, m), "logPxGivenZ");
  assertNoLeak(() => gaussianKl(posterior), "gaussianKl");
  assertNoLeak(() => gaussianKlPerDimension(posterior), "gaussianKlPerDimension");
});

Deno.test("bernoulliLogDensity: the gradient is dy·(x − σ(ℓ)) and never subnormal", () => {
  const FLT_MIN = 2 ** -126;
  const sig = (l: number) => 1 / (1 + Math.exp(-l));
  const logitsList: number[] = [], xs: number[] = [];
  for (let l = -200; l <= 200; l += 2.5) {
    for (const x of [0, 0.3, 1]) {
      logitsList.push(l);
      xs.push(x);
    }
  }
  const x = t(xs), logits = t(logitsList);
  const weights = t(xs.map((_, i) => 1 + (i % 3))); // dy differs per element
  const [gx, gl] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(bernoulliLogDensity(a, b), weights))
  )([x, logits]);
  const value = bernoulliLogDensity(x, logits).dataSync();
  const gls = gl.dataSync(), gxs = gx.dataSync();
  logitsList.forEach((l, i) => {
    const w = 1 + (i % 3);
    // Exact to float32 rounding of the double-precision formula, with the
    // negligible tail (ℓ < −40: σ(ℓ) < 4.3·10⁻¹⁸) taken as 0.
    const s = l < -40 ? 0 : sig(l);
    const expected = w * (Math.fround(xs[i]) - s);
    assert.ok(Math.abs(gls[i] - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `dℓ at ${l}`);
    assert.ok(Math.abs(gxs[i] - w * l) <= 1e-6 * Math.abs(w * l), `dx at ${l}`);
    const softplus = Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
    const v = Math.fround(xs[i]) * l - softplus;
    // float32 rounding of the two terms, each of magnitude up to |ℓ|
    const tol = 2 * 2 ** -24 * Math.max(1, Math.abs(l));
    assert.ok(Math.abs(value[i] - v) <= tol, `value at ${l}, x ${xs[i]}: ${value[i]} vs ${v}`);
    for (const [name, g] of [["value", value[i]], ["dℓ", gls[i]], ["dx", gxs[i]]] as const) {
      assert.ok(
        g === 0 || Math.abs(g) >= FLT_MIN,
        `${name} at ℓ = ${l}, x = ${xs[i]} is subnormal: ${g}`,
      );
    }
  });
  // A saturated background pixel (x = 0, ℓ = −100) gets exactly no gradient.
  const i0 = logitsList.findIndex((l, i) => l === -100 && xs[i] === 0);
  assert.equal(gls[i0], 0);
  // The automatic gradient of the plain formula does produce subnormals there.
  const plain = tf.grad((b: tf.Tensor) =>
    tf.sum(tf.sub(tf.mul(x, b), tf.add(tf.relu(b), tf.log1p(tf.exp(tf.neg(tf.abs(b)))))))
  )(logits).dataSync();
  assert.ok(plain.some((g) => g !== 0 && Math.abs(g) < FLT_MIN), "the plain gradient is subnormal");
  assertNoLeak(() => bernoulliLogDensity(x, logits), "bernoulliLogDensity");
});
