import assert from "node:assert/strict";
import { unsupervisedScores } from "../../metrics/unsupervised_scores.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { codes, reference } from "./_reference.ts";

Deno.test("unsupervisedScores: matches disentanglement_lib on the reference codes", () => {
  const r = unsupervisedScores(codes);
  for (let j = 0; j < 4; j++) assertClose(r.covariance[j], reference.cov[j], { atol: 1e-14 });
  assertClose(r.gaussianTotalCorrelation, reference.tc, { atol: 1e-13 });
  assertClose(r.gaussianWassersteinCorrelation, reference.w, { atol: 1e-12 });
  assertClose(r.gaussianWassersteinCorrelationNorm, reference.wnorm, { atol: 1e-12 });
  assertClose(r.mutualInfoScore, reference.mis, { atol: 1e-13 });
  assert.equal(r.bins, 20);
  assert.equal(r.samples, 300);
});

Deno.test("unsupervisedScores: a correlated Gaussian pair approaches the closed form", () => {
  const rng = metricRng(21);
  const rho = 0.8;
  const rows = Array.from({ length: 20000 }, () => {
    const a = rng.normal(), b = rng.normal();
    return [a, rho * a + Math.sqrt(1 - rho * rho) * b];
  });
  const r = unsupervisedScores(rows);
  assertClose(r.gaussianTotalCorrelation, -0.5 * Math.log(1 - rho * rho), { atol: 0.02 });
  assertClose(r.gaussianWassersteinCorrelation, 4 - 2 * (Math.sqrt(1.8) + Math.sqrt(0.2)), {
    atol: 0.03,
  });
  assert.ok(r.mutualInfoScore > 0.3);
  // independent columns score ≈ 0 on the Gaussian terms
  const ind = unsupervisedScores(rows.map(([a]) => [a, rng.normal()]));
  assert.ok(ind.gaussianTotalCorrelation < 0.001);
  assert.ok(ind.mutualInfoScore < 0.02);
});

Deno.test("unsupervisedScores: a duplicated or a constant dimension is accepted", () => {
  // Codes (a, a) with a = 0, 1, 2, 3: variance v = 5/3, Σ = v·[[1, 1], [1, 1]],
  // so W = (4 − 2√2)·v, W / tr Σ = 2 − √2, and the Gaussian TC is +∞.
  const dup = unsupervisedScores([0, 1, 2, 3].map((a) => [a, a]));
  const v = 5 / 3;
  assertClose(dup.gaussianWassersteinCorrelation, (4 - 2 * Math.SQRT2) * v, { atol: 1e-13 });
  assertClose(dup.gaussianWassersteinCorrelationNorm, 2 - Math.SQRT2, { atol: 1e-13 });
  assert.equal(dup.gaussianTotalCorrelation, Infinity);
  // (a, 2, b) on the reference codes: the constant column adds 0 to the
  // Wasserstein score, leaves tr Σ unchanged and is left out of the TC.
  const two = unsupervisedScores(codes.map((r) => [r[0], r[1]]));
  const withConst = unsupervisedScores(codes.map((r) => [r[0], 2, r[1]]));
  assertClose(withConst.gaussianWassersteinCorrelation, two.gaussianWassersteinCorrelation, {
    atol: 1e-13,
  });
  assertClose(
    withConst.gaussianWassersteinCorrelationNorm,
    two.gaussianWassersteinCorrelationNorm,
    { atol: 1e-13 },
  );
  assertClose(withConst.gaussianTotalCorrelation, two.gaussianTotalCorrelation, { atol: 1e-13 });
  // A linear combination of two others: W finite, TC infinite.
  const lin = unsupervisedScores(codes.map((r) => [r[0], r[1], r[0] - 2 * r[1]]));
  assert.ok(Number.isFinite(lin.gaussianWassersteinCorrelation));
  assert.ok(lin.gaussianWassersteinCorrelation > 0);
});

Deno.test("unsupervisedScores: all-constant codes and bad input throw a RangeError", () => {
  assertThrowsWith(
    () => unsupervisedScores(codes.map(() => [1, 2])),
    RangeError,
    /every codes column is constant/,
  );
  assertThrowsWith(() => unsupervisedScores(codes.map((r) => [r[0]])), RangeError, /2 columns/);
  assertThrowsWith(() => unsupervisedScores([[1, 2]]), RangeError, /at least 2 rows/);
  assertThrowsWith(() => unsupervisedScores(codes, { bins: 0 }), RangeError, /bins/);
  assertThrowsWith(() => unsupervisedScores([[1, 2], [3, NaN]]), RangeError, /codes\[1\]\[1\]/);
});
