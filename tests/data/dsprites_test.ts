import assert from "node:assert/strict";
import { createDsprites, createRng } from "@disentangle/vae/data";
import { assertThrowsWith } from "../_helpers/assert.ts";

const dsprites = createDsprites();
const P = 64 * 64;

/** Sum, centroid (x, y) of one rendered image. */
function stats(data: Float32Array, image = 0) {
  let sum = 0, sx = 0, sy = 0;
  for (let r = 0; r < 64; r++) {
    for (let c = 0; c < 64; c++) {
      const v = data[image * P + r * 64 + c];
      sum += v;
      sx += v * (c + 0.5);
      sy += v * (r + 0.5);
    }
  }
  return { sum, x: sx / sum, y: sy / sum };
}
const render = (f: number[]) => dsprites.observationsFromFactors([f]).data;

Deno.test("dSprites has the original's grid and factor values", () => {
  assert.equal(dsprites.size, 737280);
  assert.deepEqual(dsprites.factorNames, ["shape", "scale", "orientation", "posX", "posY"]);
  assert.deepEqual(dsprites.factorSizes, [3, 6, 40, 32, 32]);
  assert.deepEqual(dsprites.observationShape, [64, 64, 1]);
  assert.deepEqual(dsprites.shapeNames, ["square", "ellipse", "heart"]);
  const [shape, scale, orientation, x, y] = dsprites.factorValues;
  assert.deepEqual(shape, [1, 2, 3]);
  assert.deepEqual(scale.map((v) => Math.round(v * 10) / 10), [0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.equal(orientation[0], 0);
  assert.equal(orientation[39], 2 * Math.PI);
  assert.ok(Math.abs(orientation[1] - 0.16110732) < 1e-8); // the original's second value
  assert.equal(x[31], 1);
  assert.ok(Math.abs(y[1] - 0.03225806) < 1e-8);
});

Deno.test("dSprites index ↔ factors: the original's order (posY fastest) and a round trip", () => {
  assert.deepEqual(dsprites.factors([0, 1, 32, 1024, 40960, 245760, 737279]), [
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 1, 0],
    [0, 0, 1, 0, 0],
    [0, 1, 0, 0, 0],
    [1, 0, 0, 0, 0],
    [2, 5, 39, 31, 31],
  ]);
  const rng = createRng(3);
  const indices = Array.from({ length: 500 }, () => rng.int(737280));
  assert.deepEqual(dsprites.indexOfFactors(dsprites.factors(indices)), indices);
});

Deno.test("dSprites images are binary, and observations(i) = observationsFromFactors(factors(i))", () => {
  const indices = [5, 300000, 737279, 5];
  const a = dsprites.observations(indices);
  assert.deepEqual(a.shape, [4, 64, 64, 1]);
  assert.ok(a.data.every((v) => v === 0 || v === 1));
  const b = dsprites.observationsFromFactors(dsprites.factors(indices));
  assert.deepEqual(a.data, b.data);
  // Repeated indices give identical images, in the order asked.
  assert.deepEqual(a.data.subarray(0, P), a.data.subarray(3 * P, 4 * P));
  for (let i = 0; i < 4; i++) assert.ok(stats(a.data, i).sum > 0);
});

Deno.test("dSprites: the centroid follows posX and posY over [16, 48] pixels", () => {
  for (const shape of [0, 1, 2]) {
    for (const [px, py] of [[0, 0], [31, 0], [0, 31], [10, 20]]) {
      const s = stats(render([shape, 3, 0, px, py]));
      const cx = 16 + (32 * px) / 31, cy = 16 + (32 * py) / 31;
      assert.ok(Math.abs(s.x - cx) < 0.6, `shape ${shape} x ${s.x} vs ${cx}`);
      // The heart's area centroid sits above its bounding-box centre.
      assert.ok(Math.abs(s.y - cy) < (shape === 2 ? 2 : 0.6), `shape ${shape} y ${s.y} vs ${cy}`);
    }
    let last = -Infinity;
    for (let px = 0; px < 32; px++) {
      const s = stats(render([shape, 5, 0, px, 16]));
      assert.ok(s.x > last, "the centroid moves right with posX");
      last = s.x;
    }
  }
});

Deno.test("dSprites: area grows with scale, and matches each shape's expected pixel count", () => {
  const expectedFraction = [1, Math.PI / 8, 0.7055]; // of the box (20·scale)²
  for (const shape of [0, 1, 2]) {
    let last = 0;
    for (let scale = 0; scale < 6; scale++) {
      const s = stats(render([shape, scale, 7, 16, 16]));
      assert.ok(s.sum > last, `shape ${shape}: area grows with scale`);
      last = s.sum;
      const side = 20 * dsprites.factorValues[1][scale];
      const area = expectedFraction[shape] * side * side;
      // Binary rasterisation: the error is bounded by about one perimeter of pixels.
      const perimeter = shape === 0 ? 4 * side : 3 * side;
      assert.ok(
        Math.abs(s.sum - area) < perimeter / 2,
        `shape ${shape} scale ${scale}: ${s.sum} vs ${area}`,
      );
    }
  }
  // The axis-aligned square at scale 1 is exactly 20 × 20 pixels.
  assert.equal(stats(render([0, 5, 0, 16, 16])).sum, 400);
  assert.equal(stats(render([0, 0, 0, 0, 0])).sum, 100);
});

Deno.test("dSprites: orientation changes the image except where the shape is symmetric", () => {
  const img = (shape: number, o: number) => render([shape, 5, o, 16, 16]);
  const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i]);
  for (const shape of [0, 1, 2]) {
    // Orientation 39 is 2π, the same image as orientation 0, as in the original.
    assert.ok(same(img(shape, 0), img(shape, 39)));
    for (let o = 1; o < 39; o++) {
      const turned = o * 9; // degrees
      const symmetric = (shape === 0 && turned % 90 === 0) || (shape === 1 && turned % 180 === 0);
      if (!symmetric) assert.ok(!same(img(shape, 0), img(shape, o)), `shape ${shape} o ${o}`);
    }
  }
  // A square turned by a quarter turn (orientation 10 = 90°) is the same square.
  const d = img(0, 0).reduce((s, v, i) => s + Math.abs(v - img(0, 10)[i]), 0);
  assert.ok(d <= 40, `${d} pixels differ`);
  // The heart is not symmetric under a half turn: its lobes move to the bottom.
  assert.ok(stats(img(2, 20)).y > stats(img(2, 0)).y + 1);
});

Deno.test("dSprites: seeded sampling is repeatable and uniform over the grid", () => {
  const a = dsprites.sampleFactors(2000, createRng(11));
  assert.deepEqual(dsprites.sampleFactors(2000, createRng(11)), a);
  assert.notDeepEqual(dsprites.sampleFactors(2000, createRng(12)), a);
  for (let k = 0; k < 5; k++) {
    const values = new Set(a.map((f) => f[k]));
    assert.equal(values.size, dsprites.factorSizes[k], `factor ${k} takes every value`);
    assert.ok(a.every((f) => f[k] >= 0 && f[k] < dsprites.factorSizes[k]));
  }
});

Deno.test("dSprites rejects bad indices and factors, naming the value", () => {
  assertThrowsWith(
    () => dsprites.observations([0, 737280]),
    RangeError,
    /Cannot render dsprites observations: indices\[1\] = 737280 is outside 0\.\.737279/,
  );
  assertThrowsWith(
    () => dsprites.observations([1.5]),
    TypeError,
    /indices\[0\] must be an integer, got 1\.5/,
  );
  assertThrowsWith(() => dsprites.factors([-1]), RangeError, /indices\[0\] = -1 is outside/);
  assertThrowsWith(
    () => dsprites.indexOfFactors([[0, 0, 40, 0, 0]]),
    RangeError,
    /factors\[0\]\[2\] \(orientation\) = 40 is outside 0\.\.39/,
  );
  assertThrowsWith(
    () => dsprites.indexOfFactors([[0, 0, 0]]),
    TypeError,
    /factors\[0\] must hold 5 factors \(shape, scale, orientation, posX, posY\), got length 3/,
  );
  assertThrowsWith(
    () => dsprites.observationsFromFactors([[3, 0, 0, 0, 0]]),
    RangeError,
    /factors\[0\]\[0\] \(shape\) = 3 is outside 0\.\.2/,
  );
  assertThrowsWith(
    () => dsprites.sampleFactors(-1, createRng(1)),
    RangeError,
    /n must be ≥ 0, got -1/,
  );
  assertThrowsWith(
    () => dsprites.sampleFactors(2, () => 1),
    RangeError,
    /rng\(\) returned 1, not a number in \[0, 1\)/,
  );
  assertThrowsWith(
    () => dsprites.sampleFactors(2, "x" as unknown as () => number),
    TypeError,
    /rng must be a function/,
  );
});
