import assert from "node:assert/strict";
import { assertRejectsWith } from "../_helpers/assert.ts";
import { betaVaeScore } from "../../metrics/beta_vae_score.ts";
import type { Observations } from "../../data/ground_truth_data.ts";
import { identity, toyData } from "./_toy_data.ts";

const SMALL = { numTrain: 300, numEval: 200, batchSize: 16 };
const R = Math.SQRT1_2;

Deno.test("β-VAE score: the identity representation of independent factors scores ≥ 0.9", async () => {
  const r = await betaVaeScore(toyData([4, 4, 4, 4, 4, 4]), identity, SMALL);
  assert.ok(r.evalAccuracy >= 0.9, `eval accuracy ${r.evalAccuracy}`);
  assert.ok(r.trainAccuracy >= 0.9, `train accuracy ${r.trainAccuracy}`);
  assert.deepEqual(
    { batchSize: r.batchSize, numTrain: r.numTrain, numEval: r.numEval, seed: r.seed, c: r.c },
    { ...SMALL, seed: 0, c: 1 },
  );
});

Deno.test("β-VAE score: constant and all-zero codes score ≤ 0.2 (chance is 1/6)", async () => {
  for (const value of [0, 0.7]) {
    const constant = (o: Observations) => Array.from({ length: o.shape[0] }, () => [value, value]);
    const r = await betaVaeScore(toyData([4, 4, 4, 4, 4, 4]), constant, SMALL);
    assert.ok(r.evalAccuracy <= 0.2, `eval accuracy ${r.evalAccuracy}`);
  }
});

Deno.test("β-VAE score: rotating two factors into each other lowers the score", async () => {
  const sizes = [5, 5, 5];
  const rotation = [[R, R, 0], [-R, R, 0], [0, 0, 1]];
  const clean = await betaVaeScore(toyData(sizes), identity, SMALL);
  const mixed = await betaVaeScore(toyData(sizes, rotation), identity, SMALL);
  // Fixing factor 0 or factor 1 now leaves the same |Δz| pattern: they are
  // indistinguishable, so about a third of the points are lost.
  assert.ok(
    mixed.evalAccuracy < clean.evalAccuracy - 0.15,
    `${mixed.evalAccuracy} vs ${clean.evalAccuracy}`,
  );
});

Deno.test("β-VAE score: encodes in chunks, awaits async representations, repeats for a seed", async () => {
  const calls: number[] = [];
  const asyncIdentity = async (o: Observations) => {
    calls.push(o.shape[0]);
    await Promise.resolve();
    return identity(o);
  };
  const options = { numTrain: 40, numEval: 20, batchSize: 8, chunkSize: 50, seed: 9 };
  const a = await betaVaeScore(toyData([3, 3, 3]), asyncIdentity, options);
  // 2 × 8 observations per point, ⌊50 / 16⌋ = 3 points per call of at most 48 rows.
  assert.ok(Math.max(...calls) <= 50);
  assert.equal(calls.reduce((s, c) => s + c, 0), (40 + 20) * 16);
  const b = await betaVaeScore(toyData([3, 3, 3]), identity, options);
  assert.deepEqual(a, b);
  assert.equal(a.seed, 9);
});

Deno.test("β-VAE score: bad input is rejected with a message naming the argument", async () => {
  const data = toyData([3, 3]);
  const small = { numTrain: 10, numEval: 5, batchSize: 4 };
  await assertRejectsWith(
    () => betaVaeScore(data, (o) => identity(o).slice(1), small),
    TypeError,
    /Cannot compute the β-VAE score: represent\(observations\) returned 79 rows for 80 observations; expected 80/,
  );
  await assertRejectsWith(
    () => betaVaeScore(data, (o) => identity(o).map((r, i) => (i === 2 ? [r[0]] : r)), small),
    TypeError,
    /represent\(observations\) is ragged/,
  );
  await assertRejectsWith(
    () => betaVaeScore(data, (o) => identity(o).map(() => [NaN, 0]), small),
    RangeError,
    /represent\(observations\)\[0\]\[0\] must be finite, got NaN/,
  );
  await assertRejectsWith(
    () => betaVaeScore(toyData([3]), identity, small),
    RangeError,
    /data needs at least 2 factors, got 1/,
  );
  await assertRejectsWith(
    () => betaVaeScore(data, identity, { ...small, batchSize: 0 }),
    RangeError,
    /options.batchSize must be ≥ 1, got 0/,
  );
  await assertRejectsWith(
    () => betaVaeScore(data, "encoder" as unknown as typeof identity, small),
    TypeError,
    /represent must be a function/,
  );
  await assertRejectsWith(
    () =>
      betaVaeScore(
        { ...data, sampleFactors: (n) => Array.from({ length: n }, () => [0, 7]) },
        identity,
        small,
      ),
    RangeError,
    /data.sampleFactors row 0 has factor 1 = 7, outside 0..2/,
  );
  // Two training points that both pick the same factor leave a single class:
  // over ten seeds that happens (probability ½ each), and is reported.
  let singleClass = 0;
  for (let seed = 0; seed < 10; seed++) {
    try {
      await betaVaeScore(data, identity, { ...small, numTrain: 2, seed });
    } catch (e) {
      assert.ok(e instanceof RangeError);
      assert.match(
        e.message,
        /Cannot compute the β-VAE score: the factor picked by the training points takes the single value [01]/,
      );
      singleClass++;
    }
  }
  assert.ok(singleClass > 0 && singleClass < 10);
});
