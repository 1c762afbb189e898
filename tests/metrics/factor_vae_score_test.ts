import assert from "node:assert/strict";
import { assertRejectsWith } from "../_helpers/assert.ts";
import { factorVaeScore } from "../../metrics/factor_vae_score.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import { identity, toyData } from "./_toy_data.ts";

const SMALL = { numTrain: 200, numEval: 100, batchSize: 16, numVarianceEstimate: 500 };
const R = Math.SQRT1_2;

Deno.test("FactorVAE score: the identity representation of independent factors scores ≥ 0.9", async () => {
  const r = await factorVaeScore(toyData([4, 4, 4, 4]), identity, SMALL);
  assert.ok(r.evalAccuracy >= 0.9, `eval accuracy ${r.evalAccuracy}`);
  assert.ok(r.trainAccuracy >= 0.9, `train accuracy ${r.trainAccuracy}`);
  assert.equal(r.numActiveDims, 4);
  assert.deepEqual(r.activeDims, [0, 1, 2, 3]);
  assert.deepEqual(
    {
      batchSize: r.batchSize,
      numTrain: r.numTrain,
      numEval: r.numEval,
      numVarianceEstimate: r.numVarianceEstimate,
      pruneThreshold: r.pruneThreshold,
      seed: r.seed,
    },
    { ...SMALL, pruneThreshold: 0.05, seed: 0 },
  );
});

Deno.test("FactorVAE score: constant and all-zero codes have no active dimension and score 0", async () => {
  for (const value of [0, 3]) {
    const constant = (o: Observations) => Array.from({ length: o.shape[0] }, () => [value, value]);
    const r = await factorVaeScore(toyData([4, 4, 4]), constant, SMALL);
    assert.equal(r.evalAccuracy, 0);
    assert.equal(r.trainAccuracy, 0);
    assert.equal(r.numActiveDims, 0);
  }
});

Deno.test("FactorVAE score: collapsed dimensions (std < 0.05) are pruned", async () => {
  // Codes: factor 0, a constant, factor 1, factor 2 shrunk to std ≈ 0.01.
  const represent = (o: Observations) => identity(o).map((z) => [z[0], 0.5, z[1], 0.03 * z[2]]);
  const r = await factorVaeScore(toyData([4, 4, 4]), represent, SMALL);
  assert.deepEqual(r.activeDims, [0, 2]);
  assert.equal(r.numActiveDims, 2);
  // Factor 2 has no active dimension left: its points vote for another
  // dimension's factor, so about a third of the points are lost.
  assert.ok(r.evalAccuracy > 0.5 && r.evalAccuracy < 0.8, `eval accuracy ${r.evalAccuracy}`);
  // A lower threshold keeps the shrunk dimension.
  const all = await factorVaeScore(toyData([4, 4, 4]), represent, {
    ...SMALL,
    pruneThreshold: 0.001,
  });
  assert.deepEqual(all.activeDims, [0, 2, 3]);
  assert.ok(all.evalAccuracy >= 0.9);
});

Deno.test("FactorVAE score: rotating two factors into each other lowers the score", async () => {
  const sizes = [5, 5, 5];
  const rotation = [[R, R, 0], [-R, R, 0], [0, 0, 1]];
  const clean = await factorVaeScore(toyData(sizes), identity, SMALL);
  const mixed = await factorVaeScore(toyData(sizes, rotation), identity, SMALL);
  assert.ok(
    mixed.evalAccuracy < clean.evalAccuracy - 0.15,
    `${mixed.evalAccuracy} vs ${clean.evalAccuracy}`,
  );
});

Deno.test("FactorVAE score: encodes in chunks, awaits async representations, repeats for a seed", async () => {
  const calls: number[] = [];
  const asyncIdentity = async (o: Observations) => {
    calls.push(o.shape[0]);
    await Promise.resolve();
    return identity(o);
  };
  const options = {
    numTrain: 30,
    numEval: 20,
    batchSize: 8,
    numVarianceEstimate: 100,
    chunkSize: 20,
    seed: 4,
  };
  const a = await factorVaeScore(toyData([3, 3, 3]), asyncIdentity, options);
  assert.ok(Math.max(...calls) <= 20);
  assert.equal(calls.reduce((s, c) => s + c, 0), 100 + (30 + 20) * 8);
  const b = await factorVaeScore(toyData([3, 3, 3]), identity, options);
  assert.deepEqual(a, b);
});

Deno.test("FactorVAE score: bad input is rejected with a message naming the argument", async () => {
  const data = toyData([3, 3]);
  const small = { numTrain: 10, numEval: 5, batchSize: 4, numVarianceEstimate: 20 };
  await assertRejectsWith(
    () => factorVaeScore(data, (o) => identity(o).slice(0, 3), small),
    TypeError,
    /Cannot compute the FactorVAE score: represent\(observations\) returned 3 rows for 20 observations; expected 20/,
  );
  await assertRejectsWith(
    () => factorVaeScore(data, (o) => identity(o).map((z, i) => (i === 1 ? [z[0]] : z)), small),
    TypeError,
    /represent\(observations\) is ragged/,
  );
  await assertRejectsWith(
    () => factorVaeScore(data, (o) => identity(o).map(() => [0, Infinity]), small),
    RangeError,
    /represent\(observations\)\[0\]\[1\] must be finite, got Infinity/,
  );
  let call = 0;
  await assertRejectsWith(
    () =>
      factorVaeScore(
        data,
        (o) => identity(o).map((z) => (call++ < 20 ? z : [z[0], z[1], 0])),
        small,
      ),
    TypeError,
    /returned rows of 3 values after rows of 2/,
  );
  await assertRejectsWith(
    () => factorVaeScore(data, identity, { ...small, batchSize: 1 }),
    RangeError,
    /options.batchSize must be ≥ 2, got 1/,
  );
  await assertRejectsWith(
    () => factorVaeScore(data, identity, { ...small, pruneThreshold: -1 }),
    RangeError,
    /options.pruneThreshold must be a finite number in \[0, Infinity\], got -1/,
  );
  await assertRejectsWith(
    () => factorVaeScore(null as unknown as typeof data, identity, small),
    TypeError,
    /data must be a GroundTruthData object, got null/,
  );
  await assertRejectsWith(
    () => factorVaeScore({ ...data, sampleFactors: () => [[0, 0]] }, identity, small),
    TypeError,
    /data.sampleFactors\(20\) must return 20 rows, got 1 rows/,
  );
});
