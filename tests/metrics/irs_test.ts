import assert from "node:assert/strict";
import { irs } from "../../metrics/irs.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { codes, codes40, f40, factors, reference } from "./_reference.ts";

Deno.test("irs: matches disentanglement_lib on the reference data (q = 0.99, 0.5, 1)", () => {
  const cases = [[0.99, reference["irs_0.99"]], [0.5, reference["irs_0.5"]], [
    1,
    reference["irs_1.0"],
  ]];
  for (const [q, [score, matrix, perCode]] of cases as [number, [number, number[][], number[]]][]) {
    const r = irs(codes, factors, { diffQuantile: q });
    assertClose(r.score, score, { atol: 1e-13 });
    for (let j = 0; j < 4; j++) assertClose(r.matrix[j], matrix[j], { atol: 1e-13 });
    assertClose(r.perCode, perCode, { atol: 1e-13 });
    assert.equal(r.diffQuantile, q);
  }
});

Deno.test("irs: factors are discretised into 20 bins unless bins is null", () => {
  assertClose(irs(codes40, f40).score, reference.irs40, { atol: 1e-13 });
  assertClose(irs(codes40, f40, { bins: null }).score, reference.irs40_raw, { atol: 1e-13 });
  assert.equal(irs(codes40, f40, { bins: null }).bins, null);
});

Deno.test("irs: identity of the factors → 1; zero codes → 0; hand-worked mixed code", () => {
  const rng = metricRng(31);
  const f = Array.from({ length: 3000 }, () => [rng.int(5), rng.int(8), rng.int(3)]);
  const identity = irs(f, f);
  assert.equal(identity.score, 1);
  assert.deepEqual(identity.parents, [0, 1, 2]);
  const zero = irs(f.map(() => [0, 0, 0]), f);
  assert.equal(zero.score, 0);
  assert.deepEqual(zero.activeCodes, []);
  // z = a + b on a 10×10 grid: within a group of a, |z − E z| is |b − 4.5|, whose
  // 0.99-quantile over 10 values is 4.5; max |z − 9| = 9, so every entry is ½.
  const grid = Array.from({ length: 100 }, (_, i) => [i % 10, Math.floor(i / 10)]);
  const mixed = irs(grid.map(([a, b]) => [a + b]), grid);
  assertClose(mixed.matrix[0], [0.5, 0.5], { atol: 1e-15 });
  assertClose(mixed.score, 0.5, { atol: 1e-15 });
});

Deno.test("irs: a constant dimension is dropped and carries no weight", () => {
  const grid = Array.from({ length: 100 }, (_, i) => [i % 10, Math.floor(i / 10)]);
  const r = irs(grid.map(([a, b]) => [a, 0.1, b]), grid);
  assert.deepEqual(r.activeCodes, [0, 2]);
  assert.deepEqual(r.perCode, [1, 0, 1]);
  assert.deepEqual(r.parents, [0, -1, 1]);
  assert.equal(r.maxDeviation[1], 0);
  assert.equal(r.score, 1);
  assert.equal(r.samples, 100);
});

Deno.test("irs: bad input names the argument", () => {
  assertThrowsWith(() => irs(codes, factors, { diffQuantile: 1.5 }), RangeError, /diffQuantile/);
  assertThrowsWith(() => irs(codes, factors, { diffQuantile: NaN }), TypeError, /diffQuantile/);
  assertThrowsWith(() => irs(codes, factors, { bins: 0 }), RangeError, /bins must be ≥ 1/);
  assertThrowsWith(() => irs(codes, factors.slice(3)), RangeError, /300 rows but factors has 297/);
  assertThrowsWith(() => irs([[1], [2, 3]], [[0], [1]]), TypeError, /codes is ragged/);
  assertThrowsWith(() => irs([[1]], [[0]]), RangeError, /at least 2 rows/);
  assertThrowsWith(() => irs([[1], [Infinity]], [[0], [1]]), RangeError, /codes\[1\]\[0\]/);
});
