import assert from "node:assert/strict";
import { posteriorMig } from "../../metrics/posterior_mig.ts";
import { mig } from "../../metrics/mig.ts";
import { mixtureEntropy } from "../../metrics/_mixture_entropy.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";

function randomFactors(n: number, sizes: number[], seed: number): number[][] {
  const rng = metricRng(seed);
  return Array.from({ length: n }, () => sizes.map((s) => rng.int(s)));
}

const constantLogVar = (n: number, d: number, v: number) =>
  Array.from({ length: n }, () => new Array<number>(d).fill(v));

/** The mixture entropy estimate without pruning, straight from its definition. */
function bruteMixtureEntropy(z: Float64Array, mu: Float64Array, a: Float64Array, c: Float64Array) {
  const m = z.length;
  let total = 0;
  for (let s = 0; s < m; s++) {
    const l = Array.from(mu, (_, k) => c[k] - (z[s] - mu[k]) ** 2 * a[k]);
    const max = Math.max(...l);
    total += max + Math.log(l.reduce((acc, v) => acc + Math.exp(v - max), 0)) - Math.log(m);
  }
  return -total / m;
}

Deno.test("mixtureEntropy: pruned sum equals the definition; known limits", () => {
  const rng = metricRng(41);
  for (const spread of [0.1, 3, 100]) {
    const m = 300;
    const mu = Float64Array.from({ length: m }, () => spread * rng.normal());
    const lv = Float64Array.from({ length: m }, () => -4 + 4 * rng.next());
    const a = lv.map((v) => 0.5 * Math.exp(-v));
    const c = lv.map((v) => -0.5 * Math.log(2 * Math.PI) - 0.5 * v);
    const z = mu.map((v, i) => v + Math.exp(0.5 * lv[i]) * rng.normal());
    assertClose(mixtureEntropy(z, mu, a, c), bruteMixtureEntropy(z, mu, a, c), { atol: 1e-11 });
  }
  // Identical components N(0, σ²): the estimate is the MC mean of −log N(z; 0, σ²),
  // ≈ ½ log(2πe σ²). Two far-apart sharp groups add log 2.
  const m = 4000, sigma = 0.5;
  const zero = new Float64Array(m);
  const a = new Float64Array(m).fill(0.5 / sigma ** 2);
  const c = new Float64Array(m).fill(-0.5 * Math.log(2 * Math.PI * sigma ** 2));
  const z = Float64Array.from({ length: m }, () => sigma * rng.normal());
  const h = 0.5 * Math.log(2 * Math.PI * Math.E * sigma ** 2);
  assertClose(mixtureEntropy(z, zero, a, c), h, { atol: 0.03 });
  const mu2 = Float64Array.from({ length: m }, (_, i) => (i % 2) * 100);
  const z2 = z.map((v, i) => v + mu2[i]);
  assertClose(mixtureEntropy(z2, mu2, a, c), h + Math.log(2), { atol: 0.03 });
});

Deno.test("posteriorMig: sharp posteriors at the identity of the factors → high", () => {
  const f = randomFactors(1500, [3, 5, 4], 42);
  const r = posteriorMig({ mean: f, logVar: constantLogVar(1500, 3, Math.log(0.01)) }, f, {
    samples: 1500,
  });
  assert.ok(r.score > 0.95, `score ${r.score}`);
  assert.deepEqual(r.topCode, [0, 1, 2]);
  // I(z_k; v_k) ≈ H(v_k) when the posteriors do not overlap
  for (let k = 0; k < 3; k++) assertClose(r.mutualInfo[k][k], r.factorEntropy[k], { atol: 0.02 });
  assert.equal(r.samples, 1500);
  assert.equal(r.seed, 0);
});

Deno.test("posteriorMig: identical posteriors → 0", () => {
  const f = randomFactors(800, [4, 4], 43);
  const mean = constantLogVar(800, 3, 0.7);
  const r = posteriorMig({ mean, logVar: constantLogVar(800, 3, 0) }, f);
  assert.ok(Math.abs(r.score) < 1e-12, `score ${r.score}`);
  for (const row of r.mutualInfo) for (const v of row) assert.ok(v < 1e-12);
  // the entropies themselves are those of N(0.7, 1)
  for (const h of r.marginalEntropy) {
    assertClose(h, 0.5 * Math.log(2 * Math.PI * Math.E), { atol: 0.1 });
  }
});

Deno.test("posteriorMig: agrees with histogram MIG in ordering", () => {
  const n = 1200;
  const f = randomFactors(n, [5, 5], 44);
  const rng = metricRng(45);
  const noise = () => 0.2 * rng.normal();
  const representations = [
    f.map(([a, b]) => [a + noise(), b + noise()]), // axis aligned
    f.map(([a, b]) => [a + 0.5 * b + noise(), b + 0.5 * a + noise()]), // partly mixed
    f.map(([a, b]) => [a + b + noise(), a - b + noise()]), // fully mixed
  ];
  const logVar = constantLogVar(n, 2, Math.log(0.04));
  const posterior = representations.map((mean) =>
    posteriorMig({ mean, logVar }, f, { samples: 600, seed: 3 }).score
  );
  const histogram = representations.map((codes) => mig(codes, f).score);
  assert.ok(posterior[0] > posterior[1] && posterior[1] > posterior[2], `${posterior}`);
  assert.ok(histogram[0] > histogram[1] && histogram[1] > histogram[2], `${histogram}`);
});

Deno.test("posteriorMig: works on labelled data that is not a factor grid", () => {
  // Unbalanced factor values and a correlated nuisance: no grid anywhere.
  const rng = metricRng(46);
  const n = 900;
  const f = Array.from({ length: n }, () => {
    const a = rng.next() < 0.7 ? 0 : 1 + rng.int(2);
    return [a, (a + rng.int(2)) % 3];
  });
  const mean = f.map(([a, b]) => [a + 0.1 * rng.normal(), b + 0.1 * rng.normal(), rng.normal()]);
  const r = posteriorMig({ mean, logVar: constantLogVar(n, 3, Math.log(0.01)) }, f, { seed: 9 });
  assert.deepEqual(r.topCode, [0, 1]);
  assert.ok(r.perFactor.every((v) => v > 0.3 && v <= 1.05), `${r.perFactor}`);
  assert.ok(r.mutualInfo[2].every((v) => v < 0.05));
});

Deno.test("posteriorMig: deterministic given seed; subsampling uses `samples` rows", () => {
  const f = randomFactors(700, [3, 3], 47);
  const rng = metricRng(48);
  const mean = f.map(([a, b]) => [a + 0.3 * rng.normal(), b + a + 0.3 * rng.normal()]);
  const logVar = constantLogVar(700, 2, Math.log(0.1));
  const one = posteriorMig({ mean, logVar }, f, { samples: 300, seed: 5 });
  const again = posteriorMig({ mean, logVar }, f, { samples: 300, seed: 5 });
  const other = posteriorMig({ mean, logVar }, f, { samples: 300, seed: 6 });
  assert.deepEqual(again, one);
  assert.notEqual(other.score, one.score);
  assertClose(other.score, one.score, { atol: 0.1 });
  assert.equal(one.samples, 300);
  assert.equal(one.seed, 5);
  // H(z_j | v) never exceeds H(z_j) by much (MI is clipped at 0, never negative)
  for (const row of one.mutualInfo) for (const v of row) assert.ok(v >= 0);
});

Deno.test("posteriorMig: bad input names the argument", () => {
  const f = randomFactors(20, [2, 3], 49);
  const mean = f.map(([a, b]) => [a, b]);
  const logVar = constantLogVar(20, 2, 0);
  const ok = { mean, logVar };
  assertThrowsWith(
    () => posteriorMig({ mean, logVar: constantLogVar(20, 3, 0) }, f),
    TypeError,
    /posterior.logVar is 20×3 but posterior.mean is 20×2/,
  );
  assertThrowsWith(
    () => posteriorMig({ mean, logVar: logVar.map((r, i) => (i === 3 ? [0, -800] : r)) }, f),
    RangeError,
    /posterior.logVar\[3\]\[1\] must be in \[-700, 700\], got -800/,
  );
  assertThrowsWith(
    () => posteriorMig({ mean: mean.map((r, i) => (i === 1 ? [NaN, 0] : r)), logVar }, f),
    RangeError,
    /posterior.mean\[1\]\[0\] must be finite/,
  );
  assertThrowsWith(() => posteriorMig(ok, f.slice(1)), RangeError, /20 rows but factors has 19/);
  assertThrowsWith(() => posteriorMig(ok, f, { samples: 1 }), RangeError, /samples must be ≥ 2/);
  assertThrowsWith(() => posteriorMig(ok, f, { seed: 0.5 }), TypeError, /seed must be an integer/);
  assertThrowsWith(
    () => posteriorMig(null as unknown as { mean: number[][]; logVar: number[][] }, f),
    TypeError,
    /posterior must be an object/,
  );
  assertThrowsWith(
    () => posteriorMig({ mean: mean.map(([a]) => [a]), logVar: logVar.map(([a]) => [a]) }, f),
    RangeError,
    /posterior.mean needs at least 2 columns/,
  );
  assertThrowsWith(
    () => posteriorMig(ok, f.map(([a]) => [a, 4])),
    RangeError,
    /factor 1 .*single value 4 in all 20 rows/,
  );
});
