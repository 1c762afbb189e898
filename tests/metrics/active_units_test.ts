import assert from "node:assert/strict";
import { activeUnits } from "@disentangle/vae/metrics";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";

Deno.test("activeUnits: variances and active dimensions of a hand-worked example", () => {
  // Column 0: 0, 0.2, 0.4 → mean 0.2, variance (0.04 + 0 + 0.04) / 3 = 0.0267 (active).
  // Column 1: constant → 0 (inactive). Column 2: 5, 5, 5.3 → mean 5.1,
  // variance (0.01 + 0.01 + 0.04) / 3 = 0.02 (active). Column 3: 0.05, −0.05, 0.05 → mean
  // 0.05 / 3, variance 0.0025 · 8 / 9 = 0.0022 (inactive).
  const means = [[0, 1, 5, 0.05], [0.2, 1, 5, -0.05], [0.4, 1, 5.3, 0.05]];
  const r = activeUnits(means);
  assertClose(r.variances, [0.08 / 3, 0, 0.02, 0.0025 * 8 / 9], { rtol: 1e-12, atol: 1e-15 });
  assert.deepEqual(r.active, [0, 2]);
  assert.equal(r.count, 2);
  assert.equal(r.threshold, 0.01);
  assert.equal(r.samples, 3);
  // Typed-array rows, as an encoder gives them.
  assert.deepEqual(activeUnits(means.map((row) => Float32Array.from(row))).active, [0, 2]);
  // One sample: nothing varies.
  assert.deepEqual(activeUnits([[1, 2, 3]]), {
    count: 0,
    active: [],
    variances: [0, 0, 0],
    threshold: 0.01,
    samples: 1,
  });
});

Deno.test("activeUnits: the threshold is strict", () => {
  // ±0.25 and ±0.5: variances 0.0625 and 0.25, both exact in binary.
  const means = [[0.25, 0.5], [-0.25, -0.5]];
  assert.deepEqual(activeUnits(means, { threshold: 0.0625 }).active, [1]);
  assert.deepEqual(activeUnits(means, { threshold: 0.0624 }).active, [0, 1]);
  assert.deepEqual(activeUnits(means, { threshold: 0.25 }).active, []);
  // Threshold 0: every dimension that varies at all; a constant one never.
  assert.deepEqual(activeUnits([[1, 7], [1 + 1e-9, 7]], { threshold: 0 }).active, [0]);
});

Deno.test("activeUnits rejects bad input, naming the value", () => {
  assertThrowsWith(
    () => activeUnits([]),
    RangeError,
    /^Cannot count active units: means needs at least 1 rows, got 0$/,
  );
  assertThrowsWith(
    () => activeUnits("codes" as unknown as number[][]),
    TypeError,
    /^Cannot count active units: means must be an array of rows, got string codes$/,
  );
  assertThrowsWith(
    () => activeUnits([[1, 2], [3]]),
    TypeError,
    /means is ragged: row 0 has 2 values but row 1 has 1/,
  );
  assertThrowsWith(
    () => activeUnits([[1, 2], [3, NaN]]),
    RangeError,
    /means\[1\]\[1\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => activeUnits([[1]], { threshold: -0.1 }),
    RangeError,
    /^Cannot count active units: threshold must be a finite number in \[0, Infinity\], got -0\.1$/,
  );
  assertThrowsWith(
    () => activeUnits([[1]], { threshold: Infinity }),
    RangeError,
    /threshold must be a finite number .*, got Infinity/,
  );
  assertThrowsWith(
    () => activeUnits([[1]], { threshold: "0.1" as unknown as number }),
    TypeError,
    /^Cannot count active units: threshold must be a number, got 0\.1$/,
  );
});
