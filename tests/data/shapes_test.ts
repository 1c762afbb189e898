import assert from "node:assert/strict";
import { createRng, createShapes } from "@disentangle/vae/data";
import { assertThrowsWith } from "../_helpers/assert.ts";

function stats(data: Float32Array, size: number) {
  let sum = 0, sx = 0, sy = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = data[r * size + c];
      sum += v;
      sx += v * (c + 0.5);
      sy += v * (r + 0.5);
    }
  }
  return { sum, x: sx / sum, y: sy / sum };
}

Deno.test("Shapes: the documented grid, 28×28 by default and 64×64 as an option", () => {
  const s = createShapes();
  assert.deepEqual(s.factorNames, ["x", "y", "scale", "rotation"]);
  assert.deepEqual(s.factorSizes, [16, 16, 6, 20]);
  assert.equal(s.size, 16 * 16 * 6 * 20);
  assert.deepEqual(s.observationShape, [28, 28, 1]);
  assert.equal(s.factorValues[3][1], (2 * Math.PI) / 20);
  const big = createShapes({ imageSize: 64, gridSizes: [4, 4, 2, 8] });
  assert.equal(big.size, 256);
  assert.deepEqual(big.observations([0]).shape, [1, 64, 64, 1]);
  const rng = createRng(2);
  const idx = Array.from({ length: 200 }, () => rng.int(s.size));
  assert.deepEqual(s.indexOfFactors(s.factors(idx)), idx);
  assert.deepEqual(s.factors([1, 20]), [[0, 0, 0, 1], [0, 0, 1, 0]]);
});

Deno.test("Shapes: binary hearts whose centroid follows x, y and whose area grows with scale", () => {
  for (const imageSize of [28, 64] as const) {
    const s = createShapes({ imageSize });
    const one = (f: number[]) => stats(s.observationsFromFactors([f]).data, imageSize);
    const all = s.observations([0, 100, 5000, s.size - 1]).data;
    assert.ok(all.every((v) => v === 0 || v === 1));
    let lastX = -Infinity, lastY = -Infinity, lastArea = 0;
    for (let k = 0; k < 16; k++) {
      const a = one([k, 8, 5, 0]), b = one([8, k, 5, 0]);
      assert.ok(a.x > lastX && b.y > lastY);
      lastX = a.x;
      lastY = b.y;
    }
    for (let k = 0; k < 6; k++) {
      const a = one([8, 8, k, 0]);
      assert.ok(a.sum > lastArea);
      lastArea = a.sum;
    }
    // Every rotation of the heart is a different image (no repeat of 0 at 2π).
    const images = new Set<string>();
    for (let r = 0; r < 20; r++) {
      images.add(s.observationsFromFactors([[8, 8, 5, r]]).data.join(""));
    }
    assert.equal(images.size, 20);
  }
});

Deno.test("Shapes: other sprites, seeded sampling, and errors naming the option", () => {
  const square = createShapes({ shape: "square", imageSize: 64, gridSizes: [3, 3, 6, 4] });
  // 64-pixel images share dSprites' geometry: a 20 × 20 square at scale 1, rotation 0.
  assert.equal(stats(square.observationsFromFactors([[1, 1, 5, 0]]).data, 64).sum, 400);
  const s = createShapes();
  assert.deepEqual(s.sampleFactors(50, createRng(4)), s.sampleFactors(50, createRng(4)));
  assertThrowsWith(
    () => createShapes({ imageSize: 32 as 28 }),
    RangeError,
    /imageSize must be 28 or 64, got 32/,
  );
  assertThrowsWith(
    () => createShapes({ shape: "star" as "heart" }),
    RangeError,
    /shape must be "heart", "square" or "ellipse", got "star"/,
  );
  assertThrowsWith(
    () => createShapes({ gridSizes: [1, 2, 0, 4] }),
    RangeError,
    /gridSizes\[2\] must be an integer ≥ 1, got 0/,
  );
  assertThrowsWith(
    () => s.observations([30720]),
    RangeError,
    /indices\[0\] = 30720 is outside 0\.\.30719/,
  );
});
