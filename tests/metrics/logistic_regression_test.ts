// The public logistic regression: the same fit as the private one the metrics
// use (rows in, rows out), its defaults, and its argument checks.
import assert from "node:assert/strict";
import { logisticRegression } from "@disentangle/vae/metrics";
import { metricRng } from "../../metrics/_rng.ts";
import { fitLogisticRegression } from "../../metrics/_logistic_regression.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";

function noisyClasses(n: number, d: number, k: number, seed: number) {
  const rng = metricRng(seed);
  const y = Array.from({ length: n }, () => rng.int(k));
  const x = y.map((c) =>
    Array.from({ length: d }, (_, j) => (j === c % d ? 1.5 : 0) + rng.normal())
  );
  return { x, y };
}

Deno.test("logisticRegression fits exactly as the metrics' private fit, for 2 and 3+ classes", () => {
  for (const [k, options] of [[2, {}], [3, { c: 0.1 }], [4, { tol: 1e-9, maxIter: 50 }]] as const) {
    const { x, y } = noisyClasses(60, 3, k, k);
    const flat = Float64Array.from(x.flat());
    const expected = fitLogisticRegression(flat, 3, Int32Array.from(y), k, options);
    const model = logisticRegression(x, y, options);
    assert.equal(model.nClasses, k);
    assert.equal(model.nFeatures, 3);
    assert.deepEqual(model.coef, expected.coef);
    assert.equal(model.iterations, expected.iterations);
    assert.equal(model.converged, expected.converged);
    const proba = model.predictProba(x);
    assert.deepEqual(Float64Array.from(proba.flat()), expected.predictProba(flat));
    assert.equal(proba.length, 60);
    assert.deepEqual(model.predict(x), [...expected.predict(flat)]);
  }
});

Deno.test("logisticRegression: nClasses defaults to the largest label + 1 and can add absent classes", () => {
  const x = [[-2], [-1], [1], [2]];
  assert.equal(logisticRegression(x, [0, 0, 2, 2]).nClasses, 3);
  const model = logisticRegression(x, [0, 0, 1, 1], { nClasses: 5 });
  const [p] = model.predictProba([[0]]);
  assert.equal(p.length, 5);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(p[4] < 1e-6, `an absent class gets almost no probability, got ${p[4]}`);
});

Deno.test("logisticRegression rejects bad inputs and options, naming them", () => {
  const x = [[0], [1], [2]];
  const y = [0, 1, 1];
  assertThrowsWith(() => logisticRegression([[0, 1], [1]], y), TypeError, /x is ragged/);
  assertThrowsWith(() => logisticRegression([[0], [NaN], [1]], y), RangeError, /x\[1\]\[0\]/);
  assertThrowsWith(() => logisticRegression(x, [0, 1]), RangeError, /3 rows but y has 2/);
  assertThrowsWith(() => logisticRegression(x, [0, 0.5, 1]), TypeError, /y\[1\]/);
  assertThrowsWith(() => logisticRegression(x, [0, -1, 1]), RangeError, /y\[1\] must be in 0\.\.1/);
  assertThrowsWith(() => logisticRegression(x, [0, 0, 0]), RangeError, /nClasses must be ≥ 2/);
  assertThrowsWith(
    () => logisticRegression(x, [0, 3, 1], { nClasses: 3 }),
    RangeError,
    /y\[1\] must be in 0\.\.2, got 3/,
  );
  assertThrowsWith(() => logisticRegression(x, y, { nClasses: 2.5 }), TypeError, /nClasses/);
  assertThrowsWith(() => logisticRegression(x, y, { c: 0 }), RangeError, /c must be > 0/);
  assertThrowsWith(() => logisticRegression(x, y, { c: -1 }), RangeError, /\bc must/);
  assertThrowsWith(() => logisticRegression(x, y, { tol: -1 }), RangeError, /tol/);
  assertThrowsWith(() => logisticRegression(x, y, { maxIter: 0 }), RangeError, /maxIter/);
  const model = logisticRegression(x, y);
  assertThrowsWith(() => model.predict([[0, 1]]), TypeError, /2 features per row but the model/);
  assertThrowsWith(() => model.predictProba([[Infinity]]), RangeError, /x\[0\]\[0\]/);
});
