import assert from "node:assert/strict";
import { mig } from "../../metrics/mig.ts";
import { mutualInfoMatrix } from "../../metrics/mutual_info_matrix.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { codes, factors, reference } from "./_reference.ts";

/** N samples of K independent uniform factors with the given numbers of values. */
function randomFactors(n: number, sizes: number[], seed: number): number[][] {
  const rng = metricRng(seed);
  return Array.from({ length: n }, () => sizes.map((s) => rng.int(s)));
}

Deno.test("mutualInfoMatrix: matches disentanglement_lib on the reference data", () => {
  const m = mutualInfoMatrix(codes, factors);
  assert.equal(m.length, 4);
  for (let j = 0; j < 4; j++) assertClose(m[j], reference.mi[j], { atol: 1e-13 });
});

Deno.test("mig: matches disentanglement_lib on the reference data", () => {
  const r = mig(codes, factors);
  assertClose(r.score, reference.mig, { atol: 1e-13 });
  assertClose(r.factorEntropy, reference.h, { atol: 1e-13 });
  assert.deepEqual(r.topCode, [0, 1, 3]);
  assert.equal(r.bins, 20);
  assert.equal(r.samples, 300);
  // the per-factor gaps by hand from the reference matrix
  const m = reference.mi;
  assertClose(r.perFactor[0], (m[0][0] - m[1][0]) / reference.h[0], { atol: 1e-13 });
  assertClose(r.perFactor[1], (m[1][1] - m[2][1]) / reference.h[1], { atol: 1e-13 });
  assertClose(r.perFactor[2], (m[3][2] - m[1][2]) / reference.h[2], { atol: 1e-13 });
});

Deno.test("mig: identity representation of independent factors ≥ 0.9", () => {
  const f = randomFactors(5000, [3, 6, 10, 8, 4], 1);
  const r = mig(f, f);
  assert.ok(r.score >= 0.9, `score ${r.score}`);
  assert.deepEqual(r.topCode, [0, 1, 2, 3, 4]);
  // with a little noise and a monotone warp it still is
  const rng = metricRng(2);
  const warped = f.map((row) =>
    row.map((v, k) => Math.exp(0.3 * v) * (k + 1) + 0.01 * rng.normal())
  );
  assert.ok(mig(warped, f).score >= 0.9);
});

Deno.test("mig: constant and all-zero codes score 0 (MI 0, not NaN)", () => {
  const f = randomFactors(2000, [3, 5, 4], 3);
  for (const value of [0, 1.5]) {
    const r = mig(f.map(() => [value, value, value]), f);
    assert.equal(r.score, 0);
    for (const row of r.mutualInfo) assert.deepEqual(row, [0, 0, 0]);
  }
  // one informative dimension among constant ones is not hurt by them
  const r = mig(f.map(([a]) => [a, 0, 0]), f);
  assertClose(r.perFactor[0], 1, { atol: 1e-12 });
  assert.ok(r.perFactor[1] < 0.01 && r.perFactor[2] < 0.01);
});

Deno.test("mig: a duplicated code dimension gives gap ≈ 0", () => {
  const f = randomFactors(3000, [5, 7], 4);
  const r = mig(f.map(([a, b]) => [a, b, a, b]), f);
  assert.ok(r.score < 1e-12, `score ${r.score}`);
  // only the duplicated factor loses its gap
  const half = mig(f.map(([a, b]) => [a, b, a]), f);
  assert.ok(half.perFactor[0] < 1e-12);
  assert.ok(half.perFactor[1] > 0.99);
});

Deno.test("mig: random codes score near 0, and mixing lowers the score", () => {
  const f = randomFactors(5000, [4, 4], 5);
  const rng = metricRng(6);
  const noise = f.map(() => [rng.normal(), rng.normal()]);
  assert.ok(mig(noise, f).score < 0.05);
  const clean = mig(f.map(([a, b]) => [a, b]), f).score;
  const mixed = mig(f.map(([a, b]) => [a + b, a - b]), f).score;
  assert.ok(clean > mixed + 0.3, `${clean} vs ${mixed}`);
});

Deno.test("mig: invariant to scaling a code dimension by a power of two", () => {
  // Powers of two scale numpy's edges exactly, so every label is unchanged.
  const a = mig(codes, factors);
  const b = mig(codes.map((r) => r.map((v, j) => v * 2 ** (j - 2))), factors);
  assert.equal(b.score, a.score);
  assert.deepEqual(b.mutualInfo, a.mutualInfo);
});

Deno.test("mig: a factor with a single value throws naming the factor", () => {
  const f = randomFactors(100, [3, 1, 4], 7);
  assertThrowsWith(
    () => mig(f.map(([a, , c]) => [a, c]), f),
    RangeError,
    /Cannot compute MIG: factor 1 .*single value 0 in all 100 rows/,
  );
});

Deno.test("mig / mutualInfoMatrix: bad input names the argument", () => {
  const f = randomFactors(10, [2, 3], 8);
  const c = f.map(([a, b]) => [a, b]);
  assertThrowsWith(() => mig([[1, 2], [3]], f), TypeError, /codes is ragged/);
  assertThrowsWith(() => mig(c, [[0, 1], [1]]), TypeError, /factors is ragged/);
  assertThrowsWith(() => mig(c.slice(1), f), RangeError, /codes has 9 rows but factors has 10/);
  assertThrowsWith(
    () => mig(c.map((r, i) => (i === 4 ? [NaN, 0] : r)), f),
    RangeError,
    /codes\[4\]\[0\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => mig(c.map((r, i) => (i === 2 ? [0, -Infinity] : r)), f),
    RangeError,
    /codes\[2\]\[1\] must be finite/,
  );
  assertThrowsWith(() => mig([[1, 2]], [[0, 1]]), RangeError, /codes needs at least 2 rows, got 1/);
  assertThrowsWith(() => mig(c.map(([a]) => [a]), f), RangeError, /codes needs at least 2 columns/);
  assertThrowsWith(() => mig(c, f, { bins: 0 }), RangeError, /bins must be ≥ 1, got 0/);
  assertThrowsWith(() => mig(c, f, { bins: 1.5 }), TypeError, /bins must be an integer, got 1.5/);
  assertThrowsWith(
    () => mig(c, f.map(([a, b], i) => [i === 3 ? NaN : a, b])),
    RangeError,
    /factors\[3\]\[0\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => mutualInfoMatrix(c, f.slice(2)),
    RangeError,
    /Cannot compute the mutual information matrix: codes has 10 rows but factors has 8/,
  );
  assertThrowsWith(() => mutualInfoMatrix(c, f, { bins: -3 }), RangeError, /bins/);
});

Deno.test("mig: a code range wider than float64 throws instead of mis-binning", () => {
  assertThrowsWith(
    () => mig([[0, -1e308], [1, 1e308]], [[0], [1]]),
    RangeError,
    /Cannot compute MIG: codes column 1 spans/,
  );
});
