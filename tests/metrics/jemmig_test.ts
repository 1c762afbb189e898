import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { jemmig } from "../../metrics/jemmig.ts";

const grid = Array.from({ length: 16 }, (_, i) => [i % 4, Math.floor(i / 4)]);
const LOG2 = Math.log(2), LOG4 = Math.log(4), LOG20 = Math.log(20);

Deno.test("jemmig: hand-worked four-sample case", () => {
  // a = (0,0,1,1), b = (0,1,0,1); z0 = a, z1 = (0,1,1,1), 2 bins (normaliser H(y) + log 2).
  // c = I(z1;a) = I(z1;b) = ¼log 2 + ¼log(2/3) + ½log(4/3).
  // a: z* = z0, z° = z1: H(z0,a) − I(z0;a) + I(z1;a) = log 2 − log 2 + c = c.
  // b: z* = z1, z° = z0: H(z1,b) − c + 0, H(z1,b) = entropy of (¼, ¼, ½) = 1.5·log 2.
  // score = 1 − ½·(c + 1.5·log 2 − c) / (2·log 2) = 1 − 3/8 = 0.625.
  const factors = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const codes = [[0, 0], [0, 1], [1, 1], [1, 1]];
  const c = 0.25 * LOG2 + 0.25 * Math.log(2 / 3) + 0.5 * Math.log(4 / 3);
  const r = jemmig(codes, factors, { bins: 2 });
  assert.deepEqual(r.topCode, [0, 1]);
  assert.deepEqual(r.secondCode, [1, 0]);
  assertClose(r.perFactor, [c, 1.5 * LOG2 - c], { atol: 1e-15 });
  assertClose(r.perFactorNormalized, [c / (2 * LOG2), (1.5 * LOG2 - c) / (2 * LOG2)], {
    atol: 1e-15,
  });
  assertClose(r.score, 0.625, { atol: 1e-15 });
});

Deno.test("jemmig: identity, entangled and duplicated codes", () => {
  const identity = jemmig(grid.map(([a, b]) => [a, b]), grid);
  assertClose(identity.perFactor, [0, 0], { atol: 1e-12 });
  assertClose(identity.score, 1, { atol: 1e-12 });
  // Duplicated code: for a, z° = the copy, I(z°;a) = log 4 → JEMMIG(a) = log 4.
  const dup = jemmig(grid.map(([a, b]) => [a, a, b]), grid);
  assertClose(dup.perFactor, [LOG4, 0], { atol: 1e-12 });
  assertClose(dup.score, 1 - 0.5 * LOG4 / (LOG4 + LOG20), { atol: 1e-12 });
  // One code carrying both: H(z*, y) = log 16, so JEMMIG = log 16 − log 4 = log 4 for each.
  const entangled = jemmig(grid.map(([a, b]) => [4 * a + b, 0]), grid);
  assertClose(entangled.perFactor, [LOG4, LOG4], { atol: 1e-12 });
  assertClose(entangled.score, LOG20 / (LOG4 + LOG20), { atol: 1e-12 });
});

Deno.test("jemmig: a constant factor is allowed; values are categories", () => {
  const withConst = grid.map(([a, b]) => [a, b, 7]);
  const r = jemmig(grid.map(([a, b]) => [a, b]), withConst);
  // H(y) = 0, I = 0: JEMMIG = H(z*) = log 4 over log 20.
  assertClose(r.perFactorNormalized[2], LOG4 / LOG20, { atol: 1e-12 });
  const values = grid.map(([a, b]) => [0.5 + 0.1 * a, -b / 7]);
  const codes = grid.map(([a, b]) => [a + 0.3 * b, b]);
  assert.deepEqual(jemmig(codes, values), jemmig(codes, grid));
});

Deno.test("jemmig: bad input names the argument", () => {
  const codes = grid.map(([a, b]) => [a, b]);
  assertThrowsWith(
    () => jemmig(codes.map(([a]) => [a]), grid),
    RangeError,
    /codes needs at least 2 columns/,
  );
  assertThrowsWith(() => jemmig(codes, grid, { bins: 1 }), RangeError, /bins must be ≥ 2, got 1/);
  assertThrowsWith(() => jemmig(codes, grid, { bins: 1.5 }), TypeError, /bins must be an integer/);
  assertThrowsWith(
    () => jemmig(codes, grid.slice(3)),
    RangeError,
    /codes has 16 rows but factors has 13/,
  );
  assertThrowsWith(
    () => jemmig(codes, [[Infinity, 0], ...grid.slice(1)]),
    RangeError,
    /factors\[0\]\[0\] must be finite/,
  );
});
