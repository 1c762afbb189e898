import assert from "node:assert/strict";
import { permutation } from "@disentangle/vae/data";
import { shuffleInPlace } from "../../data/_permutation.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";

Deno.test("permutation gives the order of the seeded in-place shuffle, without changing its input", () => {
  const values = Int32Array.from({ length: 50 }, (_, i) => 3 * i - 20);
  const before = values.slice();
  for (const [seed, stream] of [[0, 0], [7, 3], [2 ** 40 + 1, -1], [-5, 0x73756273]]) {
    const order = permutation(values, { seed, stream });
    assert.deepEqual(order, shuffleInPlace(values.slice(), seed, stream));
    assert.deepEqual([...order].sort((a, b) => a - b), [...before]);
  }
  assert.deepEqual(values, before);
  assert.deepEqual(permutation(values, { seed: 7 }), permutation(values, { seed: 7, stream: 0 }));
  assert.notDeepEqual(
    permutation(values, { seed: 7 }),
    permutation(values, { seed: 7, stream: 1 }),
  );
  assert.deepEqual(permutation([], { seed: 1 }), new Int32Array(0));
});

Deno.test("permutation rejects bad values, a missing seed and bad seeds or streams", () => {
  assertThrowsWith(
    () => permutation(null as unknown as number[], { seed: 1 }),
    TypeError,
    /values/,
  );
  assertThrowsWith(() => permutation([1, 1.5], { seed: 1 }), TypeError, /values\[1\]/);
  assertThrowsWith(() => permutation([2 ** 31], { seed: 1 }), RangeError, /values\[0\]/);
  assertThrowsWith(
    () => permutation([1], {} as { seed: number }),
    TypeError,
    /options\.seed is required/,
  );
  assertThrowsWith(() => permutation([1], { seed: 0.5 }), RangeError, /seed must be a safe/);
  assertThrowsWith(() => permutation([1], { seed: 1, stream: NaN }), RangeError, /stream/);
});
