// Factors given as any finite numbers (dSprites' latents_values: scale 0.5,
// 0.6, …, positions k/31) are categories, as scikit-learn's mutual_info_score
// treats them: every metric gives exactly what it gives on the integer indices.
import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { discreteEntropy } from "../../metrics/discrete_entropy.ts";
import { discreteMutualInfo } from "../../metrics/discrete_mutual_info.ts";
import { mutualInfoMatrix } from "../../metrics/mutual_info_matrix.ts";
import { mig } from "../../metrics/mig.ts";
import { mic } from "../../metrics/mic.ts";
import { modularity } from "../../metrics/modularity.ts";
import { irs } from "../../metrics/irs.ts";
import { posteriorMig } from "../../metrics/posterior_mig.ts";
import { sap } from "../../metrics/sap.ts";
import { dci } from "../../metrics/dci.ts";
import { explicitness } from "../../metrics/explicitness.ts";
import { metricRng } from "../../metrics/_rng.ts";

// dSprites' scale values and x positions as float64, the way numpy stores them.
const SCALE = [0.5, 0.6, 0.7, 0.8, 0.9, 1];
const POS = Array.from({ length: 8 }, (_, i) => i / 7);

function sample(n: number, seed: number) {
  const rng = metricRng(seed);
  const index = Array.from({ length: n }, () => [rng.int(6), rng.int(8)]);
  const values = index.map(([a, b]) => [SCALE[a], POS[b]]);
  const codes = index.map(([a, b]) => [
    a + 0.3 * rng.normal(),
    b + 0.3 * rng.normal(),
    rng.normal(),
  ]);
  return { index, values, codes };
}

Deno.test("discreteEntropy / discreteMutualInfo: non-integer labels are categories (hand-worked)", () => {
  // Labels 0.5, 0.6, 0.6, 0.7: p = (1/4, 1/2, 1/4), H = 1.5·log 2.
  assertClose(discreteEntropy([0.5, 0.6, 0.6, 0.7]), 1.5 * Math.log(2), { atol: 1e-15 });
  // 0.1 + 0.2 and 0.3 differ as float64, so they are two categories (numpy's unique agrees).
  assertClose(discreteEntropy([0.1 + 0.2, 0.3]), Math.log(2), { atol: 1e-15 });
  // −0 and 0 are one category.
  assert.equal(discreteEntropy([-0, 0, 0]), 0);
  // a = (0.5, 0.5, 1.5, 1.5) against b = (−2.25, −2.25, 7, 7): I = H = log 2.
  assertClose(discreteMutualInfo([0.5, 0.5, 1.5, 1.5], [-2.25, -2.25, 7, 7]), Math.log(2), {
    atol: 1e-15,
  });
  assert.equal(discreteMutualInfo([0.5, 0.5, 1.5, 1.5], [0.25, 1e-9, 0.25, 1e-9]), 0);
  assertThrowsWith(
    () => discreteMutualInfo([0.5, NaN], [0, 1]),
    RangeError,
    /a\[1\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => discreteEntropy([0.5, -Infinity]),
    RangeError,
    /labels\[1\] must be finite, got -Infinity/,
  );
});

Deno.test("histogram metrics: factor values give the same results as their indices", () => {
  const { index, values, codes } = sample(600, 3);
  assert.deepEqual(mutualInfoMatrix(codes, values), mutualInfoMatrix(codes, index));
  assert.deepEqual(mig(codes, values), mig(codes, index));
  assert.deepEqual(mic(codes, values, { subset: [0] }), mic(codes, index, { subset: [0] }));
  assert.deepEqual(modularity(codes, values), modularity(codes, index));
  assert.deepEqual(irs(codes, values, { bins: null }), irs(codes, index, { bins: null }));
  const logVar = codes.map((r) => r.map(() => -2));
  assert.deepEqual(
    posteriorMig({ mean: codes, logVar }, values, { samples: 200 }),
    posteriorMig({ mean: codes, logVar }, index, { samples: 200 }),
  );
});

Deno.test("classifier metrics: factor values give the same results as their indices", () => {
  const tr = sample(300, 4), te = sample(100, 5);
  const byValue = [{ codes: tr.codes, factors: tr.values }, {
    codes: te.codes,
    factors: te.values,
  }];
  const byIndex = [{ codes: tr.codes, factors: tr.index }, { codes: te.codes, factors: te.index }];
  assert.deepEqual(sap(byValue[0], byValue[1]), sap(byIndex[0], byIndex[1]));
  assert.deepEqual(dci(byValue[0], byValue[1]), dci(byIndex[0], byIndex[1]));
  assert.deepEqual(explicitness(byValue[0], byValue[1]), explicitness(byIndex[0], byIndex[1]));
});

Deno.test("metrics with discrete factors still refuse NaN and ±Infinity with a RangeError", () => {
  const { values, codes } = sample(40, 6);
  const bad = values.map((r, i) => (i === 7 ? [r[0], Infinity] : r));
  assertThrowsWith(
    () => mig(codes, bad),
    RangeError,
    /factors\[7\]\[1\] must be finite, got Infinity/,
  );
  assertThrowsWith(() => modularity(codes, bad), RangeError, /factors\[7\]\[1\] must be finite/);
  const split = { codes, factors: bad };
  assertThrowsWith(() => dci(split, split), RangeError, /train.factors\[7\]\[1\] must be finite/);
  assertThrowsWith(() => sap(split, split), RangeError, /train.factors\[7\]\[1\] must be finite/);
});
