import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { dci } from "../../metrics/dci.ts";
import {
  completenessFromImportance,
  disentanglementFromImportance,
} from "../../metrics/_dci_from_importance.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { pinSplit } from "./_dci_pin_input.ts";

/** Independent uniform factors with the given sizes, and codes made from them by `code`. */
function split(
  n: number,
  sizes: number[],
  seed: number,
  code: (f: number[], rng: ReturnType<typeof metricRng>) => number[],
) {
  const rng = metricRng(seed);
  const factors = Array.from({ length: n }, () => sizes.map((s) => rng.int(s)));
  return { codes: factors.map((f) => code(f, rng)), factors };
}

Deno.test("DCI from importance: a diagonal matrix gives D = C = 1", () => {
  const r = [[0.7, 0, 0], [0, 0.2, 0], [0, 0, 0.1]];
  assertClose(disentanglementFromImportance(r), 1, { atol: 1e-8 });
  assertClose(completenessFromImportance(r), 1, { atol: 1e-8 });
  // A permutation (code d ↔ factor σ(d)) is just as disentangled.
  const p = [[0, 0.5, 0], [0, 0, 0.5], [0.5, 0, 0]];
  assertClose(disentanglementFromImportance(p), 1, { atol: 1e-8 });
  assertClose(completenessFromImportance(p), 1, { atol: 1e-8 });
});

Deno.test("DCI from importance: two factors per code gives 1 − ln 2 / ln K", () => {
  for (const k of [3, 4, 6]) {
    // Code d is equally important for factors d and d + 1 (mod K): every row
    // has entropy ln 2, every column too (codes d − 1 and d).
    const r = Array.from(
      { length: k },
      (_, d) => Array.from({ length: k }, (_, f) => (f === d || f === (d + 1) % k ? 0.5 : 0)),
    );
    assertClose(disentanglementFromImportance(r), 1 - Math.log(2) / Math.log(k), { atol: 1e-8 });
    assertClose(completenessFromImportance(r), 1 - Math.log(2) / Math.log(k), { atol: 1e-8 });
  }
});

Deno.test("DCI from importance: weights, uniform rows and the all-zero matrix", () => {
  // Row 0 uniform over K = 2 factors (D_0 = 0), row 1 one-hot (D_1 = 1);
  // weights ρ = (2/3, 1/3) from the row sums.
  const r = [[1, 1], [0, 1]];
  assertClose(disentanglementFromImportance(r), 1 / 3, { atol: 1e-8 });
  // Columns: factor 0 one-hot (C = 1, weight 1/3), factor 1 uniform (C = 0, weight 2/3).
  assertClose(completenessFromImportance(r), 1 / 3, { atol: 1e-8 });
  assertClose(disentanglementFromImportance([[0, 0], [0, 0]]), 0, { atol: 1e-8 });
  assertClose(completenessFromImportance([[0, 0], [0, 0]]), 0, { atol: 1e-8 });
  // One factor or one code: nothing to mix, the score is 1.
  assert.equal(disentanglementFromImportance([[0.3], [0.7]]), 1);
  assert.equal(completenessFromImportance([[0.3, 0.7]]), 1);
});

Deno.test("DCI: identity codes of independent factors score D, C ≥ 0.9 and are informative", () => {
  const sizes = [3, 4, 5];
  const code = (f: number[], rng: ReturnType<typeof metricRng>) =>
    f.map((v) => v + 0.05 * rng.normal());
  const r = dci(split(400, sizes, 1, code), split(200, sizes, 2, code));
  assert.ok(r.disentanglement >= 0.9, `D = ${r.disentanglement}`);
  assert.ok(r.completeness >= 0.9, `C = ${r.completeness}`);
  assert.ok(r.informativeness.train > 0.99 && r.informativeness.test > 0.99);
  for (let k = 0; k < 3; k++) {
    assertClose(r.importance.reduce((s, row) => s + row[k], 0), 1, { atol: 1e-12 });
    assert.ok(r.importance[k][k] > 0.9, `importance ${JSON.stringify(r.importance)}`);
  }
  assert.equal(r.seed, 0);
  assert.equal(r.numTrain, 400);
  assert.equal(r.numTest, 200);
  assert.equal(r.nEstimators, 100);
  assert.equal(r.maxDepth, 3);
  assert.equal(r.learningRate, 0.1);
});

Deno.test("DCI: constant and all-zero codes score ≤ 0.2", () => {
  const sizes = [3, 4];
  for (const value of [0, 2.5]) {
    const code = () => [value, value, value];
    const r = dci(split(200, sizes, 3, code), split(100, sizes, 4, code));
    assert.ok(r.disentanglement <= 0.2, `D = ${r.disentanglement}`);
    assert.ok(r.completeness <= 0.2, `C = ${r.completeness}`);
    assert.deepEqual(r.importance, [[0, 0], [0, 0], [0, 0]]);
  }
});

Deno.test("DCI: one code mixing two factors lowers disentanglement", () => {
  // Code 0 = f0 + 4·f1 holds both factors, code 1 is noise.
  const sizes = [4, 4];
  const code = (f: number[], rng: ReturnType<typeof metricRng>) => [f[0] + 4 * f[1], rng.normal()];
  const r = dci(split(400, sizes, 5, code), split(200, sizes, 6, code));
  assert.ok(r.disentanglement < 0.5, `D = ${r.disentanglement}`);
  assert.ok(r.informativeness.test > 0.95);
});

Deno.test("DCI: the same seed gives the same result", () => {
  const sizes = [3, 3];
  const code = (f: number[], rng: ReturnType<typeof metricRng>) => [
    f[0] + rng.normal(),
    f[1] + rng.normal(),
  ];
  const a = dci(split(150, sizes, 7, code), split(80, sizes, 8, code), { seed: 3 });
  const b = dci(split(150, sizes, 7, code), split(80, sizes, 8, code), { seed: 3 });
  assert.deepEqual(a, b);
  assert.equal(a.seed, 3);
});

Deno.test("DCI: bad input is rejected with a message naming the argument", () => {
  const good = { codes: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]], factors: [[0], [1], [0]] };
  assertThrowsWith(
    () => dci({ codes: [[1, 2], [3]], factors: [[0], [1]] }, good),
    TypeError,
    /Cannot compute DCI: train.codes is ragged/,
  );
  assertThrowsWith(
    () => dci(good, { codes: [[1, 2], [3, 4]], factors: [[0], [1], [0]] }),
    RangeError,
    /test.codes has 2 rows but test.factors has 3/,
  );
  assertThrowsWith(
    () => dci({ ...good, codes: [[0, NaN], [1, 1], [2, 2]] }, good),
    RangeError,
    /train.codes\[0\]\[1\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => dci({ ...good, codes: [[0, 1], [1, Infinity], [2, 2]] }, good),
    RangeError,
    /train.codes\[1\]\[1\] must be finite, got Infinity/,
  );
  assertThrowsWith(
    () => dci({ codes: [[1, 2]], factors: [[0]] }, good),
    RangeError,
    /train.codes needs at least 2 rows, got 1/,
  );
  assertThrowsWith(
    () =>
      dci({ ...good, factors: [[0, 2], [1, 2], [0, 2]] }, {
        ...good,
        factors: good.factors.map((f) => [f[0], 2]),
      }),
    RangeError,
    /factor 1 \(train.factors\[·\]\[1\]\) takes the single value 2/,
  );
  assertThrowsWith(
    () => dci(good, { ...good, codes: [[1], [2], [3]] }),
    TypeError,
    /train.codes has 2 columns but test.codes has 1/,
  );
  assertThrowsWith(
    () => dci({ ...good, factors: [[NaN], [1], [0]] }, good),
    RangeError,
    /train.factors\[0\]\[0\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => dci(good, good, { seed: 1.5 }),
    TypeError,
    /options.seed must be an integer/,
  );
});

Deno.test("DCI: a fixed seeded input keeps its exact importance matrix and scores", () => {
  // Pinned from the tree builder before it was tuned for speed: every split
  // (feature, threshold, tie-break) must stay the same, so the numbers match
  // to the last bit. Code 0 holds factor 0, codes 1 and 2 are the same rounded
  // copy of factor 1 (repeated values and exact ties between features), code 3
  // mixes factors 2 and 3, code 4 is noise and code 5 is constant; factor 0
  // has 2 values (one tree per stage), the others 3 to 5.
  const r = dci(pinSplit(500, 11), pinSplit(250, 12), { seed: 4 });
  assert.deepEqual(r.importance, [
    [0.5190281787064038, 0.13925253970332516, 0.10235647723245492, 0.25842532184729466],
    [0.05333966017669149, 0.3202181771275728, 0.020841045075216363, 0.07427141779084305],
    [0.045980270729105155, 0.27116110466836113, 0.018825147182453005, 0.0718602834906604],
    [0.20411895257606266, 0.1401038949916622, 0.7831433725379936, 0.3888525646003889],
    [0.17753293781173676, 0.12926428350907876, 0.07483395797188204, 0.2065904122708129],
    [0, 0, 0, 0],
  ]);
  assert.equal(r.disentanglement, 0.16703587867292072);
  assert.equal(r.completeness, 0.3021215840216456);
  assert.deepEqual(r.informativeness, { train: 0.9325, test: 0.5449999999999999 });
});
