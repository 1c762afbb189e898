import assert from "node:assert/strict";
import { modularity } from "../../metrics/modularity.ts";
import { modularityFromMi } from "../../metrics/_modularity_from_mi.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { codes, factors, reference } from "./_reference.ts";

Deno.test("modularity from MI: [[1,0],[0,1],[0,0]] → 2/3 (a zero row scores 0)", () => {
  const r = modularityFromMi([[1, 0], [0, 1], [0, 0]]);
  assert.deepEqual(r.perCode, [1, 1, 0]);
  assertClose(r.score, 2 / 3, { atol: 1e-15 });
});

Deno.test("modularity from MI: hand-worked rows", () => {
  // [2, 1, 0]: squares 4, 1, 0; θ = 4; δ = (5 − 4)/(4·2) = 1/8
  // [1, 1]: δ = 1/1 → 0;  [0.5, 0, 0, 0]: δ = 0 → 1
  const r = modularityFromMi([[2, 1, 0]]);
  assertClose(r.score, 7 / 8, { atol: 1e-15 });
  assert.deepEqual(modularityFromMi([[1, 1]]).perCode, [0]);
  assert.deepEqual(modularityFromMi([[0.5, 0, 0, 0]]).perCode, [1]);
  // scale-free: multiplying the whole matrix changes nothing
  assertClose(modularityFromMi([[6, 3, 0]]).score, 7 / 8, { atol: 1e-15 });
});

Deno.test("modularity: matches disentanglement_lib on the reference data", () => {
  const r = modularity(codes, factors);
  assertClose(r.score, reference.modularity, { atol: 1e-13 });
  assert.equal(r.bins, 20);
  assert.equal(r.samples, 300);
  assert.equal(r.perCode.length, 4);
});

Deno.test("modularity: codes copying factors plus a constant dimension → 2/3", () => {
  const f = Array.from({ length: 120 }, (_, i) => [i % 4, Math.floor(i / 4) % 5]);
  const r = modularity(f.map(([a, b]) => [a, b, 3]), f);
  assert.deepEqual(r.perCode, [1, 1, 0]);
  assertClose(r.score, 2 / 3, { atol: 1e-15 });
  // a dimension that encodes both factors loses modularity: its MI is log 4 with
  // factor 0 and log 5 with factor 1, so δ = (log 4 / log 5)²
  const mixed = modularity(f.map(([a, b]) => [5 * a + b, b]), f);
  assertClose(mixed.perCode, [1 - (Math.log(4) / Math.log(5)) ** 2, 1], { atol: 1e-12 });
});

Deno.test("modularity: bad input names the argument", () => {
  assertThrowsWith(
    () => modularity(codes, factors.map(([a]) => [a])),
    RangeError,
    /Cannot compute modularity: factors needs at least 2 columns, got 1/,
  );
  assertThrowsWith(() => modularity([[1], [2, 3]], [[0, 1], [1, 0]]), TypeError, /codes is ragged/);
  assertThrowsWith(() => modularity(codes, factors, { bins: 0 }), RangeError, /bins/);
  assertThrowsWith(() => modularity([[0]], [[0, 1]]), RangeError, /at least 2 rows/);
});
