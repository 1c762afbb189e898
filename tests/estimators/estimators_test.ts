import { assertNoLeak, tf } from "../_helpers/tf.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import {
  exactLogQz,
  logImportanceWeights,
  logQzMatrix,
  mssLogQz,
  mwsLogQz,
} from "../../estimators/mod.ts";
import { diagonalGaussianLogDensity, elboTerms, type GaussianPosterior } from "../../losses/mod.ts";

const LOG_2PI = Math.log(2 * Math.PI);

function randomPosterior(b: number, d: number, seed: number, logVar = -1): GaussianPosterior {
  return {
    mean: tf.randomNormal([b, d], 0, 1, "float32", seed) as tf.Tensor2D,
    logVar: tf.add(
      logVar,
      tf.randomUniform([b, d], -0.5, 0.5, "float32", seed + 1),
    ) as tf.Tensor2D,
  };
}

function sampleFrom(p: GaussianPosterior, seed: number): tf.Tensor2D {
  return tf.add(
    p.mean,
    tf.mul(tf.exp(tf.mul(0.5, p.logVar)), tf.randomNormal(p.mean.shape, 0, 1, "float32", seed)),
  ) as tf.Tensor2D;
}

Deno.test("logQzMatrix holds every code's density under every posterior", () => {
  const z = tf.tensor2d([[0, 1], [2, -1], [0.5, 0.5]]);
  const p = {
    mean: tf.tensor2d([[0, 0], [1, 1], [-1, 2]]),
    logVar: tf.tensor2d([[0, Math.log(2)], [-1, 0], [1, 0.5]]),
  };
  const l = logQzMatrix(z, p);
  assertClose(l.shape, [3, 3, 2]);
  const values = l.arraySync();
  const zs = z.arraySync(), ms = p.mean.arraySync(), vs = p.logVar.arraySync();
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let d = 0; d < 2; d++) {
        const expected = -0.5 *
          (LOG_2PI + vs[j][d] + (zs[i][d] - ms[j][d]) ** 2 / Math.exp(vs[j][d]));
        assertClose(values[i][j][d], expected, { rtol: 1e-5, message: `L[${i},${j},${d}]` });
      }
    }
  }
});

Deno.test("logImportanceWeights: every row sums to 1, the diagonal is 1/N, one neighbour (N−M)/(NM)", () => {
  for (const [b, n] of [[2, 2], [2, 10], [3, 3], [4, 100], [64, 737_280], [7, 7]]) {
    const w = logImportanceWeights(b, n);
    const m = b - 1;
    for (let i = 0; i < b; i++) {
      const sum = w[i].reduce((s, v) => s + Math.exp(v), 0);
      assertClose(sum, 1, { atol: 1e-12, message: `row ${i} of B=${b}, N=${n}` });
      assertClose(Math.exp(w[i][i]), 1 / n, { rtol: 1e-12 });
      assertClose(Math.exp(w[i][(i + 1) % b]), (n - m) / (n * m), { rtol: 1e-12, atol: 1e-300 });
      for (let j = 0; j < b; j++) {
        if (j !== i && j !== (i + 1) % b) assertClose(Math.exp(w[i][j]), 1 / m, { rtol: 1e-12 });
      }
    }
  }
  // The widely copied bug puts 1/N in column 0: here row 2's column 0 is 1/M.
  assertClose(Math.exp(logImportanceWeights(4, 100)[2][0]), 1 / 3, { rtol: 1e-12 });
});

Deno.test("identical N(0, I) posteriors: MSS and exact give MI = TC = DWKL = 0, MWS the analytic offsets", () => {
  const b = 16, d = 3, n = 500;
  const p = { mean: tf.zeros([b, d]) as tf.Tensor2D, logVar: tf.zeros([b, d]) as tf.Tensor2D };
  const z = tf.randomNormal([b, d], 0, 1, "float32", 5) as tf.Tensor2D;
  const sample = { z, posterior: p, logPxGivenZ: tf.zeros([b]) as tf.Tensor1D };
  const all = { mean: tf.zeros([n, d]) as tf.Tensor2D, logVar: tf.zeros([n, d]) as tf.Tensor2D };
  const cases: [string, Parameters<typeof elboTerms>[1], number[]][] = [
    ["mss", { estimator: "mss", datasetSize: n }, [0, 0, 0]],
    ["exact", { estimator: (zz) => exactLogQz(zz, all) }, [0, 0, 0]],
    ["mws", { estimator: "mws", datasetSize: n }, [
      Math.log(n),
      (d - 1) * Math.log(n),
      -d * Math.log(n),
    ]],
  ];
  for (const [name, options, [mi, tc, dwkl]] of cases) {
    const t = elboTerms(sample, options);
    assertClose(t.mi.dataSync(), new Array(b).fill(mi), { atol: 2e-4, message: `${name} MI` });
    assertClose(t.tc.dataSync(), new Array(b).fill(tc), { atol: 2e-4, message: `${name} TC` });
    assertClose(t.dwkl.dataSync(), new Array(b).fill(dwkl), {
      atol: 2e-4,
      message: `${name} DWKL`,
    });
  }
});

Deno.test("well-separated sharp posteriors: MI → log N under MSS and exact", () => {
  const b = 8, d = 2, n = 1000;
  const mean = tf.mul(10, tf.tile(tf.reshape(tf.range(0, b), [b, 1]), [1, d])) as tf.Tensor2D;
  const p = { mean, logVar: tf.fill([b, d], -8) as tf.Tensor2D };
  const z = sampleFrom(p, 3);
  const sample = { z, posterior: p, logPxGivenZ: tf.zeros([b]) as tf.Tensor1D };
  const mss = elboTerms(sample, { estimator: "mss", datasetSize: n });
  assertClose(mss.mi.dataSync(), new Array(b).fill(Math.log(n)), { atol: 1e-3 });
  // With the batch as the whole data set, the exact MI is log B.
  const exact = elboTerms(sample, { estimator: (zz) => exactLogQz(zz, p) });
  assertClose(exact.mi.dataSync(), new Array(b).fill(Math.log(b)), { atol: 1e-3 });
});

Deno.test("the telescoping identity MI + TC + DWKL = log q(z|x) − log p(z) holds for MWS, MSS and exact", () => {
  for (const seed of [1, 2, 3]) {
    const b = 12, d = 4;
    const p = randomPosterior(b, d, seed * 10);
    const z = sampleFrom(p, seed * 10 + 5);
    const sample = { z, posterior: p, logPxGivenZ: tf.zeros([b]) as tf.Tensor1D };
    const data = randomPosterior(40, d, seed * 10 + 7);
    for (
      const options of [
        { estimator: "mws" as const, datasetSize: 100 },
        { estimator: "mss" as const, datasetSize: 100 },
        { estimator: (zz: tf.Tensor2D) => exactLogQz(zz, data) },
      ]
    ) {
      const t = elboTerms(sample, options);
      const lhs = tf.add(tf.add(t.mi, t.tc), t.dwkl).dataSync();
      const rhs = tf.sub(t.logQzGivenX, t.logPz).dataSync();
      assertClose(lhs, rhs, { atol: 1e-4, rtol: 1e-5 });
      // And log q(z|x), log p(z) are what they claim to be.
      const direct = tf.sum(diagonalGaussianLogDensity(z, p), 1).dataSync();
      assertClose(t.logQzGivenX.dataSync(), direct, { atol: 1e-4 });
    }
  }
});

Deno.test("with the whole data set as the batch, MWS is exact up to its published offset and MSS converges", () => {
  const d = 3;
  const errors: number[] = [];
  for (const n of [8, 128, 512]) {
    const data = randomPosterior(n, d, n, -0.5);
    const z = sampleFrom(data, n + 1);
    const exact = exactLogQz(z, data, { chunkSize: 100 });
    const mws = mwsLogQz(z, data, { datasetSize: n });
    assertClose(tf.add(mws.logQz, Math.log(n)).dataSync(), exact.logQz.dataSync(), {
      atol: 2e-4,
      rtol: 1e-5,
    });
    assertClose(tf.add(mws.logProdQz, d * Math.log(n)).dataSync(), exact.logProdQz.dataSync(), {
      atol: 5e-4,
      rtol: 1e-5,
    });
    // MSS weights differ from the exact 1/N by O(1/N): the gap shrinks as B = N grows
    // (measured: about 0.08 at N = 8, 0.01 at 128, 0.003 at 512).
    const mss = mssLogQz(z, data, { datasetSize: n });
    const err = tf.mean(tf.abs(tf.sub(mss.logQz, exact.logQz))).dataSync()[0];
    const errProd = tf.mean(tf.abs(tf.sub(mss.logProdQz, exact.logProdQz))).dataSync()[0];
    errors.push(err + errProd);
  }
  if (!(errors[0] > errors[1] && errors[1] > errors[2] && errors[2] < 0.02)) {
    throw new Error(`MSS does not converge to the exact log q(z) as B = N grows: ${errors}`);
  }
});

Deno.test("exactLogQz does not depend on the chunk size", () => {
  const data = randomPosterior(50, 2, 77);
  const z = sampleFrom(randomPosterior(6, 2, 78), 79);
  const a = exactLogQz(z, data, { chunkSize: 1 });
  const b = exactLogQz(z, data, { chunkSize: 1024 });
  assertClose(a.logQz.dataSync(), b.logQz.dataSync(), { atol: 1e-5 });
  assertClose(a.logProdQz.dataSync(), b.logProdQz.dataSync(), { atol: 1e-5 });
});

Deno.test("estimators reject bad input with named arguments", () => {
  const p = randomPosterior(4, 2, 1);
  const z = sampleFrom(p, 2);
  assertThrowsWith(
    () => mssLogQz(z, p, { datasetSize: 3 }),
    RangeError,
    /options\.datasetSize \(3\) is smaller than the batch size \(4\)/,
  );
  assertThrowsWith(
    () => mwsLogQz(z, p, { datasetSize: 10.5 }),
    TypeError,
    /options\.datasetSize must be an integer, got number 10\.5/,
  );
  assertThrowsWith(
    () => mwsLogQz(z, p, {} as never),
    TypeError,
    /options\.datasetSize must be an integer, got undefined/,
  );
  const one = randomPosterior(1, 2, 3);
  assertThrowsWith(
    () => mssLogQz(sampleFrom(one, 4), one, { datasetSize: 10 }),
    RangeError,
    /the batch must hold at least 2 samples/,
  );
  assertThrowsWith(
    () => logQzMatrix(tf.zeros([4, 3]) as tf.Tensor2D, p),
    TypeError,
    /z has shape \[4,3\] but posterior\.mean has shape \[4,2\]/,
  );
  assertThrowsWith(
    () => mwsLogQz(z, { mean: p.mean } as never, { datasetSize: 10 }),
    TypeError,
    /posterior\.logVar must be a tensor, got undefined/,
  );
  assertThrowsWith(() => logImportanceWeights(1, 10), RangeError, /batchSize must be ≥ 2/);
  assertThrowsWith(
    () => logImportanceWeights(5, 4),
    RangeError,
    /datasetSize \(4\) is smaller than batchSize \(5\)/,
  );
  assertThrowsWith(
    () => exactLogQz(z, randomPosterior(10, 3, 5)),
    TypeError,
    /z has 2 dimensions but datasetPosterior\.mean has 3/,
  );
  assertThrowsWith(
    () =>
      elboTerms({ z, posterior: p, logPxGivenZ: tf.zeros([4]) as tf.Tensor1D }, {
        estimator: "nope" as "mws",
        datasetSize: 10,
      }),
    RangeError,
    /options\.estimator must be "mws", "mss" or a function, got nope/,
  );
  assertThrowsWith(
    () =>
      elboTerms({ z, posterior: p, logPxGivenZ: tf.zeros([3]) as tf.Tensor1D }, {
        datasetSize: 10,
      }),
    TypeError,
    /sample\.logPxGivenZ has shape \[3\] but the batch has 4 samples/,
  );
});

Deno.test("estimators leak no tensors", () => {
  const p = randomPosterior(6, 3, 1);
  const z = sampleFrom(p, 2);
  assertNoLeak(() => logQzMatrix(z, p), "logQzMatrix");
  assertNoLeak(() => mwsLogQz(z, p, { datasetSize: 50 }), "mwsLogQz");
  assertNoLeak(() => mssLogQz(z, p, { datasetSize: 50 }), "mssLogQz");
  assertNoLeak(() => exactLogQz(z, p, { chunkSize: 4 }), "exactLogQz");
  const logPxGivenZ = tf.zeros([6]) as tf.Tensor1D;
  assertNoLeak(() => elboTerms({ z, posterior: p, logPxGivenZ }, { datasetSize: 50 }), "elboTerms");
});
