import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { dcimig } from "../../metrics/dcimig.ts";

// Full 4×4 grid of two independent uniform factors: I between them is exactly 0.
const grid = Array.from({ length: 16 }, (_, i) => [i % 4, Math.floor(i / 4)]);
const LOG2 = Math.log(2), LOG4 = Math.log(4);

Deno.test("dcimig: hand-worked four-sample case", () => {
  // a = (0,0,1,1), b = (0,1,0,1); z0 = a, z1 = (0,1,1,1), 2 bins.
  // I(z0;a) = log 2, I(z0;b) = 0 → gap log 2 for a.
  // I(z1;a) = I(z1;b) = ¼log 2 + ¼log(2/3) + ½log(4/3) = c → gap 0 (top: a, first).
  // DCIMIG = (log 2 + 0) / (H(a) + H(b)) = ½.
  const factors = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const codes = [[0, 0], [0, 1], [1, 1], [1, 1]];
  const c = 0.25 * LOG2 + 0.25 * Math.log(2 / 3) + 0.5 * Math.log(4 / 3);
  const r = dcimig(codes, factors, { bins: 2 });
  assertClose(r.mutualInfo[1], [c, c], { atol: 1e-15 });
  assertClose(r.perCodeGap, [LOG2, 0], { atol: 1e-15 });
  assert.deepEqual(r.topFactor, [0, 0]);
  assertClose(r.perFactorGap, [LOG2, 0], { atol: 1e-15 });
  assertClose(r.score, 0.5, { atol: 1e-15 });
  assert.equal(r.bins, 2);
  assert.equal(r.samples, 4);
});

Deno.test("dcimig: identity, entangled and duplicated codes", () => {
  const identity = dcimig(grid.map(([a, b]) => [a, b]), grid);
  assertClose(identity.score, 1, { atol: 1e-12 });
  assertClose(identity.perFactorGap, [LOG4, LOG4], { atol: 1e-12 });
  // One code carrying both factors (I = log 4 with each): gap 0; a constant code: gap 0.
  const entangled = dcimig(grid.map(([a, b]) => [4 * a + b, 0]), grid);
  assert.deepEqual(entangled.perCodeGap, [0, 0]);
  assert.equal(entangled.score, 0);
  // A duplicated code: each copy is still about one factor, so DCIMIG stays 1.
  const dup = dcimig(grid.map(([a, b]) => [a, a, b]), grid);
  assertClose(dup.score, 1, { atol: 1e-12 });
  // A rotated pair mixes both factors into both codes: lower.
  const rotated = dcimig(grid.map(([a, b]) => [a + b, a - b]), grid);
  assert.ok(rotated.score < 0.5, `score ${rotated.score}`);
});

Deno.test("dcimig: factor values are categories, as their indices", () => {
  const values = grid.map(([a, b]) => [0.5 + 0.1 * a, b / 3]);
  const codes = grid.map(([a, b]) => [a + 0.2 * b, b]);
  assert.deepEqual(dcimig(codes, values), dcimig(codes, grid));
});

Deno.test("dcimig: bad input names the argument", () => {
  const codes = grid.map(([a, b]) => [a, b]);
  assertThrowsWith(
    () => dcimig(codes, grid.map(([a]) => [a])),
    RangeError,
    /factors needs at least 2 columns/,
  );
  assertThrowsWith(
    () => dcimig(codes, grid.map(() => [1, 2])),
    RangeError,
    /every factor takes a single value in all 16 rows/,
  );
  assertThrowsWith(
    () => dcimig(codes, grid.slice(1)),
    RangeError,
    /codes has 16 rows but factors has 15/,
  );
  assertThrowsWith(() => dcimig(codes, grid, { bins: 0 }), RangeError, /bins must be ≥ 1, got 0/);
  assertThrowsWith(
    () => dcimig(codes, grid, { bins: 2.5 }),
    TypeError,
    /bins must be an integer, got 2.5/,
  );
  assertThrowsWith(
    () => dcimig([[0, NaN], ...codes.slice(1)], grid),
    RangeError,
    /codes\[0\]\[1\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => dcimig(codes, [[0, 1], [1], ...grid.slice(2)]),
    TypeError,
    /factors is ragged/,
  );
});
