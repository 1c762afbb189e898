import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { downstreamTask } from "../../metrics/downstream_task.ts";
import { dci } from "../../metrics/dci.ts";
import { metricRng } from "../../metrics/_rng.ts";

function split(n: number, seed: number, code: (f: number[], r: () => number) => number[]) {
  const rng = metricRng(seed);
  const factors = Array.from({ length: n }, () => [rng.int(3), rng.int(2)]);
  return { codes: factors.map((f) => code(f, () => rng.normal())), factors };
}

Deno.test("downstreamTask: identity codes are predicted exactly by both predictors", () => {
  const code = (f: number[]) => [f[0], f[1]];
  const r = downstreamTask(split(100, 1, code), split(50, 2, code), { sizes: [20, 100] });
  for (const p of [r.logisticRegression!, r.boostedTrees!]) {
    assert.equal(p.length, 2);
    assert.equal(p[1].meanTestAccuracy, 1);
    assert.equal(p[1].minTrainAccuracy, 1);
    assert.deepEqual(p[1].perFactorTest, [1, 1]);
  }
  assert.deepEqual(r.sizes, [20, 100]);
  assert.equal(r.cs.length, 10);
  assertClose(r.cs[0], 1e-4, { rtol: 1e-12 });
  assertClose(r.cs[9], 1e4, { rtol: 1e-12 });
  assert.equal(r.numTest, 50);
});

Deno.test("downstreamTask: uninformative codes predict the majority; one class predicts itself", () => {
  // Training factor: 0 three times in four; codes constant → every C gives the
  // intercept-only model, which predicts 0; the test split is half 0s: 0.5.
  const train = {
    codes: Array.from({ length: 40 }, () => [0, 0]),
    factors: Array.from({ length: 40 }, (_, i) => [i % 4 === 3 ? 1 : 0]),
  };
  const test = {
    codes: Array.from({ length: 10 }, () => [0, 0]),
    factors: Array.from({ length: 10 }, (_, i) => [i % 2]),
  };
  const r = downstreamTask(train, test, { sizes: [40], predictors: ["logisticRegression"] });
  assert.equal(r.logisticRegression![0].meanTestAccuracy, 0.5);
  assert.equal(r.logisticRegression![0].meanTrainAccuracy, 0.75);
  assert.equal(r.boostedTrees, undefined);
  // The first 3 training rows all have factor 0: predicted 0 everywhere.
  const tiny = downstreamTask(train, test, { sizes: [3] });
  assert.equal(tiny.logisticRegression![0].meanTestAccuracy, 0.5);
  assert.equal(tiny.boostedTrees![0].meanTestAccuracy, 0.5);
  assert.equal(tiny.boostedTrees![0].meanTrainAccuracy, 1);
});

Deno.test("downstreamTask: boosted trees on every row are DCI's classifiers", () => {
  const code = (f: number[], r: () => number) => [f[0] + 0.5 * r(), f[1] + 0.5 * r(), r()];
  const train = split(200, 3, code), test = split(80, 4, code);
  const r = downstreamTask(train, test, { sizes: [200], predictors: ["boostedTrees"], seed: 3 });
  const ref = dci(train, test, { seed: 3 });
  assert.equal(r.boostedTrees![0].meanTrainAccuracy, ref.informativeness.train);
  assert.equal(r.boostedTrees![0].meanTestAccuracy, ref.informativeness.test);
});

Deno.test("downstreamTask: noisy codes gain accuracy with more training rows", () => {
  const code = (f: number[], r: () => number) => [f[0] + 0.7 * r(), f[1] + 0.7 * r()];
  const r = downstreamTask(split(1000, 5, code), split(300, 6, code), {
    sizes: [10, 1000],
    predictors: ["logisticRegression"],
  });
  const [small, large] = r.logisticRegression!;
  assert.ok(large.meanTestAccuracy > small.meanTestAccuracy, JSON.stringify(r));
  assert.ok(large.meanTestAccuracy > 0.7);
});

Deno.test("downstreamTask: bad input names the argument", () => {
  const code = (f: number[]) => [f[0], f[1]];
  const tr = split(30, 1, code), te = split(10, 2, code);
  assertThrowsWith(
    () => downstreamTask(tr, te),
    RangeError,
    /options.sizes\[1\] must be in \[2, 30\], got 100/,
  );
  assertThrowsWith(
    () => downstreamTask(tr, te, { sizes: [2.5] }),
    TypeError,
    /options.sizes\[0\] must be an integer/,
  );
  assertThrowsWith(
    () => downstreamTask(tr, te, { sizes: [] }),
    TypeError,
    /options.sizes must be a non-empty array/,
  );
  assertThrowsWith(
    () => downstreamTask(tr, te, { sizes: [10], predictors: ["svm" as "boostedTrees"] }),
    TypeError,
    /options.predictors holds "svm"/,
  );
  assertThrowsWith(
    () => downstreamTask(tr, te, { sizes: [10], cs: [1, -1] }),
    RangeError,
    /options.cs\[1\]/,
  );
  assertThrowsWith(
    () => downstreamTask(tr, te, { sizes: [10], cs: [0] }),
    RangeError,
    /options.cs\[0\] must be > 0/,
  );
  assertThrowsWith(
    () =>
      downstreamTask({ ...tr, factors: tr.factors.map((f, i) => (i === 4 ? [NaN, 0] : f)) }, te, {
        sizes: [10],
      }),
    RangeError,
    /train.factors\[4\]\[0\] must be finite/,
  );
});

Deno.test("downstreamTask: onProgress counts every fit, one per predictor, size and factor", () => {
  const code = (f: number[]) => [f[0], f[1]];
  const calls: [number, number][] = [];
  downstreamTask(split(60, 3, code), split(30, 4, code), {
    sizes: [20, 60],
    onProgress: (done, total) => calls.push([done, total]),
  });
  // 2 predictors × 2 sizes × 2 factors.
  assert.deepEqual(calls, Array.from({ length: 8 }, (_, i) => [i + 1, 8]));
});
