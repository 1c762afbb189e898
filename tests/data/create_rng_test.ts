import assert from "node:assert/strict";
import { createRng } from "@disentangle/vae/data";
import { assertThrowsWith } from "../_helpers/assert.ts";

Deno.test("createRng matches the xoshiro128** reference from a known state", () => {
  // Reference: the C implementation of xoshiro128** from state {1, 2, 3, 4}
  // gives 11520, 0, 5927040, 70819200, 2031721883 as its first outputs.
  const rng = createRng([1, 2, 3, 4]);
  const words = Array.from({ length: 5 }, () => rng() * 2 ** 32);
  assert.deepEqual(words, [11520, 0, 5927040, 70819200, 2031721883]);
});

Deno.test("createRng: same seed same stream, different seeds differ, values in [0, 1)", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(Array.from({ length: 1000 }, () => b()), xs);
  assert.notDeepEqual(Array.from({ length: 1000 }, () => c()), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  // Seeds beyond 32 bits are not truncated.
  assert.notEqual(createRng(2 ** 40 + 7)(), createRng(7)());
  assert.notEqual(createRng(-1)(), createRng(2 ** 32 - 1)() + 1);
});

Deno.test("createRng state round-trips through JSON exactly, mid-stream", () => {
  const rng = createRng(123);
  for (let i = 0; i < 10; i++) rng.normal();
  const saved = JSON.parse(JSON.stringify(rng.state()));
  const ahead = [rng(), rng.int(1000), rng.normal(), rng.int(3)];
  const resumed = createRng(saved);
  assert.deepEqual([resumed(), resumed.int(1000), resumed.normal(), resumed.int(3)], ahead);
  assert.deepEqual(resumed.state(), rng.state());
});

Deno.test("createRng int is uniform over 0..n-1 and normal has mean 0, variance 1", () => {
  const rng = createRng(5);
  const counts = new Array(6).fill(0);
  const n = 60000;
  for (let i = 0; i < n; i++) counts[rng.int(6)]++;
  // Chi-square with 5 degrees of freedom: 20.5 is its 0.999 quantile.
  const chi2 = counts.reduce((s, c) => s + (c - n / 6) ** 2 / (n / 6), 0);
  assert.ok(chi2 < 20.5, `chi2 ${chi2}, counts ${counts}`);
  assert.equal(rng.int(1), 0);
  const zs = Array.from({ length: 20000 }, () => rng.normal());
  const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
  const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / zs.length;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.04, `variance ${variance}`);
  assert.ok(zs.every(Number.isFinite));
});

Deno.test("createRng rejects bad seeds and states, naming the value", () => {
  assertThrowsWith(
    () => createRng(1.5),
    RangeError,
    /Cannot create rng: seed must be a safe integer, got 1\.5/,
  );
  assertThrowsWith(() => createRng(NaN), RangeError, /got NaN/);
  assertThrowsWith(
    () => createRng("1" as unknown as number),
    TypeError,
    /seedOrState must be a safe integer or an array of 4 state words, got "1"/,
  );
  assertThrowsWith(
    () => createRng([1, 2, 3] as unknown as [number, number, number, number]),
    TypeError,
    /got an array of length 3/,
  );
  assertThrowsWith(() => createRng([0, 0, 0, 0]), RangeError, /state is all zero/);
  assertThrowsWith(
    () => createRng([1, 2, 3, 2 ** 32]),
    RangeError,
    /state\[3\] must be an integer in 0\.\.2\^32-1, got 4294967296/,
  );
  assertThrowsWith(
    () => createRng(1).int(0),
    RangeError,
    /Cannot draw an integer: n must be an integer in 1\.\.2\^32, got 0/,
  );
});
