// The density-ratio TC estimator of FactorVAE: the permutation that turns
// samples of q(z) into samples of ∏_d q(z_d) (each dimension on its own, along
// the batch), the log-odds TC estimate and the discriminator's loss.
import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import {
  densityRatioDiscriminatorLoss,
  densityRatioTc,
  permuteDimensions,
} from "../../estimators/mod.ts";

/** Column j of `rows`. */
const column = (rows: number[][], j: number) => rows.map((r) => r[j]);

Deno.test("permuteDimensions permutes every column along the batch axis, each on its own", () => {
  const b = 32, d = 6;
  // Entry (i, j) = 100·j + i: the value says which row and which column it came from.
  const data = Array.from(
    { length: b },
    (_, i) => Array.from({ length: d }, (_, j) => 100 * j + i),
  );
  const shuffled = permuteDimensions(tf.tensor2d(data), { seed: 7 }).arraySync();
  const permutations: number[][] = [];
  for (let j = 0; j < d; j++) {
    const col = column(shuffled, j);
    // Along the batch axis: column j holds exactly column j's values (no value moved
    // to another column, as a shuffle within rows would do) ...
    if (!col.every((v) => Math.floor(v / 100) === j)) throw new Error(`column ${j}: ${col}`);
    const source = col.map((v) => v % 100);
    if ([...source].sort((a, c) => a - c).join() !== column(data, 0).join()) {
      throw new Error(`column ${j} is not a permutation of the batch: ${source}`);
    }
    // ... and actually shuffled.
    if (source.every((s, i) => s === i)) throw new Error(`column ${j} was not permuted`);
    permutations.push(source);
  }
  // Each dimension with its own permutation (a shuffle of whole rows would use one for all).
  for (let j = 0; j < d; j++) {
    for (let k = j + 1; k < d; k++) {
      if (permutations[j].join() === permutations[k].join()) {
        throw new Error(`dimensions ${j} and ${k} share a permutation`);
      }
    }
  }
});

Deno.test("permuting the dimensions breaks the dependence between them and keeps the marginals", () => {
  // Two identical columns (correlation 1) become uncorrelated; each keeps its values.
  const b = 2000;
  const x = tf.randomNormal([b, 1], 0, 1, "float32", 3);
  const z = tf.concat([x, x, tf.mul(2, x)], 1) as tf.Tensor2D;
  const shuffled = permuteDimensions(z, { seed: 11 }).arraySync();
  const corr = (a: number[], c: number[]) => {
    const ma = a.reduce((s, v) => s + v, 0) / a.length,
      mc = c.reduce((s, v) => s + v, 0) / c.length;
    let sac = 0, saa = 0, scc = 0;
    a.forEach((v, i) => {
      sac += (v - ma) * (c[i] - mc);
      saa += (v - ma) ** 2;
      scc += (c[i] - mc) ** 2;
    });
    return sac / Math.sqrt(saa * scc);
  };
  for (const [j, k] of [[0, 1], [0, 2], [1, 2]]) {
    const r = corr(column(shuffled, j), column(shuffled, k));
    // |r| of independent columns of 2000 rows is below 0.1 with probability > 0.999.
    if (!(Math.abs(r) < 0.1)) throw new Error(`columns ${j}, ${k} still correlate: r = ${r}`);
  }
  const sorted = (rows: number[][], j: number) => column(rows, j).sort((a, c) => a - c);
  assertClose(sorted(shuffled, 2), sorted(z.arraySync(), 2), { atol: 0 });
});

Deno.test("permuteDimensions is repeatable by seed and leaks nothing", () => {
  const z = tf.randomNormal([16, 3], 0, 1, "float32", 5) as tf.Tensor2D;
  const a = permuteDimensions(z, { seed: 2 }).arraySync();
  assertClose(permuteDimensions(z, { seed: 2 }).arraySync().flat(), a.flat(), { atol: 0 });
  if (permuteDimensions(z, { seed: 3 }).arraySync().flat().join() === a.flat().join()) {
    throw new Error("seeds 2 and 3 gave the same permutations");
  }
  // One row: nothing to permute.
  assertClose(permuteDimensions(tf.tensor2d([[1, 2]]), { seed: 1 }).arraySync()[0], [1, 2]);
  assertNoLeak(() => permuteDimensions(z, { seed: 9 }), "permuteDimensions");
  assertThrowsWith(
    () => permuteDimensions(tf.zeros([4]) as unknown as tf.Tensor2D, { seed: 1 }),
    TypeError,
    /Cannot permute the latent dimensions: z must have rank 2, got shape \[4\]/,
  );
  assertThrowsWith(
    () => permuteDimensions(z, { seed: NaN }),
    RangeError,
    /options\.seed must be a finite number, got NaN/,
  );
});

Deno.test("densityRatioTc is the discriminator's log-odds ℓ₀ − ℓ₁", () => {
  const logits = tf.tensor2d([[2, 0.5], [-1, 1], [0, 0]]);
  assertClose(densityRatioTc(logits).arraySync(), [1.5, -2, 0], { atol: 1e-7 });
  // = log D − log(1 − D) with D = softmax(ℓ)₀.
  const d = tf.softmax(logits).arraySync().map((r) => r[0]);
  assertClose(densityRatioTc(logits).arraySync(), d.map((p) => Math.log(p / (1 - p))), {
    atol: 1e-5,
  });
  assertNoLeak(() => densityRatioTc(logits), "densityRatioTc");
  assertThrowsWith(
    () => densityRatioTc(tf.zeros([3, 1]) as tf.Tensor2D),
    TypeError,
    /Cannot estimate the total correlation from discriminator logits: logits must be \[B, 2\] \(two classes\), got shape \[3,1\]/,
  );
});

Deno.test("densityRatioDiscriminatorLoss is the halved cross-entropy of the two classes", () => {
  const joint = tf.tensor2d([[2, 0], [0, 1]]);
  const product = tf.tensor2d([[0, 3], [1, 1], [-1, 0]]);
  const logSoftmax = (r: number[]) => {
    const m = Math.max(...r), s = Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
    return r.map((v) => v - s);
  };
  const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
  const expected = -0.5 * mean(joint.arraySync().map((r) => logSoftmax(r)[0])) -
    0.5 * mean(product.arraySync().map((r) => logSoftmax(r)[1]));
  assertClose(densityRatioDiscriminatorLoss(joint, product).arraySync(), expected, { rtol: 1e-6 });
  // A perfect discriminator has loss → 0; a useless one log 2.
  const sure = densityRatioDiscriminatorLoss(tf.tensor2d([[30, 0]]), tf.tensor2d([[0, 30]]));
  if (!(sure.arraySync() < 1e-6)) throw new Error(`perfect discriminator: ${sure.arraySync()}`);
  assertNoLeak(() => densityRatioDiscriminatorLoss(joint, product), "discriminator loss");
  assertThrowsWith(
    () => densityRatioDiscriminatorLoss(joint, tf.zeros([2, 3]) as tf.Tensor2D),
    TypeError,
    /productLogits must be \[B, 2\] \(two classes\), got shape \[2,3\]/,
  );
});
