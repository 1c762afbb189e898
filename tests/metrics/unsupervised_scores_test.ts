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

Deno.test("unsupervisedScores: constant or dependent codes throw a RangeError", () => {
  const rows = codes.map((r) => [r[0], 2, r[1]]);
  assertThrowsWith(
    () => unsupervisedScores(rows),
    RangeError,
    /Cannot compute unsupervised scores: codes column 1 is constant/,
  );
  assertThrowsWith(
    () => unsupervisedScores(codes.map((r) => [r[0], r[1], r[0] - 2 * r[1]])),
    RangeError,
    /the covariance of codes is not positive definite/,
  );
  assertThrowsWith(() => unsupervisedScores(codes.map((r) => [r[0]])), RangeError, /2 columns/);
  assertThrowsWith(() => unsupervisedScores([[1, 2]]), RangeError, /at least 2 rows/);
  assertThrowsWith(() => unsupervisedScores(codes, { bins: 0 }), RangeError, /bins/);
  assertThrowsWith(() => unsupervisedScores([[1, 2], [3, NaN]]), RangeError, /codes\[1\]\[1\]/);
});
