import assert from "node:assert/strict";
import { discreteEntropy } from "../../metrics/discrete_entropy.ts";
import { discreteMutualInfo } from "../../metrics/discrete_mutual_info.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { metricRng } from "../../metrics/_rng.ts";

Deno.test("discreteEntropy: hand-worked values", () => {
  assert.equal(discreteEntropy([3]), 0);
  assert.equal(discreteEntropy([7, 7, 7, 7]), 0);
  assertClose(discreteEntropy([0, 1]), Math.log(2), { atol: 1e-15 });
  // counts 2, 1, 1 of 4: −(½ log ½ + 2·¼ log ¼) = 1.5 log 2
  assertClose(discreteEntropy([9, -4, 9, 100000000]), 1.5 * Math.log(2), { atol: 1e-15 });
  // counts 3, 1: −(¾ log ¾ + ¼ log ¼)
  assertClose(discreteEntropy([1, 1, 1, 2]), -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), {
    atol: 1e-15,
  });
  assertClose(discreteEntropy(Int32Array.from({ length: 60 }, (_, i) => i % 6)), Math.log(6), {
    atol: 1e-14,
  });
});

Deno.test("discreteMutualInfo: independent → 0, identical → entropy, relabelled → same", () => {
  const a = Array.from({ length: 24 }, (_, i) => i % 4);
  const b = Array.from({ length: 24 }, (_, i) => Math.floor(i / 4) % 3);
  assert.equal(discreteMutualInfo(a, b), 0); // every cell count factorises exactly
  assertClose(discreteMutualInfo(a, a), discreteEntropy(a), { atol: 1e-15 });
  assertClose(discreteMutualInfo(a, a), Math.log(4), { atol: 1e-15 });
  const relabelled = a.map((v) => 10 * (3 - v) - 5);
  assertClose(discreteMutualInfo(a, relabelled), Math.log(4), { atol: 1e-15 });
  assert.equal(discreteMutualInfo(a, a.map(() => 1)), 0);
});

Deno.test("discreteMutualInfo: a hand-worked 2×2 table", () => {
  // counts [[3, 1], [1, 3]] over N = 8: I = 2·(3/8) log(3·8/16) + 2·(1/8) log(8/16)
  const a = [0, 0, 0, 0, 1, 1, 1, 1];
  const b = [0, 0, 0, 1, 1, 1, 1, 0];
  const expected = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
  assertClose(discreteMutualInfo(a, b), expected, { atol: 1e-15 });
  assertClose(discreteMutualInfo(b, a), expected, { atol: 1e-15 });
});

Deno.test("discreteMutualInfo: 0 ≤ I(a;b) ≤ min(H(a), H(b)) and symmetric on random labels", () => {
  const rng = metricRng(3);
  for (let t = 0; t < 50; t++) {
    const n = 2 + rng.int(200);
    const a = Array.from({ length: n }, () => rng.int(1 + rng.int(8)));
    const b = a.map((v) => (rng.next() < 0.5 ? v : rng.int(5)));
    const i = discreteMutualInfo(a, b);
    assert.ok(i >= 0);
    assert.ok(i <= Math.min(discreteEntropy(a), discreteEntropy(b)) + 1e-12);
    assertClose(discreteMutualInfo(b, a), i, { atol: 1e-12 });
  }
});

Deno.test("discreteMutualInfo: labels far apart use the sparse path with the same result", () => {
  const a = Array.from({ length: 50 }, (_, i) => (i % 5) * 1e9);
  const b = Array.from({ length: 50 }, (_, i) => ((i * 3) % 7) - 2e12);
  const aDense = a.map((v) => v / 1e9), bDense = b.map((v) => v + 2e12);
  assertClose(discreteMutualInfo(a, b), discreteMutualInfo(aDense, bDense), { atol: 1e-15 });
});

Deno.test("discreteEntropy / discreteMutualInfo: bad input names the argument", () => {
  assertThrowsWith(() => discreteEntropy([]), RangeError, /labels needs at least 1 label/);
  assertThrowsWith(() => discreteEntropy([0, Infinity]), RangeError, /labels\[1\] must be finite/);
  assertThrowsWith(() => discreteEntropy([0, NaN]), RangeError, /labels\[1\] must be finite/);
  assertThrowsWith(
    () => discreteEntropy(null as unknown as number[]),
    TypeError,
    /labels must be an array/,
  );
  assertThrowsWith(() => discreteMutualInfo([0, 1], [0]), RangeError, /a has 2 labels but b has 1/);
  assertThrowsWith(() => discreteMutualInfo([0, 1], [0, Infinity]), RangeError, /b\[1\]/);
  assertThrowsWith(
    () => discreteMutualInfo([0, "1"] as unknown as number[], [0, 1]),
    TypeError,
    /a\[1\] must be a number/,
  );
});

Deno.test("discreteMutualInfo: a table too large to hold densely gives the same result", () => {
  // 2100 distinct labels each: 4.41 M cells, above the dense limit.
  const n = 2100;
  const a = Array.from({ length: n }, (_, i) => i);
  const b = a.map((i) => (i * 13) % n); // a bijection of a
  assertClose(discreteMutualInfo(a, b), Math.log(n), { atol: 1e-12 });
  const half = a.map((i) => i % 2);
  assertClose(discreteMutualInfo(b, half), Math.log(2), { atol: 1e-12 });
});
