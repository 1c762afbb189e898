// The library's own classifiers: hand-worked optima, separable data (≈ 100 %),
// noisy data against the Bayes classifier, importances of boosted trees.
import assert from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { minimizeLbfgs } from "../../metrics/_lbfgs.ts";
import { fitLogisticRegression } from "../../metrics/_logistic_regression.ts";
import { fitLinearSvm } from "../../metrics/_linear_svm.ts";
import { fitGradientBoosting } from "../../metrics/_gradient_boosting.ts";
import { accuracy, encodeClasses, toRowMajor } from "../../metrics/_classes.ts";
import { rocAuc } from "../../metrics/_roc_auc.ts";

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Solves g(w) = 0 for increasing g by bisection on [lo, hi]. */
function bisect(g: (w: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

interface Sample {
  cols: Float64Array[];
  x: Float64Array;
  y: Int32Array;
}

/** Gaussian classes: row i has class y_i and features means[y_i] + sd·N(0, I). */
function gaussianClasses(
  n: number,
  means: number[][],
  sd: number,
  seed: number,
  priors?: number[],
): Sample {
  const rng = metricRng(seed);
  const d = means[0].length;
  const y = new Int32Array(n);
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    let c = 0;
    if (priors) {
      let u = rng.next();
      while (c < priors.length - 1 && u >= priors[c]) u -= priors[c++];
    } else {
      c = rng.int(means.length);
    }
    y[i] = c;
    for (let j = 0; j < d; j++) cols[j][i] = means[c][j] + sd * rng.normal();
  }
  return { cols, x: toRowMajor(cols, n), y };
}

/** Bayes classifier of equal-prior isotropic Gaussian classes: the nearest mean. */
function nearestMean(s: Sample, means: number[][]): Int32Array {
  const n = s.y.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    means.forEach((m, c) => {
      const dist = m.reduce((acc, mj, j) => acc + (s.cols[j][i] - mj) ** 2, 0);
      if (dist < best) {
        best = dist;
        out[i] = c;
      }
    });
  }
  return out;
}

const TRIANGLE = [[0, 0], [2, 0], [1, 1.7]];

Deno.test("L-BFGS finds the minimum of the Rosenbrock function", () => {
  const f = (x: Float64Array, g: Float64Array): number => {
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const r = minimizeLbfgs(f, Float64Array.from([-1.2, 1]), { gradTol: 1e-9 });
  assert.ok(r.converged);
  assertClose(r.x, [1, 1], { atol: 1e-6 });
});

Deno.test("logistic regression: hand-worked optimum of a two-point problem", () => {
  // x = ±1, y = 0/1, C = 1: by symmetry b = 0 and w solves w = 2 / (1 + e^w).
  const expected = bisect((w) => w - 2 / (1 + Math.exp(w)), 0, 2);
  const m = fitLogisticRegression(Float64Array.from([-1, 1]), 1, Int32Array.from([0, 1]), 2, {
    tol: 1e-10,
  });
  assert.ok(m.converged);
  assertClose(m.coef[0], expected, { atol: 1e-7 });
  assertClose(m.coef[1], 0, { atol: 1e-7 });
  const p = m.predictProba(Float64Array.from([1]));
  assertClose(p[1], 1 / (1 + Math.exp(-expected)), { atol: 1e-7 });
  assertClose(p[0] + p[1], 1, { atol: 1e-12 });
});

Deno.test("logistic regression: the multinomial gradient vanishes at the solution", () => {
  const s = gaussianClasses(300, TRIANGLE, 0.8, 1);
  const c = 0.5;
  const m = fitLogisticRegression(s.x, 2, s.y, 3, { c, tol: 1e-9 });
  assert.ok(m.converged);
  // Stationarity: Σ_i (p_ik − 1[y_i = k]) x̃_i + (W_k, 0) / C = 0 for every class k.
  const proba = m.predictProba(s.x);
  for (let k = 0; k < 3; k++) {
    const g = [0, 0, 0];
    for (let i = 0; i < 300; i++) {
      const r = proba[i * 3 + k] - (s.y[i] === k ? 1 : 0);
      g[0] += r * s.x[i * 2];
      g[1] += r * s.x[i * 2 + 1];
      g[2] += r;
    }
    g[0] += m.coef[k * 3] / c;
    g[1] += m.coef[k * 3 + 1] / c;
    assertClose(g, [0, 0, 0], { atol: 1e-5 });
  }
});

Deno.test("logistic regression: separable classes are classified perfectly", () => {
  const train = gaussianClasses(300, [[0, 0], [6, 0], [3, 5]], 0.5, 2);
  const test = gaussianClasses(300, [[0, 0], [6, 0], [3, 5]], 0.5, 3);
  const m = fitLogisticRegression(train.x, 2, train.y, 3);
  assert.equal(accuracy(m.predict(train.x), train.y), 1);
  assert.equal(accuracy(m.predict(test.x), test.y), 1);
});

Deno.test("logistic regression: noisy binary classes reach the Bayes rate Φ(1)", () => {
  // Classes N(−1, 1) and N(1, 1), equal priors: Bayes accuracy Φ(1) ≈ 0.8413.
  const train = gaussianClasses(2000, [[-1], [1]], 1, 4);
  const test = gaussianClasses(4000, [[-1], [1]], 1, 5);
  const m = fitLogisticRegression(train.x, 1, train.y, 2);
  const acc = accuracy(m.predict(test.x), test.y);
  const oracle = accuracy(nearestMean(test, [[-1], [1]]), test.y);
  assertClose(acc, phi(1), { atol: 0.02 });
  assert.ok(acc >= oracle - 0.01, `accuracy ${acc} vs Bayes classifier ${oracle}`);
});

Deno.test("logistic regression: noisy three-class data reach the Bayes classifier", () => {
  const train = gaussianClasses(1500, TRIANGLE, 0.8, 6);
  const test = gaussianClasses(3000, TRIANGLE, 0.8, 7);
  const m = fitLogisticRegression(train.x, 2, train.y, 3);
  const acc = accuracy(m.predict(test.x), test.y);
  const oracle = accuracy(nearestMean(test, TRIANGLE), test.y);
  assert.ok(oracle > 0.7 && oracle < 0.95, `oracle ${oracle}: the case must be noisy`);
  assert.ok(Math.abs(acc - oracle) <= 0.015, `accuracy ${acc} vs Bayes classifier ${oracle}`);
});

Deno.test("linear SVM: hand-worked optimum with a regularised intercept", () => {
  // x = 1 (class 0) and x = 3 (class 1), C = 0.01, balanced weights 1 and both
  // margins violated: ½(w² + b²) + C(1 + w + b)² + C(1 − 3w − b)² is minimal at
  // (1 + 20C) w + 8C b = 4C and 8C w + (1 + 4C) b = 0.
  const c = 0.01;
  const det = (1 + 20 * c) * (1 + 4 * c) - 64 * c * c;
  const w = 4 * c * (1 + 4 * c) / det;
  const b = -8 * c * 4 * c / det;
  assert.ok(1 + w + b > 0 && 1 - 3 * w - b > 0, "both points inside the margin");
  const m = fitLinearSvm(Float64Array.from([1, 3]), 1, Int32Array.from([0, 1]), 2, { c });
  assert.ok(m.converged);
  assertClose(m.coef[0], w, { atol: 1e-10 });
  assertClose(m.coef[1], b, { atol: 1e-10 });
});

Deno.test("linear SVM: balanced class weights scale each class's penalty by N / (K·N_c)", () => {
  // Three points at x = −1 (class 0) and one at x = 1 (class 1): weights 4/6 and
  // 4/2. With every margin violated, f = ½(w² + b²) + 3·c0·(1 − w + b)² +
  // c1·(1 − w − b)² (c0 = C·4/6, c1 = C·4/2) is minimal where
  // a·w + e·b = 6c0 + 2c1 and e·w + a·b = e, with a = 1 + 6c0 + 2c1, e = 2c1 − 6c0.
  const c = 0.01;
  const x = Float64Array.from([-1, -1, -1, 1]);
  const y = Int32Array.from([0, 0, 0, 1]);
  const solve = (c0: number, c1: number): [number, number] => {
    const a = 1 + 6 * c0 + 2 * c1;
    const e = 2 * c1 - 6 * c0;
    const r = 6 * c0 + 2 * c1;
    const det = a * a - e * e;
    return [(r * a - e * e) / det, (a * e - e * r) / det];
  };
  const [w, b] = solve(c * 4 / 6, c * 4 / 2);
  const m = fitLinearSvm(x, 1, y, 2, { c });
  assertClose(m.coef[0], w, { atol: 1e-10 });
  assertClose(m.coef[1], b, { atol: 1e-10 });
  // Balanced weights make the two classes count equally: the intercept vanishes.
  assertClose(b, 0, { atol: 1e-15 });
  // Without weights the majority class pulls the intercept to its side.
  const [wPlain, bPlain] = solve(c, c);
  const plain = fitLinearSvm(x, 1, y, 2, { c, classWeight: "none" });
  assertClose(plain.coef[0], wPlain, { atol: 1e-10 });
  assertClose(plain.coef[1], bPlain, { atol: 1e-10 });
  assert.ok(bPlain < -0.01);
});

Deno.test("linear SVM: separable classes are classified perfectly (one-vs-rest)", () => {
  const means = [[0, 0], [6, 0], [3, 5]];
  const train = gaussianClasses(300, means, 0.5, 8);
  const test = gaussianClasses(300, means, 0.5, 9);
  const m = fitLinearSvm(train.x, 2, train.y, 3);
  assert.ok(m.converged);
  assert.equal(accuracy(m.predict(test.x), test.y), 1);
  const one = gaussianClasses(200, [[-3], [3]], 0.5, 10);
  assert.equal(accuracy(fitLinearSvm(one.x, 1, one.y, 2).predict(one.x), one.y), 1);
});

Deno.test("linear SVM: noisy binary classes reach the Bayes rate Φ(1)", () => {
  const train = gaussianClasses(2000, [[-1], [1]], 1, 11);
  const test = gaussianClasses(4000, [[-1], [1]], 1, 12);
  const m = fitLinearSvm(train.x, 1, train.y, 2);
  const acc = accuracy(m.predict(test.x), test.y);
  const oracle = accuracy(nearestMean(test, [[-1], [1]]), test.y);
  assertClose(acc, phi(1), { atol: 0.02 });
  assert.ok(acc >= oracle - 0.01, `accuracy ${acc} vs Bayes classifier ${oracle}`);
});

Deno.test("boosted trees: one hand-worked binary stump", () => {
  // p = ½ at the start, residuals ±½, split at x = 0.5; each leaf's Newton step
  // is Σ r / Σ p(1 − p) = ±1 / 0.5 = ±2, shrunk by 0.1.
  const x = [Float64Array.from([0, 0, 1, 1])];
  const y = Int32Array.from([0, 0, 1, 1]);
  const m = fitGradientBoosting(x, y, 2, { nEstimators: 1, maxDepth: 1 });
  assertClose(m.predictRaw([Float64Array.from([-5, 0.4, 0.6, 9])]), [-0.2, -0.2, 0.2, 0.2], {
    atol: 1e-12,
  });
  assert.deepEqual(Array.from(m.importances), [1]);
});

Deno.test("boosted trees: one hand-worked multinomial stage", () => {
  // x = 0, 1, 2 with classes 0, 1, 2; priors ⅓. Class 0's residuals (⅔, −⅓, −⅓)
  // split best at 0.5 (improvement 2 against ½ at 1.5); leaves get
  // (2/3)·Σr/Σp(1−p): (2/3)(2/3)/(2/9) = 2 and (2/3)(−2/3)/(4/9) = −1.
  const x = [Float64Array.from([0, 1, 2])];
  const y = Int32Array.from([0, 1, 2]);
  const m = fitGradientBoosting(x, y, 3, { nEstimators: 1, maxDepth: 1 });
  const raw = m.predictRaw([Float64Array.from([0, 2])]);
  const l3 = Math.log(1 / 3);
  // Class 2 is split symmetrically at 1.5: leaves −1 (x ≤ 1.5) and 2.
  assertClose([raw[0], raw[2]], [l3 + 0.2, l3 - 0.1], { atol: 1e-12 });
  assertClose([raw[3], raw[5]], [l3 - 0.1, l3 + 0.2], { atol: 1e-12 });
});

Deno.test("boosted trees: separable classes are fitted and predicted perfectly", () => {
  const rng = metricRng(13);
  const make = (n: number) => {
    const cols = Array.from(
      { length: 3 },
      () => Float64Array.from({ length: n }, () => rng.next()),
    );
    const y = Int32Array.from(cols[1], (v) => (v < 0.3 ? 0 : v < 0.7 ? 1 : 2));
    return { cols, y };
  };
  const train = make(600);
  const test = make(400);
  const m = fitGradientBoosting(train.cols, train.y, 3);
  assert.equal(accuracy(m.trainPredictions, train.y), 1);
  assert.ok(accuracy(m.predict(test.cols), test.y) > 0.98);
  assert.ok(m.importances[1] > 0.99, `importances ${m.importances}`);
  assertClose(m.importances.reduce((a, b) => a + b, 0), 1, { atol: 1e-12 });
});

Deno.test("boosted trees: noisy binary classes come close to the Bayes rate Φ(1)", () => {
  const train = gaussianClasses(2000, [[-1], [1]], 1, 14);
  const test = gaussianClasses(4000, [[-1], [1]], 1, 15);
  const m = fitGradientBoosting(train.cols, train.y, 2);
  const acc = accuracy(m.predict(test.cols), test.y);
  assert.ok(acc <= phi(1) + 0.02 && acc >= phi(1) - 0.03, `accuracy ${acc} vs Φ(1) ${phi(1)}`);
});

Deno.test("boosted trees: importances go to the informative features", () => {
  // Class = [x0 > 0] + [x2 > 0] (with 10 % label noise); x1, x3, x4 are noise.
  const rng = metricRng(16);
  const n = 1000;
  const cols = Array.from(
    { length: 5 },
    () => Float64Array.from({ length: n }, () => rng.normal()),
  );
  const y = Int32Array.from(
    { length: n },
    (_, i) => rng.next() < 0.1 ? rng.int(3) : (cols[0][i] > 0 ? 1 : 0) + (cols[2][i] > 0 ? 1 : 0),
  );
  const m = fitGradientBoosting(cols, y, 3);
  const imp = Array.from(m.importances);
  assert.ok(imp[0] > 0.3 && imp[2] > 0.3, `importances ${imp}`);
  assert.ok(imp[0] + imp[2] > 0.85, `importances ${imp}`);
  for (const j of [1, 3, 4]) assert.ok(imp[j] < imp[0] / 5, `importances ${imp}`);
});

Deno.test("boosted trees: deterministic for a seed; constant features never split", () => {
  const rng = metricRng(17);
  const n = 300;
  const cols = [
    Float64Array.from({ length: n }, () => rng.normal()),
    new Float64Array(n).fill(3),
  ];
  const y = Int32Array.from(cols[0], (v) => (v > 0.2 ? 1 : 0));
  const a = fitGradientBoosting(cols, y, 2, { seed: 5 });
  const b = fitGradientBoosting(cols, y, 2, { seed: 5 });
  assert.deepEqual(a.importances, b.importances);
  assert.deepEqual(a.predictRaw(cols), b.predictRaw(cols));
  assert.equal(a.importances[1], 0);
  // Only constant features: no tree splits, importances all zero, the majority class wins.
  const flat = fitGradientBoosting([cols[1]], Int32Array.from([0, 0, 1]), 2, { nEstimators: 3 });
  assert.deepEqual(Array.from(flat.importances), [0]);
  assert.deepEqual(Array.from(flat.trainPredictions), [0, 0, 0]);
});

Deno.test("boosted trees: duplicate features split ties by the seed only", () => {
  const rng = metricRng(18);
  const n = 400;
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const y = Int32Array.from(x, (v) => (v > 0 ? 1 : 0));
  const seen = new Set<string>();
  for (let seed = 0; seed < 6; seed++) {
    const m = fitGradientBoosting([x, x.slice()], y, 2, { seed, nEstimators: 20 });
    assertClose(m.importances[0] + m.importances[1], 1, { atol: 1e-12 });
    seen.add(m.importances[0].toFixed(6));
  }
  // Exact ties are broken at random per node, so the shares vary with the seed.
  assert.ok(seen.size > 1);
});

Deno.test("ROC-AUC: hand-worked values with ties", () => {
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
  assert.equal(rocAuc([0.5, 0.5], [false, true]), 0.5);
  assert.equal(rocAuc([1, 2, 3], [false, true, true]), 1);
  assert.ok(Number.isNaN(rocAuc([1, 2], [true, true])));
});

Deno.test("class encoding: sorted classes, unseen test labels, one class is an error", () => {
  const e = encodeClasses([5, 2, 5, 9], [9, 7, 2], "factor 0", "fit");
  assert.deepEqual(Array.from(e.classes), [2, 5, 9]);
  assert.deepEqual(Array.from(e.yTrain), [1, 0, 1, 2]);
  assert.deepEqual(Array.from(e.yTest), [2, -1, 0]);
  assert.throws(() => encodeClasses([4, 4], [4], "factor 3", "fit"), {
    name: "RangeError",
    message: /Cannot fit: factor 3 takes the single value 4/,
  });
});

Deno.test("boosted trees: predicting the training rows gives the training predictions, shallow leaves included", () => {
  const rng = metricRng(23);
  const n = 500;
  // x0 ≤ 0 holds only class 0 (a pure node: never split below depth 1), and
  // a constant feature never splits at all.
  const x0 = Float64Array.from({ length: n }, () => rng.normal());
  const x1 = Float64Array.from({ length: n }, () => rng.normal());
  const cols = [x0, x1, new Float64Array(n).fill(2)];
  for (const k of [2, 3]) {
    const y = Int32Array.from(x0, (v, i) => (v <= 0 ? 0 : 1 + (k === 3 && x1[i] > 0.3 ? 1 : 0)));
    const model = fitGradientBoosting(cols, y, k, { nEstimators: 20 });
    assert.deepEqual(model.predict(cols), model.trainPredictions);
  }
});
